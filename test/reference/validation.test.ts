import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../reference/body.ts';
import {
  DEVICE_GRANT,
  ERROR_CHARSET,
  START_URL,
  errorType,
  post,
  register,
  request,
  start,
  type Reply,
} from './helpers.ts';

function expectInvalidRequest(reply: Reply) {
  expect(reply.status).toBe(400);
  expect(errorType(reply)).toBe('InvalidRequestException');
  expect(reply.json.error).toBe('invalid_request');
  expect(reply.json.error_description).toMatch(ERROR_CHARSET);
  expect(reply.headers.get('content-type')).toBe('application/json');
  expect(reply.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
}

describe('reference server: request validation', () => {
  it('missing required members give InvalidRequestException, per operation', async () => {
    const server = await start();
    const client = await register(server);
    const full: Record<string, Record<string, unknown>> = {
      '/client/register': { clientName: 'n', clientType: 'public' },
      '/device_authorization': { ...client, startUrl: START_URL },
      '/token': { ...client, grantType: DEVICE_GRANT, deviceCode: 'x' },
    };
    const required: Record<string, string[]> = {
      '/client/register': ['clientName', 'clientType'],
      '/device_authorization': ['clientId', 'clientSecret', 'startUrl'],
      '/token': ['clientId', 'clientSecret', 'grantType'],
    };
    for (const [path, members] of Object.entries(required)) {
      for (const name of members) {
        const { [name]: _, ...without } = full[path];
        expectInvalidRequest(await post(server, path, without));
        expectInvalidRequest(await post(server, path, { ...full[path], [name]: '' }));
        expectInvalidRequest(await post(server, path, { ...full[path], [name]: null }));
      }
    }
  });

  it('members of the wrong JSON type give InvalidRequestException', async () => {
    const server = await start();
    const client = await register(server);
    const cases: [string, Record<string, unknown>][] = [
      ['/client/register', { clientName: 5, clientType: 'public' }],
      ['/client/register', { clientName: 'n', clientType: ['public'] }],
      ['/client/register', { clientName: 'n', clientType: 'public', scopes: 'a b' }],
      ['/client/register', { clientName: 'n', clientType: 'public', scopes: ['a', 1] }],
      ['/client/register', { clientName: 'n', clientType: 'public', grantTypes: {} }],
      ['/client/register', { clientName: 'n', clientType: 'public', redirectUris: [null] }],
      ['/client/register', { clientName: 'n', clientType: 'public', issuerUrl: true }],
      ['/device_authorization', { ...client, startUrl: 42 }],
      ['/device_authorization', { ...client, clientSecret: { s: 1 } }],
      ['/token', { ...client, grantType: DEVICE_GRANT, deviceCode: 7 }],
      ['/token', { ...client, grantType: 'refresh_token', refreshToken: ['x'] }],
      ['/token', { ...client, grantType: DEVICE_GRANT, deviceCode: 'x', scope: 'a' }],
    ];
    for (const [path, body] of cases) expectInvalidRequest(await post(server, path, body));
  });

  it('a body that is not JSON, or not an object, gives InvalidRequestException', async () => {
    const server = await start();
    for (const path of ['/client/register', '/device_authorization', '/token']) {
      for (const raw of ['', 'not json', '{"a":', '[]', '"s"', '42', 'null', '\ufeff{}']) {
        expectInvalidRequest(await request(server, path, { raw }));
      }
    }
  });

  it('empty device code and refresh token count as missing', async () => {
    const server = await start();
    const client = await register(server);
    expectInvalidRequest(await post(server, '/token', { ...client, grantType: DEVICE_GRANT }));
    expectInvalidRequest(
      await post(server, '/token', { ...client, grantType: DEVICE_GRANT, deviceCode: '' }),
    );
    expectInvalidRequest(await post(server, '/token', { ...client, grantType: 'refresh_token' }));
  });

  it('accepts any Content-Type', async () => {
    const server = await start();
    const reply = await request(server, '/client/register', {
      raw: JSON.stringify({ clientName: 'n', clientType: 'public' }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(reply.status).toBe(200);
  });

  it('an oversized body gives InvalidRequestException, and the server keeps working', async () => {
    const server = await start();
    const big = JSON.stringify({ clientName: 'x'.repeat(MAX_BODY_BYTES), clientType: 'public' });
    expectInvalidRequest(await request(server, '/client/register', { raw: big }));
    const huge = await request(server, '/client/register', {
      raw: 'x'.repeat(2 * 1024 * 1024),
    }).catch(() => undefined);
    if (huge) expectInvalidRequest(huge);
    expect((await register(server)).clientId).toBeTruthy();
  });

  it('RegisterClient metadata errors', async () => {
    const server = await start();
    const base = { clientName: 'n', clientType: 'public' };
    const cases: [Record<string, unknown>, string][] = [
      [{ clientType: 'confidential' }, 'InvalidClientMetadataException'],
      [{ clientType: 'PUBLIC' }, 'InvalidClientMetadataException'],
      [{ grantTypes: ['password'] }, 'UnsupportedGrantTypeException'],
      [{ grantTypes: [DEVICE_GRANT, 'client_credentials'] }, 'UnsupportedGrantTypeException'],
      [{ redirectUris: ['http://example.com/cb'] }, 'InvalidRedirectUriException'],
      [{ redirectUris: ['https://example.com/cb#frag'] }, 'InvalidRedirectUriException'],
      [{ redirectUris: ['/relative/cb'] }, 'InvalidRedirectUriException'],
      [{ redirectUris: ['127.0.0.1:8080/oauth/callback'] }, 'InvalidRedirectUriException'],
      [{ redirectUris: ['ftp://127.0.0.1/cb'] }, 'InvalidRedirectUriException'],
      [{ redirectUris: [''] }, 'InvalidRedirectUriException'],
      [{ scopes: ['invalid:scope'] }, 'InvalidScopeException'],
      [{ scopes: ['has space'] }, 'InvalidScopeException'],
      [{ scopes: ['quote"'] }, 'InvalidScopeException'],
      [{ scopes: [''] }, 'InvalidScopeException'],
    ];
    for (const [extra, shape] of cases) {
      const reply = await post(server, '/client/register', { ...base, ...extra });
      expect(reply.status, JSON.stringify(extra)).toBe(400);
      expect(errorType(reply), JSON.stringify(extra)).toBe(shape);
    }
    for (const redirectUris of [
      ['http://127.0.0.1:8080/oauth/callback'],
      ['http://localhost/cb', 'http://[::1]:9/cb', 'https://app.example.com/cb?x=1'],
    ]) {
      expect((await post(server, '/client/register', { ...base, redirectUris })).status).toBe(200);
    }
  });

  it('routes: unknown path 404 JSON, wrong method 405 JSON, never 500', async () => {
    const server = await start();
    for (const [method, path, status] of [
      ['POST', '/nope', 404],
      ['POST', '/token/', 404],
      ['POST', '//token', 404],
      ['GET', '/token', 405],
      ['PUT', '/client/register', 405],
      ['GET', '/', 404],
      ['DELETE', '/device_authorization', 405],
    ] as const) {
      const reply = await request(server, path, {
        method,
        raw: method === 'GET' ? undefined : '{}',
      });
      expect(reply.status, `${method} ${path}`).toBe(status);
      expect(reply.headers.get('content-type')).toBe('application/json');
      expect(reply.headers.get('x-amzn-requestid')).toBeTruthy();
      expect(typeof reply.json.error).toBe('string');
    }
  });

  it('every response carries Content-Type and a fresh x-amzn-RequestId', async () => {
    const server = await start();
    const a = await post(server, '/client/register', { clientName: 'n', clientType: 'public' });
    const b = await post(server, '/client/register', {});
    const ida = a.headers.get('x-amzn-requestid');
    const idb = b.headers.get('x-amzn-requestid');
    expect(ida).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(idb).not.toBe(ida);
    expect(a.headers.get('x-amzn-errortype')).toBeNull();
    expect(b.headers.get('x-amzn-errortype')).toBe(
      'InvalidRequestException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/',
    );
  });

  it('survives a burst of random bodies without 5xx', async () => {
    const server = await start();
    const samples = [
      '{"clientId":{"__proto__":{"x":1}},"clientSecret":"s","grantType":"g"}',
      '{"__proto__":{"clientName":"n","clientType":"public"}}',
      '{"constructor":"x","toString":1}',
      '{"clientName":"\u0000\ud800","clientType":"public"}',
      '{"clientName":"n","clientType":"public","scopes":[[]]}',
      '{"clientId":"a","clientSecret":"b","grantType":"' + 'g'.repeat(10000) + '"}',
      '\u00ff\u00fe',
    ];
    for (const raw of samples) {
      for (const path of ['/client/register', '/device_authorization', '/token']) {
        const reply = await request(server, path, { raw });
        expect(reply.status, `${path} ${raw.slice(0, 40)}`).toBeLessThan(500);
        expect(reply.json.error_description ?? '').toMatch(ERROR_CHARSET);
      }
    }
  });
});
