import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * SigV4 for CreateTokenWithIAM (WIRE.md §1.4): signing name `sso-oauth`, the endpoint's region.
 * The signing itself is the AWS library's; this module only says what to sign, and how to get
 * it wrong on purpose for the negative tests.
 */
export const IAM_SIGNING_SERVICE = 'sso-oauth';

/** AWS credentials as the signer takes them. Secrets: never put them in a report. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** How a request is signed wrongly (AWS-IAM-SIGV4, AWS-IAM-REGION); absent: correctly. */
export type SigningFault =
  /** No Authorization, no x-amz-* headers at all. */
  | 'unsigned'
  /** The right access key id with another secret. */
  | 'wrong-secret'
  /** Signed for another service (WRONG_SERVICE). */
  | 'wrong-service'
  /** Signed for another region than the endpoint's (otherRegion). */
  | 'wrong-region'
  /** Signed with a date STALE_SECONDS in the past. */
  | 'stale';

/** Another real service name (the SSO portal), not the legacy `awsssooidc` a server may accept. */
export const WRONG_SERVICE = 'sso';

/**
 * Age of a stale signature: twice the widest window SigV4 services document (15 minutes; this
 * endpoint is said to allow 5), so a server with either window must refuse it.
 */
export const STALE_SECONDS = 1800;

/** A region other than `region`, to sign for. */
export function otherRegion(region: string): string {
  return region === 'eu-west-1' ? 'us-west-2' : 'eu-west-1';
}

export interface SigningParams {
  region: string;
  credentials: AwsCredentials;
  /** The signing time: the target's clock (a virtual clock may run ahead of ours). */
  now: Date;
  fault?: SigningFault;
}

export interface RequestToSign {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The headers to send with `req`: its own headers (lower-case names), `host`, and the SigV4
 * headers (`x-amz-date`, `x-amz-content-sha256`, `authorization`, and `x-amz-security-token`
 * for temporary credentials), unless the fault is `unsigned`.
 */
export async function signRequest(
  req: RequestToSign,
  p: SigningParams,
): Promise<Record<string, string>> {
  const url = new URL(req.url);
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = value;
  if (p.fault === 'unsigned') return headers;

  const credentials =
    p.fault === 'wrong-secret'
      ? { ...p.credentials, secretAccessKey: `${p.credentials.secretAccessKey}x-wrong` }
      : p.credentials;
  const signer = new SignatureV4({
    service: IAM_SIGNING_SERVICE,
    region: p.region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: url.pathname,
      query,
      headers,
      body: req.body,
    },
    {
      signingDate: p.fault === 'stale' ? new Date(p.now.getTime() - STALE_SECONDS * 1000) : p.now,
      signingService: p.fault === 'wrong-service' ? WRONG_SERVICE : undefined,
      signingRegion: p.fault === 'wrong-region' ? otherRegion(p.region) : undefined,
    },
  );
  return { ...signed.headers };
}
