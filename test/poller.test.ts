import { describe, expect, it } from 'vitest';
import {
  Poller,
  DEFAULT_INTERVAL,
  MAX_SLOW_DOWNS_PER_POLL,
  pollMargin,
} from '../harness/engine/poller.ts';
import { VirtualClock } from '../harness/engine/clock.ts';
import { TransportError } from '../harness/http/transport-error.ts';
import type {
  DeviceAuthorization,
  Outcome,
  Profile,
  TokenSet,
} from '../harness/profiles/profile.ts';

/** The harness's own client rules (CL-1..CL-4, REQUIREMENTS.md §7), proven on a scripted profile. */
type Answer = string | 'ok' | 'timeout' | { code: string; interval?: number };

function scripted(answers: Answer[], throttled?: (o: Outcome<TokenSet>) => void) {
  const clock = new VirtualClock(() => {});
  const sentAt: number[] = [];
  const profile = {
    name: 'aws',
    async createToken() {
      sentAt.push(clock.monotonic());
      const a = answers.shift() ?? 'authorization_pending';
      if (a === 'timeout') throw new TransportError('timeout', 'no response headers within 10 s');
      if (a === 'ok')
        return {
          kind: 'ok',
          status: 200,
          value: { accessToken: 'a', tokenType: 'Bearer' },
        } as Outcome<TokenSet>;
      const code = typeof a === 'string' ? a : a.code;
      const body = typeof a === 'string' ? { error: code } : { error: code, interval: a.interval };
      return { kind: 'error', status: 400, body, error: { code } } as unknown as Outcome<TokenSet>;
    },
  } as unknown as Profile;
  const poller = new Poller(profile, clock, new AbortController().signal, throttled);
  return { poller, clock, sentAt };
}

const auth = (interval?: number): DeviceAuthorization => ({
  deviceCode: 'd',
  userCode: 'U',
  verificationUri: 'https://x',
  expiresIn: 600,
  interval,
});
const client = { clientId: 'c', clientSecret: 's' };
const gaps = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]!);

describe('CL-1-INTERVAL: never faster than the interval plus a margin', () => {
  it('waits interval + margin between polls of one code', async () => {
    const { poller, clock, sentAt } = scripted([]);
    const a = auth(3);
    poller.state(a).lastResponseAt = clock.monotonic();
    for (let i = 0; i < 4; i++) await poller.poll(client, a);
    expect(gaps([0, ...sentAt]).every((g) => g >= 3 + pollMargin(clock))).toBe(true);
  });

  it('uses 5 s when the server sends no interval, or an unusable one', async () => {
    for (const interval of [undefined, 0, -1, 1.5]) {
      const { poller, clock, sentAt } = scripted([]);
      const a = auth(interval);
      poller.state(a).lastResponseAt = 0;
      await poller.poll(client, a);
      await poller.poll(client, a);
      expect(gaps([0, ...sentAt])).toEqual([
        DEFAULT_INTERVAL + pollMargin(clock),
        DEFAULT_INTERVAL + pollMargin(clock),
      ]);
    }
  });
});

describe('CL-2-SLOWDOWN: +5 s per slow_down, cumulative', () => {
  it('adds 5 s after each slow_down and keeps it', async () => {
    const { poller, clock, sentAt } = scripted([
      'slow_down',
      'slow_down',
      'authorization_pending',
      'authorization_pending',
    ]);
    const a = auth(1);
    poller.state(a).lastResponseAt = 0;
    for (let i = 0; i < 4; i++) await poller.poll(client, a, { raw: true });
    const m = pollMargin(clock);
    expect(gaps([0, ...sentAt])).toEqual([1 + m, 6 + m, 11 + m, 11 + m]);
  });

  it('a poll answered slow_down (the first one included, AMB-2) polls again 5 s later', async () => {
    const { poller, clock, sentAt } = scripted(['slow_down', 'slow_down', 'ok']);
    const a = auth(1);
    poller.state(a).lastResponseAt = 0;
    const o = await poller.poll(client, a);
    expect(o.kind).toBe('ok');
    const m = pollMargin(clock);
    expect(gaps([0, ...sentAt])).toEqual([1 + m, 6 + m, 11 + m]);
  });

  it(`gives up after ${MAX_SLOW_DOWNS_PER_POLL} slow_downs more, telling the caller`, async () => {
    const seen: string[] = [];
    const { poller, sentAt } = scripted(Array(10).fill('slow_down'), (o) =>
      seen.push(o.error?.code ?? ''),
    );
    const o = await poller.poll(client, auth(1));
    expect(o.error?.code).toBe('slow_down');
    expect(sentAt).toHaveLength(MAX_SLOW_DOWNS_PER_POLL + 1);
    expect(seen).toEqual(['slow_down']);
  });

  it('raw: the first answer as it is, slow_down included', async () => {
    const { poller, sentAt } = scripted(['slow_down', 'ok']);
    expect((await poller.poll(client, auth(1), { raw: true })).error?.code).toBe('slow_down');
    expect(sentAt).toHaveLength(1);
  });

  it('takes a larger interval the server sends with slow_down', async () => {
    const { poller, sentAt, clock } = scripted([
      { code: 'slow_down', interval: 30 },
      'authorization_pending',
    ]);
    const a = auth(1);
    poller.state(a).lastResponseAt = 0;
    await poller.poll(client, a);
    expect(gaps(sentAt)).toEqual([30 + pollMargin(clock)]);
  });
});

describe('CL-3-STOP: stop on any error but pending and slow_down', () => {
  for (const terminal of ['access_denied', 'expired_token', 'invalid_grant', 'ok'] as const) {
    it(`stops after ${terminal}`, async () => {
      const { poller, sentAt } = scripted([
        'authorization_pending',
        'slow_down',
        terminal,
        'authorization_pending',
      ]);
      const { polls } = await poller.untilDone(client, auth(1));
      // The slow_down is absorbed by the poll that follows it.
      expect(polls).toHaveLength(2);
      expect(sentAt).toHaveLength(3);
    });
  }

  it('gives up after maxPolls', async () => {
    const { poller } = scripted([]);
    const { polls } = await poller.untilDone(client, auth(1), 7);
    expect(polls).toHaveLength(7);
  });
});

describe('CL-4-TIMEOUT-BACKOFF: lower the rate on a timeout', () => {
  it('doubles the interval before retrying a timed-out poll', async () => {
    const { poller, sentAt, clock } = scripted(['timeout', 'authorization_pending']);
    const a = auth(2);
    poller.state(a).lastResponseAt = 0;
    await poller.poll(client, a);
    expect(sentAt).toHaveLength(2);
    expect(gaps(sentAt)[0]).toBe(4 + pollMargin(clock));
    expect(poller.state(a).interval).toBe(4);
  });

  it('does not retry once approved (a lost response may have used the code: CL-13)', async () => {
    const { poller } = scripted(['timeout']);
    const a = auth(2);
    poller.state(a).approved = true;
    await expect(poller.poll(client, a)).rejects.toBeInstanceOf(TransportError);
  });

  it('gives up after two timeouts', async () => {
    const { poller, sentAt } = scripted(['timeout', 'timeout', 'timeout', 'authorization_pending']);
    await expect(poller.poll(client, auth(1))).rejects.toBeInstanceOf(TransportError);
    expect(sentAt).toHaveLength(3);
  });
});
