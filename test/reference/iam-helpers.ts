import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  REFERENCE_APPLICATION_ARN,
  REFERENCE_APPLICATION_REDIRECT_URIS,
  REFERENCE_IAM_CREDENTIALS,
  REFERENCE_IAM_REGION,
} from '../../reference/iam-config.ts';
import { RegionPartition, type RunningReferenceServer } from '../../reference/server.ts';
import type { FaultName } from '../../reference/faults.ts';
import { pkcePair, readReply, redirectQuery, start, type Reply } from './helpers.ts';

/** CreateTokenWithIAM on the wire: requests signed with SignatureV4 as the AWS SDKs sign them. */

export const IAM_PATH = '/token?aws_iam=t';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';
export const APP = REFERENCE_APPLICATION_ARN;
export const APP_REDIRECT = REFERENCE_APPLICATION_REDIRECT_URIS[0];

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignOptions {
  /** Default the server's region. */
  region?: string;
  /** Default 'sso-oauth'. */
  service?: string;
  /** Default REFERENCE_IAM_CREDENTIALS. */
  credentials?: Credentials;
  /** Seconds added to the server's clock for the signing date. */
  skew?: number;
  /** Extra headers, signed with the rest. */
  headers?: Record<string, string>;
  /** Send no SigV4 headers at all. */
  unsigned?: boolean;
  /** Changes the headers after signing (the body is what `raw`/`body` says). */
  alter?: (headers: Record<string, string>) => void;
  /** Sent instead of the signed body, after signing. */
  sendBody?: string;
}

/** The server's clock (virtual by default), from the health route. */
export async function serverNow(server: RunningReferenceServer): Promise<Date> {
  const health = await fetch(`${server.url}/__admin/health`);
  const { now } = (await health.json()) as { now: number };
  return new Date(now * 1000);
}

/** SigV4 headers for `POST /token?aws_iam=t` with `body`, signed like the SDK signs. */
export async function signHeaders(
  server: RunningReferenceServer,
  body: string,
  opts: SignOptions = {},
): Promise<Record<string, string>> {
  const url = new URL(server.url);
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/json',
    ...opts.headers,
  };
  if (opts.unsigned) return headers;
  const signer = new SignatureV4({
    service: opts.service ?? 'sso-oauth',
    region: opts.region ?? server.options.iam.region,
    credentials: opts.credentials ?? REFERENCE_IAM_CREDENTIALS,
    sha256: Hash.bind(null, 'sha256'),
  });
  const now = await serverNow(server);
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/token',
      query: { aws_iam: 't' },
      headers,
      body,
    },
    { signingDate: new Date(now.getTime() + (opts.skew ?? 0) * 1000) },
  );
  return { ...(signed.headers as Record<string, string>) };
}

/** Sends headers as they are (fetch sets Host itself: the signed value, the URL's host). */
export async function send(
  server: RunningReferenceServer,
  headers: Record<string, string>,
  body: string,
  path = IAM_PATH,
): Promise<Reply> {
  const { host: _host, ...rest } = headers;
  return readReply(await fetch(server.url + path, { method: 'POST', headers: rest, body }));
}

/** CreateTokenWithIAM with `body` (JSON-encoded unless `raw`), signed per `opts`. */
export async function iam(
  server: RunningReferenceServer,
  body: unknown,
  opts: SignOptions & { raw?: string } = {},
): Promise<Reply> {
  const text = opts.raw ?? JSON.stringify(body);
  const headers = await signHeaders(server, text, opts);
  opts.alter?.(headers);
  return send(server, headers, opts.sendBody ?? text);
}

/** jwt-bearer with a fresh valid assertion; `extra` overrides members. */
export async function jwtBearer(
  server: RunningReferenceServer,
  extra: Record<string, unknown> = {},
  opts: SignOptions = {},
): Promise<Reply> {
  return iam(
    server,
    {
      clientId: APP,
      grantType: JWT_BEARER,
      assertion: await server.mintAssertion(),
      ...extra,
    },
    opts,
  );
}

/** Tokens from jwt-bearer (throws unless 200). */
export async function iamTokens(
  server: RunningReferenceServer,
  extra: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const reply = await jwtBearer(server, extra);
  if (reply.status !== 200) throw new Error(`jwt-bearer: ${reply.status} ${reply.text}`);
  return reply.json;
}

/** The browser step for the application: a code for APP_REDIRECT with an S256 challenge. */
export function appCode(
  server: RunningReferenceServer,
  params: Record<string, string | undefined> = {},
): { code: string; verifier: string } {
  const { verifier, challenge } = pkcePair();
  const url = new URL('/authorize', server.url);
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: APP,
    redirect_uri: APP_REDIRECT,
    state: 'app',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [name, value] of Object.entries(all))
    if (value !== undefined) url.searchParams.append(name, value);
  const result = server.authorize(url.toString());
  if (result.status !== 302) throw new Error(`authorize: ${result.status}`);
  const code = redirectQuery(result.location).get('code');
  if (!code) throw new Error(`authorize: no code in ${result.location}`);
  return { code, verifier };
}

/** CreateTokenWithIAM authorization_code for a code of `appCode`. */
export function redeemApp(
  server: RunningReferenceServer,
  code: string,
  codeVerifier: string | undefined,
  extra: Record<string, unknown> = {},
): Promise<Reply> {
  return iam(server, {
    clientId: APP,
    grantType: 'authorization_code',
    code,
    redirectUri: APP_REDIRECT,
    codeVerifier,
    ...extra,
  });
}

/**
 * Two regions of one partition (AWS-IAM-REGION): `home` us-east-1 with `faults`, `away`
 * eu-west-1, conformant, whose tokens `home` knows it did not issue.
 */
export async function twoRegions(
  faults: FaultName[] = [],
): Promise<{ home: RunningReferenceServer; away: RunningReferenceServer }> {
  const partition = new RegionPartition();
  const home = await start({ faults, partition });
  const away = await start({ partition, iam: { region: 'eu-west-1' } });
  return { home, away };
}

/** The region error as `home` (with `faults`) answers a refresh token the away region issued. */
export async function regionErrorReply(faults: FaultName[]): Promise<Reply> {
  const { home, away } = await twoRegions(faults);
  const { refreshToken } = await iamTokens(away);
  return iam(home, { clientId: APP, grantType: 'refresh_token', refreshToken });
}
