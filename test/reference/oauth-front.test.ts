import { describe, expect, it } from 'vitest';
import type { RunningReferenceServer } from '../../reference/server.ts';
import { DEVICE_GRANT, readReply, request, start, type Reply } from './helpers.ts';

// The plain OAuth front end of the reference server (reference/oauth/): what the rfc8628
// profile talks to. RFC 8414 metadata, RFC 7591 registration, RFC 8628 §3.1/§3.4 and RFC 6749.

const FORM = 'application/x-www-form-urlencoded';

async function form(
  server: RunningReferenceServer,
  path: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': FORM, ...headers },
    body: new URLSearchParams(params).toString(),
  });
  return readReply(response);
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function registered(server: RunningReferenceServer, metadata: Record<string, unknown> = {}) {
  const reply = await request(server, '/oauth/register', {
    body: {
      client_name: 'oauth-front test',
      grant_types: [DEVICE_GRANT, 'refresh_token'],
      ...metadata,
    },
  });
  expect(reply.status).toBe(201);
  return reply.json as { client_id: string; client_secret: string };
}

async function approved(
  server: RunningReferenceServer,
  client: { client_id: string; client_secret: string },
) {
  const auth = await form(
    server,
    '/oauth/device_authorization',
    {},
    {
      authorization: basic(client.client_id, client.client_secret),
    },
  );
  expect(auth.status).toBe(200);
  await request(server, '/__admin/approve', { body: { userCode: auth.json.user_code } });
  return auth.json as { device_code: string };
}

describe('reference server: the plain OAuth front end', () => {
  it('publishes RFC 8414 metadata whose issuer is the URL it is fetched for', async () => {
    const server = await start();
    const reply = await readReply(
      await fetch(`${server.url}/.well-known/oauth-authorization-server`),
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.json).toMatchObject({
      issuer: server.url,
      device_authorization_endpoint: `${server.url}/oauth/device_authorization`,
      token_endpoint: `${server.url}/oauth/token`,
      registration_endpoint: `${server.url}/oauth/register`,
      grant_types_supported: expect.arrayContaining([DEVICE_GRANT]),
    });
  });

  it('registers a client (RFC 7591): 201, a secret, the auth method in effect', async () => {
    const server = await start();
    const reply = await request(server, '/oauth/register', {
      body: { client_name: 'x', token_endpoint_auth_method: 'none' },
    });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(reply.headers.get('x-amzn-errortype')).toBeNull();
  });

  it('runs the device flow in snake_case, form-encoded, with Basic or post authentication', async () => {
    const server = await start();
    const client = await registered(server);
    const pending = await form(server, '/oauth/device_authorization', {
      client_id: client.client_id,
      client_secret: client.client_secret,
      scope: 'openid offline_access',
    });
    expect(pending.status).toBe(200);
    expect(pending.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(pending.json).sort()).toEqual([
      'device_code',
      'expires_in',
      'interval',
      'user_code',
      'verification_uri',
      'verification_uri_complete',
    ]);
    const poll = await form(
      server,
      '/oauth/token',
      { grant_type: DEVICE_GRANT, device_code: pending.json.device_code },
      { authorization: basic(client.client_id, client.client_secret) },
    );
    expect(poll.status).toBe(400);
    expect(poll.json).toMatchObject({ error: 'authorization_pending' });

    const { device_code } = await approved(server, client);
    const tokens = await form(
      server,
      '/oauth/token',
      { grant_type: DEVICE_GRANT, device_code },
      { authorization: basic(client.client_id, client.client_secret) },
    );
    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      refresh_token: expect.any(String),
    });

    const refreshed = await form(server, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.json.refresh_token,
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.access_token).not.toBe(tokens.json.access_token);
  });

  it('refuses a bad Basic secret with 401 and WWW-Authenticate (RFC 6749 §5.2)', async () => {
    const server = await start();
    const client = await registered(server);
    const reply = await form(
      server,
      '/oauth/device_authorization',
      {},
      {
        authorization: basic(client.client_id, 'wrong'),
      },
    );
    expect(reply.status).toBe(401);
    expect(reply.json).toMatchObject({ error: 'invalid_client' });
    expect(reply.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it('refuses repeated parameters, two auth methods, JSON bodies and a missing grant_type', async () => {
    const server = await start();
    const client = await registered(server);
    const auth = { authorization: basic(client.client_id, client.client_secret) };
    const repeated = await readReply(
      await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': FORM, ...auth },
        body: `grant_type=refresh_token&grant_type=refresh_token&refresh_token=x`,
      }),
    );
    expect(repeated.json).toMatchObject({ error: 'invalid_request' });
    const twoMethods = await form(
      server,
      '/oauth/token',
      { grant_type: DEVICE_GRANT, device_code: 'x', client_secret: client.client_secret },
      auth,
    );
    expect(twoMethods.json).toMatchObject({ error: 'invalid_request' });
    const json = await request(server, '/oauth/token', {
      body: { grant_type: DEVICE_GRANT },
      headers: auth,
    });
    expect(json.status).toBe(400);
    expect(json.json).toMatchObject({ error: 'invalid_request' });
    const noGrant = await form(server, '/oauth/token', { device_code: 'x' }, auth);
    expect(noGrant.json).toMatchObject({ error: 'invalid_request' });
  });
});
