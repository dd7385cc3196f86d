import { afterEach } from 'vitest';
import {
  startReferenceServer,
  type ReferenceServerOptions,
  type RunningReferenceServer,
} from '../../reference/server.ts';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const START_URL = 'https://d-1234567890.awsapps.com/start';

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
