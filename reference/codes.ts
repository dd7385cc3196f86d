import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { UnsecuredJWT } from 'jose/jwt/unsecured';

/**
 * Generation of every code and credential the server hands out. All are opaque random
 * values from node:crypto, with no counters or timestamps a client could predict.
 */

/** RFC 8628 §6.1: 20 consonants, no vowels (no words) and no confusable characters. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

function randomBase64Url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** 32 random bytes, 256 bits (RFC 8628 §5.2 asks for enough entropy; 6749 §10.10 ≥ 128). */
export function newDeviceCode(): string {
  return randomBase64Url(32);
}

/** Eight letters of the base-20 alphabet (≈ 34.6 bits), canonical form without the dash. */
export function newUserCode(): string {
  let code = '';
  while (code.length < USER_CODE_LENGTH) {
    for (const byte of randomBytes(USER_CODE_LENGTH * 2)) {
      // Rejection sampling keeps the distribution uniform: 240 is the largest multiple of 20.
      if (byte < 240 && code.length < USER_CODE_LENGTH) {
        code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
      }
    }
  }
  return code;
}

/** `PMPJVZCJ` → `PMPJ-VZCJ`, the form AWS shows (shorter codes are shown as they are). */
export function displayUserCode(canonical: string): string {
  if (canonical.length <= 4) return canonical;
  return `${canonical.slice(0, 4)}-${canonical.slice(4)}`;
}

/** Seeded-fault codes: what a careless server might issue. */
export const CONFUSABLE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A user code of `length` characters drawn at random from `alphabet`. */
export function randomCode(alphabet: string, length: number): string {
  let code = '';
  for (const byte of randomBytes(length)) code += alphabet[byte % alphabet.length];
  return code;
}

/** The n-th code of a counter written in `alphabet` (base alphabet.length), `length` wide. */
export function sequentialCode(n: number, alphabet: string, length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) {
    code = alphabet[n % alphabet.length] + code;
    n = Math.floor(n / alphabet.length);
  }
  return code;
}

/**
 * RFC 8628 §6.1: upper-case the input and drop everything outside the alphabet (dashes,
 * spaces), so `pmpj vzcj` and `PMPJ-VZCJ` name the same code.
 */
export function normalizeUserCode(input: string, alphabet = USER_CODE_ALPHABET): string {
  let out = '';
  for (const ch of input.toUpperCase()) {
    if (alphabet.includes(ch)) out += ch;
  }
  return out;
}

export function newAccessToken(): string {
  return randomBase64Url(48);
}

export function newRefreshToken(): string {
  return randomBase64Url(48);
}

/** Seeded fault: a self-contained token with a random jti but no signature (alg none). */
export function newUnsignedJwt(use: 'at' | 'rt'): string {
  return new UnsecuredJWT({ token_use: use }).setJti(randomBase64Url(32)).setIssuedAt().encode();
}

const base64UrlJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * rt-signature-not-verified: a JWT that looks HS256-signed (its signature is random bytes) and
 * names its grant by jti; the server reads the jti without verifying anything.
 */
export function newUnverifiedJwt(use: 'rt'): string {
  const header = base64UrlJson({ alg: 'HS256', typ: 'JWT' });
  const payload = base64UrlJson({
    token_use: use,
    jti: randomBase64Url(32),
    iat: Math.floor(Date.now() / 1000),
  });
  return `${header}.${payload}.${randomBase64Url(32)}`;
}

/** The jti of a JWT's payload, read without any verification (the fault's bug). */
export function unverifiedJti(token: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
    );
    const jti = (payload as { jti?: unknown } | null)?.jti;
    return typeof jti === 'string' ? jti : undefined;
  } catch {
    return undefined;
  }
}

/** Authorization codes: 256 random bits (RFC 6749 §10.10 asks for at least 128). */
export function newAuthorizationCode(): string {
  return randomBase64Url(32);
}

/** The per-request token of a consent form: only the page's reader can submit it. */
export function newConsentToken(): string {
  return randomBase64Url(32);
}

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function newClientId(): string {
  return randomBase64Url(16);
}

export function newClientSecret(): string {
  return randomBase64Url(48);
}

// AWS-shaped credentials (aws-shaped-credentials, EVIDENCE.md E3, E4, E6; EXCHANGES.md X4, X6):
// what a client of real AWS sees, so that the suite is run against those shapes too.

/** AWS: base64url(16 random bytes ‖ the region's name), e.g. `…us-east-1` once decoded. */
export function newAwsClientId(region: string): string {
  return Buffer.concat([randomBytes(16), Buffer.from(region, 'ascii')]).toString('base64url');
}

/** What AWS serialises into its client secret's payload (X4). Timestamps in epoch seconds. */
export interface AwsSecretClaims {
  clientName: string;
  scopes: string[];
  createdTimestamp: number;
  expirationTimestamp: number;
}

/**
 * AWS's client secret: an HS384 JWS, header `{"kid":"key-…","alg":"HS384"}`, payload
 * `{"serialized":"<JSON>"}` (X4). The reference compares secrets as strings, so the key only
 * has to make a real signature.
 */
export function newAwsClientSecret(
  clientId: string,
  claims: AwsSecretClaims,
  key: Buffer,
  kid: string,
): string {
  // X4 lists what the inner JSON "includes"; the clientId is our addition, so that two
  // registrations in the same virtual millisecond still get distinct secrets, as AWS's are.
  const serialized = JSON.stringify({
    clientId,
    clientType: 'PUBLIC',
    clientName: claims.clientName,
    createdTimestamp: claims.createdTimestamp,
    expirationTimestamp: claims.expirationTimestamp,
    scopes: claims.scopes,
    isExpired: false,
    enabledGrants: null,
  });
  const signingInput = `${base64UrlJson({ kid, alg: 'HS384' })}.${base64UrlJson({ serialized })}`;
  const signature = createHmac('sha384', key).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** AWS: 86 base64url characters, 64 random bytes (X1, X3). */
export function newAwsDeviceCode(): string {
  return randomBase64Url(64);
}

/** AWS (X6): access tokens start `aoaAAAAA`, refresh tokens `aorAAAAA`; the rest is opaque. */
export function newAwsToken(kind: 'at' | 'rt'): string {
  return `${kind === 'at' ? 'aoa' : 'aor'}AAAAA${randomBase64Url(192)}`;
}

export function newRequestId(): string {
  return randomUUID();
}

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
