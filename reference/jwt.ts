import { randomUUID } from 'node:crypto';
// jose by subpath: its index loads every module it has (JWE, JWKS ...), twice the load time.
import type { CryptoKey, JWK, JWTPayload } from 'jose';
import { decodeJwt } from 'jose/jwt/decode';
import { exportJWK } from 'jose/key/export';
import { generateKeyPair } from 'jose/key/generate/keypair';
import { jwtVerify } from 'jose/jwt/verify';
import { SignJWT } from 'jose/jwt/sign';
import { epochSeconds } from './clock.ts';

/**
 * The JWTs of CreateTokenWithIAM, all with jose (ES256): the trusted token issuer whose
 * assertions the jwt-bearer grant accepts (its key pair is made for each server, so only
 * this server can mint them), and the server's own key that signs idTokens.
 */

export const JWT_ALGORITHM = 'ES256';
const TRUSTED_ISSUER_KID = 'reference-trusted-issuer';
const ID_TOKEN_KID = 'reference-id-token';
/** Default lifetime of a minted assertion, seconds. */
export const DEFAULT_ASSERTION_LIFETIME = 300;
/** The subject of minted assertions unless asked otherwise. */
export const DEFAULT_ASSERTION_SUBJECT = 'reference-user@issuer.reference.invalid';
/** Bounds of `expiresIn` (ten years either way). */
const MAX_ASSERTION_SECONDS = 10 * 365 * 24 * 3600;

interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/**
 * A server's two key pairs, each made the first time it is used: most tests never send a
 * CreateTokenWithIAM, and an embedded run starts a server per test, so making both pairs at
 * every start was a good part of the run's CPU time.
 */
export class IamKeys {
  private trusted: Promise<KeyPair> | undefined;
  private id: Promise<KeyPair> | undefined;

  /** The trusted token issuer's pair: mints and verifies assertions. */
  trustedIssuer(): Promise<KeyPair> {
    return (this.trusted ??= generateKeyPair(JWT_ALGORITHM));
  }

  /** Signs idTokens. */
  idToken(): Promise<KeyPair> {
    return (this.id ??= generateKeyPair(JWT_ALGORITHM));
  }

  /** The public half of `idToken`, for whoever wants to verify idTokens. */
  async idTokenPublicJwk(): Promise<JWK> {
    const { publicKey } = await this.idToken();
    return { ...(await exportJWK(publicKey)), kid: ID_TOKEN_KID, alg: JWT_ALGORITHM, use: 'sig' };
  }
}

/** What `mintAssertion` is asked for; defaults make a valid assertion. */
export interface AssertionOptions {
  /** Seconds from the server's now until `exp`; default 300; negative: already expired. */
  expiresIn?: number;
  /** Default REFERENCE_TRUSTED_ISSUER. */
  issuer?: string;
  /** Default the application ARN. */
  audience?: string;
  /** Default DEFAULT_ASSERTION_SUBJECT; the empty string leaves `sub` out. */
  subject?: string;
  /** Signed with a fresh key the server does not trust. */
  foreignKey?: boolean;
}

/** Why `value` is not an AssertionOptions (undefined: it is one). */
export function assertionOptionsProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'options must be an object';
  }
  const o = value as Record<string, unknown>;
  const { expiresIn, issuer, audience, subject, foreignKey } = o;
  if (
    expiresIn !== undefined &&
    (typeof expiresIn !== 'number' ||
      !Number.isFinite(expiresIn) ||
      Math.abs(expiresIn) > MAX_ASSERTION_SECONDS)
  ) {
    return `expiresIn must be a number of seconds from -${MAX_ASSERTION_SECONDS} to ${MAX_ASSERTION_SECONDS}`;
  }
  for (const [name, v] of Object.entries({ issuer, audience, subject })) {
    if (v !== undefined && typeof v !== 'string') return `${name} must be a string`;
  }
  if (foreignKey !== undefined && typeof foreignKey !== 'boolean') {
    return 'foreignKey must be a boolean';
  }
  return undefined;
}

/** An assertion of the trusted issuer (or, with foreignKey, of an impostor), times on `nowMs`. */
export async function mintAssertion(
  keys: IamKeys,
  defaults: { issuer: string; audience: string },
  nowMs: number,
  opts: AssertionOptions = {},
): Promise<string> {
  const now = epochSeconds(nowMs);
  const exp = now + Math.round(opts.expiresIn ?? DEFAULT_ASSERTION_LIFETIME);
  const subject = opts.subject ?? DEFAULT_ASSERTION_SUBJECT;
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid: TRUSTED_ISSUER_KID, typ: 'JWT' })
    .setIssuer(opts.issuer ?? defaults.issuer)
    .setAudience(opts.audience ?? defaults.audience)
    .setIssuedAt(Math.min(now, exp - 60))
    .setExpirationTime(exp)
    .setJti(randomUUID());
  if (subject !== '') jwt.setSubject(subject);
  const key = opts.foreignKey
    ? (await generateKeyPair(JWT_ALGORITHM)).privateKey
    : (await keys.trustedIssuer()).privateKey;
  return jwt.sign(key);
}

/**
 * RFC 7523 §3: signed by the trusted issuer's key, `iss` the trusted issuer, `aud` the
 * application, `exp` in the future (server clock), `sub` present. Returns the subject, or
 * undefined when the assertion is refused. `verify: false` (the `iam-assertion-not-verified`
 * fault) skips the signature and the expiry, not the claims.
 */
export async function verifyAssertion(
  keys: IamKeys,
  expected: { issuer: string; audience: string },
  assertion: string,
  nowMs: number,
  verify: boolean,
): Promise<{ issuer: string; subject: string } | undefined> {
  let claims: JWTPayload;
  try {
    claims = verify
      ? (
          await jwtVerify(assertion, (await keys.trustedIssuer()).publicKey, {
            algorithms: [JWT_ALGORITHM],
            issuer: expected.issuer,
            audience: expected.audience,
            currentDate: new Date(nowMs),
            requiredClaims: ['exp', 'sub'],
          })
        ).payload
      : decodeJwt(assertion);
  } catch {
    return undefined;
  }
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== expected.issuer || !audience.includes(expected.audience)) return undefined;
  if (typeof claims.sub !== 'string' || claims.sub === '') return undefined;
  return { issuer: claims.iss, subject: claims.sub };
}

/** An idToken: the claims as given, signed by the server's idToken key. */
export async function signIdToken(keys: IamKeys, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid: ID_TOKEN_KID, typ: 'JWT' })
    .sign((await keys.idToken()).privateKey);
}
