import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../reference/admin.ts';
import { errorType, poll, post, request, start, started } from './helpers.ts';

describe('reference server: admin routes', () => {
  it('health', async () => {
    const server = await start();
    const reply = await request(server, '/__admin/health', { method: 'GET' });
    expect(reply.status).toBe(200);
    expect(reply.json.ok).toBe(true);
    expect(reply.json.virtualClock).toBe(true);
    expect(typeof reply.json.now).toBe('number');
  });

  it('approve and deny through HTTP', async () => {
    const server = await start();
    const a = await started(server);
    const b = await started(server);
    expect((await post(server, '/__admin/approve', { userCode: a.auth.userCode })).json).toEqual({
      ok: true,
    });
    expect((await post(server, '/__admin/deny', { userCode: b.auth.userCode })).status).toBe(200);
    expect((await poll(server, a.client, a.auth.deviceCode)).status).toBe(200);
    expect(errorType(await poll(server, b.client, b.auth.deviceCode))).toBe(
      'AccessDeniedException',
    );
    // Already decided, or unknown: 404.
    expect((await post(server, '/__admin/approve', { userCode: a.auth.userCode })).status).toBe(
      404,
    );
    expect((await post(server, '/__admin/deny', { userCode: 'BCDF-GHJK' })).status).toBe(404);
  });

  it('advance moves the virtual clock and reports the time', async () => {
    const server = await start();
    const before = (await request(server, '/__admin/health', { method: 'GET' })).json.now;
    const reply = await post(server, '/__admin/advance', { seconds: 600 });
    expect(reply.status).toBe(200);
    expect(reply.json.now - before).toBe(600);
  });

  it('rejects bad input', async () => {
    const server = await start();
    const bad: [string, unknown, number][] = [
      ['/__admin/approve', {}, 400],
      ['/__admin/approve', { userCode: 5 }, 400],
      ['/__admin/deny', { userCode: '' }, 400],
      ['/__admin/advance', { seconds: -1 }, 400],
      ['/__admin/advance', { seconds: '5' }, 400],
      ['/__admin/advance', {}, 400],
      ['/__admin/advance', { seconds: 1e12 }, 400],
      ['/__admin/nope', {}, 404],
    ];
    for (const [path, body, status] of bad) {
      const reply = await post(server, path, body);
      expect(reply.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(reply.json.ok).toBe(false);
      expect(reply.headers.get('content-type')).toBe('application/json');
    }
    expect((await request(server, '/__admin/approve', { raw: 'nope' })).status).toBe(400);
    expect((await request(server, '/__admin/approve', { method: 'GET' })).status).toBe(405);
    expect((await request(server, '/__admin/health', { raw: '{}' })).status).toBe(405);
  });

  it('refuses cross-origin browser requests', async () => {
    const server = await start();
    const { auth } = await started(server);
    const foreign = await request(server, '/__admin/approve', {
      raw: JSON.stringify({ userCode: auth.userCode }),
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
    });
    expect(foreign.status).toBe(403);
    const own = await request(server, '/__admin/approve', {
      body: { userCode: auth.userCode },
      headers: { origin: server.url },
    });
    expect(own.status).toBe(200);
  });

  it('admin routes never answer API paths, API routes never answer admin paths', async () => {
    const server = await start();
    expect((await post(server, '/approve', { userCode: 'x' })).status).toBe(404);
    expect((await post(server, '/token/__admin/approve', { userCode: 'x' })).status).toBe(404);
    const admin = await post(server, '/__admin/token', {});
    expect(admin.status).toBe(404);
    expect(admin.headers.get('x-amzn-errortype')).toBeNull();
  });

  it('recognises loopback peers', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopbackAddress(a)).toBe(true);
    }
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '::', '0.0.0.0', '', undefined, 'fe80::1']) {
      expect(isLoopbackAddress(a)).toBe(false);
    }
  });
  // The 403 for a non-loopback peer is not exercised over the network: this workplace only
  // allows traffic on loopback. isLoopbackAddress above is what the route relies on.
});

describe('reference server: verification page', () => {
  it('shows the user code and client, refuses framing', async () => {
    const server = await start({ verificationUri: '{url}/device' });
    const { auth } = await started(server, { clientName: 'My <CLI>' });
    expect(auth.verificationUri).toBe(`${server.url}/device`);
    const page = await fetch(auth.verificationUriComplete);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    expect(html).toContain(auth.userCode);
    expect(html).toContain('My &lt;CLI&gt;');
    expect(html).not.toContain('<CLI>');
  });

  it('escapes whatever the query contains', async () => {
    const server = await start();
    const page = await fetch(`${server.url}/device?user_code=${encodeURIComponent('"><script>')}`);
    const html = await page.text();
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });
});
