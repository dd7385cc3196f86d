/**
 * Waits told to the progress: by a sleep on a real clock (not a virtual one), by the poller
 * between polls, and the runner's hooks around each test.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../harness/engine/clock.ts';
import { VirtualClock } from '../../harness/engine/clock.ts';
import { Poller, pollMargin } from '../../harness/engine/poller.ts';
import { sleepTold, waitTold, type Wait, type WaitListener } from '../../harness/engine/waits.ts';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import type { TestDefinition } from '../../harness/api/registry.ts';
import { AUTH, fakeContext, recordingApprover } from '../api/fake-context.ts';
import type {
  DeviceAuthorization,
  Outcome,
  Profile,
  TokenSet,
} from '../../harness/profiles/profile.ts';

const T0 = 1_800_000_000_000;

/** A clock of kind `real` whose sleeps pass at once, moving a fake wall clock with them. */
class FakeRealClock implements Clock {
  readonly kind = 'real' as const;
  seconds = 0;
  monotonic() {
    return this.seconds;
  }
  epochSeconds() {
    return T0 / 1000 + this.seconds;
  }
  async sleep(seconds: number, signal?: AbortSignal) {
    if (signal?.aborted) throw signal.reason;
    this.seconds += seconds;
  }
  nowMs = () => T0 + this.seconds * 1000;
}

function recorder() {
  const events: string[] = [];
  const listener: WaitListener = {
    start: (w) => events.push(`start ${w.what} until +${(w.untilMs - T0) / 1000}`),
    end: (w) => events.push(`end ${w.what}`),
  };
  return { events, listener };
}

describe('sleepTold / waitTold', () => {
  it('a real clock sleep is told at its start (with its end time) and at its end', async () => {
    const clock = new FakeRealClock();
    const { events, listener } = recorder();
    await sleepTold(clock, 90, 'until the device code has expired', {
      listener,
      nowMs: clock.nowMs,
    });
    expect(events).toEqual([
      'start until the device code has expired until +90',
      'end until the device code has expired',
    ]);
    expect(clock.seconds).toBe(90);
  });

  it('a virtual clock sleep, or none at all, is not told', async () => {
    const { events, listener } = recorder();
    await sleepTold(new VirtualClock(() => {}), 90, 'x', { listener });
    await sleepTold(new FakeRealClock(), 0, 'x', { listener });
    expect(events).toEqual([]);
  });

  it('the end is told when the wait fails (an abort), with the same object', async () => {
    const seen: Wait[] = [];
    const listener: WaitListener = { start: (w) => seen.push(w), end: (w) => seen.push(w) };
    const abort = new AbortController();
    abort.abort(new Error('stopped'));
    await expect(
      sleepTold(new FakeRealClock(), 5, 'x', { listener, signal: abort.signal }),
    ).rejects.toThrow('stopped');
    await expect(
      waitTold('y', 5, async () => Promise.reject(new Error('boom')), { listener }),
    ).rejects.toThrow('boom');
    expect(seen).toHaveLength(4);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).toBe(seen[3]);
  });
});

describe('the poller tells its waits between polls', () => {
  it('each wait for the interval, with the interval it waits for', async () => {
    const clock = new FakeRealClock();
    const profile = {
      name: 'aws',
      async createToken() {
        return {
          kind: 'error',
          status: 400,
          body: { error: 'authorization_pending' },
          error: { code: 'authorization_pending' },
        } as unknown as Outcome<TokenSet>;
      },
    } as unknown as Profile;
    const { events, listener } = recorder();
    // The poller's wall clock is Date.now; the interval is checked through the told duration.
    const told: Wait[] = [];
    const poller = new Poller(profile, clock, new AbortController().signal, undefined, {
      start: (w) => {
        told.push(w);
        listener.start({ ...w, untilMs: T0 });
      },
      end: listener.end,
    });
    const auth: DeviceAuthorization = {
      deviceCode: 'd',
      userCode: 'U',
      verificationUri: 'https://x',
      expiresIn: 600,
      interval: 3,
    };
    const before = Date.now();
    await poller.poll({ clientId: 'c', clientSecret: 's' }, auth); // the first poll: no wait
    await poller.poll({ clientId: 'c', clientSecret: 's' }, auth);
    expect(events).toEqual([
      'start the next poll (interval 3 s) until +0',
      'end the next poll (interval 3 s)',
    ]);
    const ms = (3 + pollMargin(clock)) * 1000;
    expect(told[0]!.untilMs).toBeGreaterThanOrEqual(before + ms);
    expect(told[0]!.untilMs).toBeLessThanOrEqual(Date.now() + ms);
  });
});

describe("a test's own waits", () => {
  it("t.sleep with its reason, and an exec-like approver's decision bounded by its timeout", async () => {
    const clock = new FakeRealClock();
    const told: Wait[] = [];
    const t = fakeContext(
      {
        clock,
        approver: recordingApprover(),
        waits: { start: (w) => told.push(w), end: () => {} },
      },
      { target: 'https://oidc.example.test', approverTimeout: 45 },
    );
    const before = Date.now();
    await t.sleep(20, 'until the device code has expired');
    await t.approve(AUTH);
    expect(told.map((w) => w.what)).toEqual([
      'until the device code has expired',
      'the fake approver to approve (by its timeout at the latest)',
    ]);
    expect(told[1]!.untilMs - before).toBeGreaterThanOrEqual(45_000);
    expect(told[1]!.untilMs - Date.now()).toBeLessThanOrEqual(45_000);
  });

  it('none on a virtual clock', async () => {
    const told: Wait[] = [];
    const t = fakeContext({
      approver: recordingApprover(),
      waits: { start: (w) => told.push(w), end: () => {} },
    });
    await t.sleep(20, 'x');
    await t.approve(AUTH);
    expect(told).toEqual([]);
  });
});

describe('the runner tells the run, each test, and no virtual wait', () => {
  it('onRunStart with the total and the clock, onTestStart and onTestEnd per test', async () => {
    const fake = (id: string): TestDefinition => ({
      suite: { key: 'fake', title: 'Fake suite' },
      meta: { id, title: 'sleeps', level: 'MUST', also: [] },
      name: `${id} sleeps`,
      slug: id,
      requirements: [id],
      async run(t) {
        await t.sleep(30, 'a long wait');
        t.check({ requirement: id, description: 'x', ok: true, expected: 'x', actual: 'x' });
      },
    });
    const events: string[] = [];
    await runConformance(resolveConfig({ flags: { reports: '/dev/null' } }), {
      tests: [fake('DA-3.5-PENDING'), fake('DA-3.5-DENIED')],
      onRunStart: (r) => events.push(`run ${r.total} ${r.clock}`),
      onTestStart: (name) => events.push(`start ${name}`),
      onTestEnd: (r) => events.push(`end ${r.name} ${r.verdict}`),
      onWait: (name) => events.push(`wait ${name}`),
      onWaitEnd: (name) => events.push(`wait end ${name}`),
    });
    expect([...events].sort()).toEqual(
      [
        'run 2 virtual',
        'start DA-3.5-PENDING sleeps',
        'start DA-3.5-DENIED sleeps',
        'end DA-3.5-PENDING sleeps passed',
        'end DA-3.5-DENIED sleeps passed',
      ].sort(),
    );
    expect(events[0]).toBe('run 2 virtual');
  });
});
