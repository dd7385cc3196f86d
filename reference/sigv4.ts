import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { secretsEqual } from './codes.ts';
import { fail, ok, oidcError, type OidcError, type Outcome } from './errors.ts';
import type { FaultSet } from './faults.ts';

/**
 * Verification of the SigV4 signature of CreateTokenWithIAM (WIRE.md §1.4, signing name
 * `sso-oauth`). The signature is never computed by hand: the received request is rebuilt
 * (method, path, query, the headers it says it signed, the exact body) and signed again with
 * `SignatureV4.sign()` from `@smithy/signature-v4`, as the AWS SDKs sign, with the secret of
 * the access key it names; the two signatures are then compared in constant time.
 */

export const IAM_SIGNING_SERVICE = 'sso-oauth';
/** How far x-amz-date may be from the server clock, seconds (what AWS tolerates). */
export const MAX_SIGNATURE_SKEW_SECONDS = 300;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const CONTENT_SHA256 = 'x-amz-content-sha256';
const SECURITY_TOKEN = 'x-amz-security-token';

export interface IamCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials: the request must carry it in x-amz-security-token, signed. */
  sessionToken?: string;
}

/** What the server knows to verify a signature with. */
export interface SignatureVerifier {
  /** The server's region; another region in the credential scope is a signature error. */
  region: string;
  credentials: readonly IamCredentials[];
  nowMs: number;
  faults: FaultSet;
}

/** A request as received: only what the signature covers. */
export interface ReceivedRequest {
  method: string;
  /** The path the request was routed by. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export interface ParsedAuthorization {
  accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  date: string;
  region: string;
  service: string;
  /** Lower-case names, as listed (`host;x-amz-date`). */
  signedHeaders: string[];
  /** 64 lower-case hex digits. */
  signature: string;
}

/** Undefined when the header is not a well-formed AWS4-HMAC-SHA256 authorization. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space) !== ALGORITHM) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) return undefined;
    const name = item.slice(0, eq);
    if (fields.has(name)) return undefined;
    fields.set(name, item.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (fields.size !== 3 || !credential || !signedHeaders || !signature) return undefined;
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = scope;
  if (!accessKeyId || !/^\d{8}$/.test(date) || !region || !service) return undefined;
  const names = signedHeaders.split(';');
  if (names.some((n) => !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(n))) return undefined;
  if (!/^[0-9a-f]{64}$/.test(signature)) return undefined;
  return { accessKeyId, date, region, service, signedHeaders: names, signature };
}

/** `20240102T030405Z` → epoch ms; undefined unless exactly that form and a real instant. */
export function parseAmzDate(value: string | undefined): number | undefined {
  const m =
    value === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return back === value ? ms : undefined;
}

/** One header value: repeated headers joined as SigV4 canonicalises them. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

/** The query as the signer takes it: repeated names become lists. */
function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name);
    out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

function denied(description: string): { ok: false; error: OidcError } {
  return fail('AccessDeniedException', description);
}

/**
 * InvalidRequestRegionException for a token issued by another region, with the members that
 * tell the client where it is usable.
 */
export function regionError(endpoint: string, region: string): OidcError {
  return {
    ...oidcError(
      'InvalidRequestRegionException',
      `The token was issued by the IAM Identity Center endpoint of ${region} and is only usable there`,
    ),
    extra: { endpoint, region },
  };
}

/**
 * Checks, in this order: an Authorization header that parses; the service `sso-oauth`; an
 * x-amz-date within 5 minutes of the server clock and of the scope's day; `host` and
 * x-amz-date signed; a known access key; the region of the credential scope (a signature for
 * another region is a signature error, as AWS front ends answer it: InvalidRequestRegion is
 * about tokens, iam.ts); x-amz-security-token present exactly for temporary credentials, and
 * theirs; x-amz-content-sha256, when sent, the hash of the body; then the signature itself.
 * Every failure is AccessDeniedException.
 */
export async function verifySignature(
  request: ReceivedRequest,
  v: SignatureVerifier,
): Promise<Outcome<void>> {
  const header = headerValue(request.headers, 'authorization');
  const parsed = header === undefined ? undefined : parseAuthorization(header);
  if (v.faults.has('iam-signature-not-verified')) return ok(undefined);
  if (header === undefined) {
    return denied('Missing Authorization header: the request must be signed with SigV4');
  }
  if (!parsed) return denied('Malformed Authorization header (AWS4-HMAC-SHA256 expected)');
  if (parsed.service !== IAM_SIGNING_SERVICE) {
    return denied(`The credential scope must name the service ${IAM_SIGNING_SERVICE}`);
  }
  const amzDate = headerValue(request.headers, 'x-amz-date');
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) return denied('Missing or malformed x-amz-date');
  // sigv4-window-15min: the window other SigV4 services allow.
  const window = v.faults.has('sigv4-window-15min') ? 900 : MAX_SIGNATURE_SKEW_SECONDS;
  if (Math.abs(signedAt - v.nowMs) > window * 1000) {
    return denied(
      `Signature expired: x-amz-date is more than ${window / 60} minutes from the server time`,
    );
  }
  if (amzDate!.slice(0, 8) !== parsed.date) {
    return denied('The credential scope date is not the date of x-amz-date');
  }
  if (!parsed.signedHeaders.includes('host') || !parsed.signedHeaders.includes('x-amz-date')) {
    return denied('host and x-amz-date must be signed');
  }
  const credentials = v.credentials.find((c) => c.accessKeyId === parsed.accessKeyId);
  if (!credentials) return denied('The access key is not known');
  // iam-signature-region-ignored: the signature is checked with the scope's region, whichever.
  if (parsed.region !== v.region && !v.faults.has('iam-signature-region-ignored'))
    return denied(`Credential should be scoped to a valid region, not '${parsed.region}'`);

  // The signer writes the session token we hold into the rebuilt request, so the received
  // one is compared here (and long-term credentials come without one).
  const sessionToken = headerValue(request.headers, SECURITY_TOKEN);
  if (
    credentials.sessionToken === undefined
      ? sessionToken !== undefined
      : sessionToken === undefined || !secretsEqual(sessionToken, credentials.sessionToken)
  ) {
    return denied(`${SECURITY_TOKEN} does not belong to the access key`);
  }

  const declaredHash = headerValue(request.headers, CONTENT_SHA256);
  // iam-payload-hash-trusted: the declared hash is signed over, but never compared with the
  // body: a body swapped after signing goes through.
  if (
    declaredHash !== undefined &&
    !v.faults.has('iam-payload-hash-trusted') &&
    declaredHash !== createHash('sha256').update(request.body).digest('hex')
  ) {
    return denied(`${CONTENT_SHA256} is not the SHA-256 of the body`);
  }
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value === undefined) return denied(`The signed header ${name} is missing`);
    headers[name] = value;
  }

  // The same request signed again with the secret we hold. The x-amz-date and (for temporary
  // credentials) x-amz-security-token headers are regenerated by the signer, from
  // signingDate and the credentials; no checksum header is added (applyChecksum: false), so
  // the recomputed SignedHeaders list is the one received exactly when nothing was smuggled.
  const signer = new SignatureV4({
    service: IAM_SIGNING_SERVICE,
    region: parsed.region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  let signed;
  try {
    signed = await signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: headers.host.replace(/:\d+$/, ''),
        path: request.path,
        query: queryRecord(request.query),
        headers,
        body: new Uint8Array(request.body),
      },
      {
        signingDate: new Date(signedAt),
        signingRegion: parsed.region,
        signingService: parsed.service,
        signableHeaders: new Set(parsed.signedHeaders),
      },
    );
  } catch {
    // Whatever the signer cannot digest was not signed by an SDK either.
    return denied('The request signature does not match');
  }
  const expected = parseAuthorization(String(signed.headers.authorization ?? ''));
  if (
    !expected ||
    expected.signedHeaders.join(';') !== parsed.signedHeaders.join(';') ||
    !timingSafeEqual(Buffer.from(expected.signature, 'hex'), Buffer.from(parsed.signature, 'hex'))
  ) {
    return denied('The request signature does not match');
  }
  return ok(undefined);
}
