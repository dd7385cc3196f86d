import { randomBytes } from 'node:crypto';
import { afterEach } from 'vitest';
import { s256 } from '../../reference/codes.ts';
import {
  startReferenceServer,
  type ReferenceServerOptions,
  type RunningReferenceServer,
} from '../../reference/server.ts';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const START_URL = 'https://d-1234567890.awsapps.com/start';
export const CODE_GRANT = 'authorization_code';
export const REDIRECT_URI = 'http://127.0.0.1:8080/oauth/callback';
export const SCOPE = 'sso:account:access';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, or undefined when it is not JSON. */
  json: any;
}

const running: RunningReferenceServer[] = [];

/** Starts a server that is closed after the current test. */
export async function start(options: ReferenceServerOptions = {}): Promise<RunningReferenceServer> {
  const server = await startReferenceServer(options);
  running.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

export async function request(
  server: RunningReferenceServer,
  path: string,
  init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const response = await fetch(server.url + path, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body,
  });
  return readReply(response);
}

/** Status, headers, text and (when it parses) JSON of a fetch response. */
export async function readReply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const post = (server: RunningReferenceServer, path: string, body: unknown) =>
  request(server, path, { body });

export interface Client {
  clientId: string;
  clientSecret: string;
}

export async function register(
  server: RunningReferenceServer,
  extra: Record<string, unknown> = {},
): Promise<Client & Record<string, any>> {
  const reply = await post(server, '/client/register', {
    clientName: 'conformance-test',
    clientType: 'public',
    ...extra,
  });
  if (reply.status !== 200 && reply.status !== 201) {
    throw new Error(`register failed: ${reply.status} ${reply.text}`);
  }
  return reply.json;
}

export async function startAuthorization(server: RunningReferenceServer, client: Client) {
  const reply = await post(server, '/device_authorization', { ...client, startUrl: START_URL });
  if (reply.status !== 200) throw new Error(`start failed: ${reply.status} ${reply.text}`);
  return { reply, body: reply.json as Record<string, any> };
}

export function poll(server: RunningReferenceServer, client: Client, deviceCode: string) {
  return post(server, '/token', { ...client, grantType: DEVICE_GRANT, deviceCode });
}

export function refresh(server: RunningReferenceServer, client: Client, refreshToken: string) {
  return post(server, '/token', { ...client, grantType: 'refresh_token', refreshToken });
}

/** Registered client plus a started authorization. */
export async function started(server: RunningReferenceServer, extra: Record<string, unknown> = {}) {
  const client = await register(server, extra);
  const { body } = await startAuthorization(server, client);
  return { client, auth: body };
}

/** Registered client plus an approved authorization redeemed for tokens. */
export async function tokens(server: RunningReferenceServer) {
  const { client, auth } = await started(server);
  server.approve(auth.userCode);
  const reply = await poll(server, client, auth.deviceCode);
  if (reply.status !== 200) throw new Error(`token failed: ${reply.status} ${reply.text}`);
  return { client, auth, tokens: reply.json as Record<string, any> };
}

/** Asserts nothing; returns the sanitised x-amzn-ErrorType shape name. */
export function errorType(reply: Reply): string | undefined {
  const raw = reply.headers.get('x-amzn-errortype');
  if (raw === null) return undefined;
  const beforeColon = raw.split(':')[0];
  const hash = beforeColon.indexOf('#');
  return hash >= 0 ? beforeColon.slice(hash + 1) : beforeColon;
}

export const ERROR_CHARSET = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

// The authorization code grant

/** A fresh RFC 7636 verifier (43 base64url characters) and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256(verifier) };
}

/** A client registered for the authorization code and refresh grants, with REDIRECT_URI. */
export function codeClient(server: RunningReferenceServer, extra: Record<string, unknown> = {}) {
  return register(server, {
    redirectUris: [REDIRECT_URI],
    scopes: [SCOPE, 'codewhisperer:completions'],
    grantTypes: [CODE_GRANT, 'refresh_token'],
    ...extra,
  });
}

/**
 * An authorization URL for `client`: a valid S256 request by default (state `xyz`); each
 * entry of `params` replaces a parameter, `undefined` leaves it out.
 */
export function authorizeUrl(
  server: RunningReferenceServer,
  client: Client,
  params: Record<string, string | undefined> = {},
): string {
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: REDIRECT_URI,
    state: 'xyz',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...params,
  };
  const url = new URL('/authorize', server.url);
  for (const [name, value] of Object.entries(all))
    if (value !== undefined) url.searchParams.append(name, value);
  return url.toString();
}

/** The query of a redirect the browser was sent. */
export function redirectQuery(location: string | undefined | null): URLSearchParams {
  if (!location) throw new Error('no redirect');
  return new URL(location).searchParams;
}

/** Approves an S256 authorization request in-process; returns the code and its verifier. */
export async function authorizationCode(
  server: RunningReferenceServer,
  client: Client,
  params: Record<string, string | undefined> = {},
) {
  const { verifier, challenge } = pkcePair();
  const result = server.authorize(
    authorizeUrl(server, client, { code_challenge: challenge, ...params }),
  );
  if (result.status !== 302) throw new Error(`authorize: ${result.status}`);
  const code = redirectQuery(result.location).get('code');
  if (!code) throw new Error(`authorize: no code in ${result.location}`);
  return { code, verifier, challenge, location: result.location! };
}

/** CreateToken with the authorization code grant; REDIRECT_URI unless `extra` says otherwise. */
export function redeem(
  server: RunningReferenceServer,
  client: Client,
  code: string,
  codeVerifier: string | undefined,
  extra: Record<string, unknown> = {},
) {
  return post(server, '/token', {
    ...client,
    grantType: CODE_GRANT,
    code,
    redirectUri: REDIRECT_URI,
    codeVerifier,
    ...extra,
  });
}

/** A client of the code grant, a code, and the tokens it was redeemed for. */
export async function codeTokens(server: RunningReferenceServer) {
  const client = await codeClient(server);
  const { code, verifier } = await authorizationCode(server, client);
  const reply = await redeem(server, client, code, verifier);
  if (reply.status !== 200) throw new Error(`redeem failed: ${reply.status} ${reply.text}`);
  return { client, code, verifier, tokens: reply.json as Record<string, any> };
}

/** What a browser gets: redirects are not followed. */
export async function browse(
  server: RunningReferenceServer,
  path: string,
  init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Reply & { location: string | null }> {
  const response = await fetch(new URL(path, server.url), {
    method: init.method ?? (init.form ? 'POST' : 'GET'),
    redirect: 'manual',
    headers: init.form
      ? { 'content-type': 'application/x-www-form-urlencoded', ...init.headers }
      : init.headers,
    body: init.form ? new URLSearchParams(init.form).toString() : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: undefined,
    location: response.headers.get('location'),
  };
}

/** The consent token in a consent page's form. */
export function consentToken(html: string): string {
  const match = /name="consent" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no consent form in the page');
  return match[1];
}
