import { Agent, request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  USER_CODE_ALPHABET,
  displayUserCode,
  newDeviceCode,
  newUserCode,
  normalizeUserCode,
} from '../../reference/codes.ts';
import { ERROR_TABLE, sanitizeDescription } from '../../reference/errors.ts';
import {
  REFERENCE_APPLICATION_ARN,
  REFERENCE_IAM_CREDENTIALS,
  REFERENCE_IAM_REGION,
} from '../../reference/iam-config.ts';
import { resolveOptions, startReferenceServer } from '../../reference/server.ts';
import { redirectUriProblem } from '../../reference/state.ts';
import { poll, post, register, start, started, tokens } from './helpers.ts';

describe('reference server: options and lifecycle', () => {
  it('resolves defaults', async () => {
    const server = await start();
    const { log, ...options } = server.options;
    expect(typeof log).toBe('function');
    expect(options).toEqual({
      host: '127.0.0.1',
      port: Number(new URL(server.url).port),
      virtualClock: true,
      interval: 1,
      expiresIn: 600,
      accessTokenLifetime: 3600,
      clientSecretLifetime: 90 * 24 * 3600,
      verificationUri: 'https://device.sso.reference.invalid/',
      slowDown: 'off',
      faults: [],
      iam: {
        region: REFERENCE_IAM_REGION,
        credentials: [{ ...REFERENCE_IAM_CREDENTIALS }],
        applicationArn: REFERENCE_APPLICATION_ARN,
      },
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const jwk = await server.idTokenPublicJwk();
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwk.d).toBeUndefined();
  });

  it('uses configured lifetimes and interval', async () => {
    const server = await start({ interval: 5, expiresIn: 900, accessTokenLifetime: 60 });
    const { auth } = await started(server);
    expect(auth.interval).toBe(5);
    expect(auth.expiresIn).toBe(900);
    const t = await tokens(server);
    expect(t.tokens.expiresIn).toBe(60);
  });

  it('refuses bad options', () => {
    expect(() => resolveOptions({ interval: -1 })).toThrow(RangeError);
    expect(() => resolveOptions({ interval: 1.5 })).toThrow(RangeError);
    expect(() => resolveOptions({ expiresIn: 0 })).toThrow(RangeError);
    expect(() => resolveOptions({ port: 70000 })).toThrow(RangeError);
    expect(() => resolveOptions({ slowDown: 'loose' as 'off' })).toThrow(RangeError);
    expect(() => resolveOptions({ verificationUri: 'not a uri' })).toThrow(RangeError);
    expect(() => resolveOptions({ faults: ['x' as 'auto-approve'] })).toThrow(RangeError);
    expect(() => resolveOptions({ iam: { region: '' } })).toThrow(RangeError);
    expect(() => resolveOptions({ iam: { region: 'US East' } })).toThrow(RangeError);
    expect(() => resolveOptions({ iam: { credentials: [] } })).toThrow(TypeError);
    const noSecret = [{ accessKeyId: 'AKID' }] as never;
    expect(() => resolveOptions({ iam: { credentials: noSecret } })).toThrow(TypeError);
    const emptyToken = [{ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: '' }];
    expect(() => resolveOptions({ iam: { credentials: emptyToken } })).toThrow(TypeError);
  });

  it('rejects when the port is taken', async () => {
    const server = await start();
    await expect(startReferenceServer({ port: server.options.port })).rejects.toThrow();
  });

  it('listens on IPv6 loopback', async () => {
    const server = await start({ host: '::1' }).catch(() => undefined);
    if (!server) return; // no IPv6 in this environment
    expect(server.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await register(server)).clientId).toBeTruthy();
  });

  it('closes promptly with a keep-alive connection open', async () => {
    const server = await startReferenceServer();
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${server.url}/__admin/health`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    const t0 = Date.now();
    await server.close();
    await server.close(); // idempotent
    // Well under the 5 s keep-alive timeout: close() ended the idle connection, not the timeout.
    expect(Date.now() - t0).toBeLessThan(3000);
    agent.destroy();
  });

  it('logs one line per request, without secrets', async () => {
    const lines: string[] = [];
    const server = await start({ log: (l) => lines.push(l) });
    const { client, auth } = await started(server);
    server.approve(auth.userCode);
    const t = await poll(server, client, auth.deviceCode);
    await post(server, '/client/register', {});
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^POST \/client\/register 200 /);
    expect(lines[3]).toMatch(/^POST \/client\/register 400 InvalidRequestException /);
    const all = lines.join('\n');
    for (const secret of [client.clientSecret, t.json.accessToken, t.json.refreshToken]) {
      expect(all).not.toContain(secret);
    }
  });

  it('a throwing logger does not break responses', async () => {
    const server = await start({
      log: () => {
        throw new Error('boom');
      },
    });
    expect((await register(server)).clientId).toBeTruthy();
  });
});

describe('reference server: codes and helpers', () => {
  it('user codes: 8 letters of the base-20 consonant alphabet, shown as XXXX-XXXX', () => {
    expect(USER_CODE_ALPHABET).toBe('BCDFGHJKLMNPQRSTVWXZ');
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = newUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      for (const ch of code) seen.add(ch);
    }
    expect(seen.size).toBe(20);
    expect(displayUserCode('PMPJVZCJ')).toBe('PMPJ-VZCJ');
    expect(normalizeUserCode(' pmpj-vzcj\t')).toBe('PMPJVZCJ');
  });

  it('device codes: at least 256 bits of base64url, all distinct', () => {
    const codes = new Set(Array.from({ length: 200 }, newDeviceCode));
    expect(codes.size).toBe(200);
    for (const c of codes) expect(c).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('redirect URI rules', () => {
    expect(redirectUriProblem('http://127.0.0.1:1234/cb')).toBeUndefined();
    expect(redirectUriProblem('http://[::1]/cb')).toBeUndefined();
    expect(redirectUriProblem('http://localhost/cb')).toBeUndefined();
    expect(redirectUriProblem('https://example.com/cb')).toBeUndefined();
    expect(redirectUriProblem('http://127.0.0.1.example.com/cb')).toBeDefined();
    expect(redirectUriProblem('http://example.com/cb')).toBeDefined();
    expect(redirectUriProblem('https://example.com/cb#x')).toBeDefined();
    expect(redirectUriProblem('https://user:pw@example.com/cb')).toBeDefined();
    expect(redirectUriProblem('https://exa mple.com/cb')).toBeDefined();
    expect(redirectUriProblem('com.example.app:/cb')).toBeDefined();
  });

  it('error table and description charset', () => {
    expect(ERROR_TABLE.InvalidClientException.status).toBe(401);
    expect(ERROR_TABLE.InternalServerException.status).toBe(500);
    expect(ERROR_TABLE.AccessDeniedException.status).toBe(400);
    expect(sanitizeDescription('a "b" \\ c\u00e9\n')).toBe('a b  c');
  });
});
