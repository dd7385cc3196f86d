import { afterAll, describe, expect, it } from 'vitest';
import { ExchangeLog } from '../harness/http/exchange.ts';
import { closeHttp, DEFAULT_LIMITS } from '../harness/http/http.ts';
import { AwsProfile, isThrottling } from '../harness/profiles/aws.ts';
import {
  MAX_RETRY_AFTER,
  MAX_THROTTLE_RETRIES,
  throttleWait,
  type ThrottlePolicy,
} from '../harness/profiles/throttle.ts';
import { DEVICE_CODE_GRANT, type Outcome } from '../harness/profiles/profile.ts';
import { Redactor } from '../harness/http/redact.ts';
import { startReferenceServer } from '../reference/server.ts';

/** CL-18: HTTP 429 is retried after Retry-After, bounded, and never reaches the wire rules. */
afterAll(() => closeHttp());

const throttled = (retryAfter?: string) =>
  ({
    status: 429,
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  }) as unknown as Outcome<unknown>;

class GaveUp extends Error {}

function policy(): ThrottlePolicy & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async () => {},
    retrying: (_op, _o, wait) => void waits.push(wait),
    giveUp: () => {
      throw new GaveUp();
    },
  };
}

/** An AWS profile on `server` with a recording throttle policy and the outcomes it observed. */
function throttledProfile(server: { url: string }) {
  const observed: Outcome<unknown>[] = [];
  const http = { recorder: new ExchangeLog(), redactor: new Redactor(), limits: DEFAULT_LIMITS };
  const profile = new AwsProfile(server.url, http, (o) => observed.push(o));
  const p = policy();
  profile.throttle = p;
  return { profile, observed, p };
}

describe('CL-18: HTTP 429 and Retry-After', () => {
  it('waits Retry-After seconds (none past MAX_RETRY_AFTER: never sooner than asked); else 5 s more each time', () => {
    expect(throttleWait(throttled('2'), 1)).toBe(2);
    expect(throttleWait(throttled('0'), 1)).toBe(1);
    expect(throttleWait(throttled(String(MAX_RETRY_AFTER)), 1)).toBe(MAX_RETRY_AFTER);
    expect(throttleWait(throttled('3600'), 1)).toBeUndefined();
    expect(throttleWait(throttled(), 2)).toBe(10);
    expect(throttleWait(throttled('Wed, 21 Oct 2026 07:28:00 GMT'), 1)).toBe(5);
  });

  it('a front door throttling some requests of every operation: each one gets through', async () => {
    const server = await startReferenceServer({ faults: ['throttle-429'], virtualClock: true });
    try {
      const { profile, observed, p } = throttledProfile(server);
      for (let i = 0; i < 12; i++) {
        const reg = await profile.registerClient({ clientName: `c${i}`, clientType: 'public' });
        expect(reg.status).toBe(200);
        const start = await profile.startDeviceAuthorization({
          client: reg.value!,
          startUrl: 'https://example.awsapps.com/start',
        });
        expect(start.status).toBe(200);
      }
      expect(p.waits.length).toBeGreaterThan(0);
      expect(p.waits.every((w) => w === 1)).toBe(true);
      expect(observed.filter((o) => o.status === 429)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('SlowDownException outside device-code polling is retried; a device-code poll is not', async () => {
    const server = await startReferenceServer({
      faults: ['register-slow-down', 'start-slow-down-once'],
      virtualClock: true,
    });
    try {
      const { profile, observed, p } = throttledProfile(server);
      const reg = await profile.registerClient({ clientName: 'c', clientType: 'public' });
      expect(reg.status).toBe(200);
      const start = await profile.startDeviceAuthorization({
        client: reg.value!,
        startUrl: 'https://example.awsapps.com/start',
      });
      expect(start.status).toBe(200);
      // No Retry-After: 5 s, once for each.
      expect(p.waits).toEqual([5, 5]);
      expect(observed.filter((o) => o.error?.code === 'slow_down')).toEqual([]);
    } finally {
      await server.close();
    }
    const slowDown = {
      kind: 'error',
      status: 400,
      headers: {},
      error: { code: 'slow_down', type: 'SlowDownException' },
    } as unknown as Outcome<unknown>;
    const poll = { json: { grantType: DEVICE_CODE_GRANT, deviceCode: 'd' } };
    expect(isThrottling('CreateToken', poll, slowDown)).toBe(false);
    expect(isThrottling('CreateToken', { raw: '{}' }, slowDown)).toBe(false);
    expect(isThrottling('CreateToken', { json: { grantType: 'refresh_token' } }, slowDown)).toBe(
      true,
    );
    expect(isThrottling('RegisterClient', { raw: '{}' }, slowDown)).toBe(true);
    expect(isThrottling('CreateTokenWithIAM', { json: {} }, slowDown)).toBe(true);
  });

  it.each([
    ['1', MAX_THROTTLE_RETRIES + 1],
    // Asked to wait longer than a test waits: not sent again sooner than asked (CL-18).
    [String(MAX_RETRY_AFTER + 1), 1],
  ])('gives up: Retry-After %s s, %i requests in all', async (retryAfter, expected) => {
    const { createServer } = await import('node:http');
    let requests = 0;
    const always = createServer((_req, res) => {
      requests += 1;
      res.writeHead(429, { 'retry-after': retryAfter, 'content-type': 'application/json' });
      res.end('{"message":"Rate exceeded"}');
    });
    await new Promise<void>((r) => always.listen(0, '127.0.0.1', r));
    try {
      const port = (always.address() as { port: number }).port;
      const http = {
        recorder: new ExchangeLog(),
        redactor: new Redactor(),
        limits: DEFAULT_LIMITS,
      };
      const profile = new AwsProfile(`http://127.0.0.1:${port}`, http);
      profile.throttle = policy();
      await expect(
        profile.registerClient({ clientName: 'c', clientType: 'public' }),
      ).rejects.toBeInstanceOf(GaveUp);
      expect(requests).toBe(expected);
    } finally {
      await new Promise((r) => always.close(r));
    }
  });
});
