import { describe, expect, it } from 'vitest';
import { PLAIN_EVERY_MS, createProgress, remaining } from '../../harness/reporters/progress.ts';
import type { TestResult } from '../../harness/engine/results.ts';
import type { Wait } from '../../harness/engine/waits.ts';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');

/** A fake wall clock, a fake stream and a fake ticker, driven by the test. */
function harness(stream: { isTTY?: boolean; columns?: number } = {}) {
  let now = T0;
  const writes: string[] = [];
  let tick: (() => void) | undefined;
  let tickerStops = 0;
  const progress = createProgress({
    stream: { ...stream, write: (s: string) => writes.push(s) },
    nowMs: () => now,
    every: (ms, fn) => {
      expect(ms).toBe(1000);
      tick = fn;
      return () => {
        tickerStops += 1;
        tick = undefined;
      };
    },
  });
  return {
    ...progress,
    writes,
    /** Moves the clock on by `ms`, ticking each second as the real ticker would. */
    advance(ms: number) {
      for (let left = ms; left > 0; left -= 1000) {
        now += Math.min(1000, left);
        tick?.();
      }
    },
    at: () => now,
    ticking: () => tick !== undefined,
    tickerStops: () => tickerStops,
  };
}

const ended = (name: string) => ({ name }) as TestResult;

describe('remaining', () => {
  it('seconds, minutes and seconds, hours and minutes; never negative', () => {
    expect([0, 999, 45_000, 90_000, 3_723_000, -5].map(remaining)).toEqual([
      '0s',
      '1s',
      '45s',
      '1m30s',
      '1h02m',
      '0s',
    ]);
  });
});

describe('progress on a terminal: one line rewritten in place', () => {
  it('done / running / waiting, and the longest wait: what for, when it ends, the countdown', () => {
    const p = harness({ isTTY: true, columns: 200 });
    p.hooks.onRunStart!({ total: 3, clock: 'real' });
    p.hooks.onTestStart!('DA-3.5-EXPIRED an expired device code');
    p.hooks.onTestStart!('DA-3.5-PENDING polls get authorization_pending');
    const expiry: Wait = { what: 'until the device code has expired', untilMs: T0 + 90_000 };
    const poll: Wait = { what: 'the next poll (interval 5 s)', untilMs: T0 + 5_500 };
    p.hooks.onWait!('DA-3.5-EXPIRED an expired device code', expiry);
    p.hooks.onWait!('DA-3.5-PENDING polls get authorization_pending', poll);
    expect(p.writes).toEqual([
      '\r\x1b[2K0/3 done, 0 running, 0 waiting',
      '\r\x1b[2K0/3 done, 1 running, 0 waiting',
      '\r\x1b[2K0/3 done, 2 running, 0 waiting',
      '\r\x1b[2K0/3 done, 2 running, 1 waiting · longest wait ends 10:01:30 UTC (in 1m30s): until the device code has expired · DA-3.5-EXPIRED an expired device code',
      // The shorter wait changes the count, not the longest.
      '\r\x1b[2K0/3 done, 2 running, 2 waiting · longest wait ends 10:01:30 UTC (in 1m30s): until the device code has expired · DA-3.5-EXPIRED an expired device code',
    ]);
    p.writes.length = 0;
    p.advance(1000); // the countdown moves
    expect(p.writes).toEqual([
      '\r\x1b[2K0/3 done, 2 running, 2 waiting · longest wait ends 10:01:30 UTC (in 1m29s): until the device code has expired · DA-3.5-EXPIRED an expired device code',
    ]);
    p.writes.length = 0;
    p.hooks.onWaitEnd!('DA-3.5-EXPIRED an expired device code', expiry);
    p.hooks.onTestEnd!(ended('DA-3.5-EXPIRED an expired device code'));
    expect(p.writes.at(-1)).toBe(
      '\r\x1b[2K1/3 done, 1 running, 1 waiting · longest wait ends 10:00:05 UTC (in 5s): the next poll (interval 5 s) · DA-3.5-PENDING polls get authorization_pending',
    );
    // A test that ends drops its waits with it.
    p.hooks.onTestEnd!(ended('DA-3.5-PENDING polls get authorization_pending'));
    expect(p.writes.at(-1)).toBe('\r\x1b[2K2/3 done, 0 running, 0 waiting');
  });

  it('writes only when the line changes, cut to the terminal width', () => {
    const p = harness({ isTTY: true, columns: 40 });
    p.hooks.onRunStart!({ total: 1, clock: 'real' });
    p.hooks.onTestStart!('T');
    p.hooks.onWait!('T', { what: 'a very long wait '.repeat(10), untilMs: T0 + 3_600_000 });
    const count = p.writes.length;
    p.advance(500);
    expect(p.writes).toHaveLength(count); // same line: nothing written
    for (const w of p.writes)
      expect(Array.from(w.slice('\r\x1b[2K'.length)).length).toBeLessThanOrEqual(39);
    expect(p.writes.at(-1)).toMatch(/…$/);
  });

  it('on a narrow terminal the line loses the end of the test name, not when the wait ends', () => {
    const p = harness({ isTTY: true, columns: 130 });
    p.hooks.onRunStart!({ total: 9, clock: 'real' });
    const name = 'DA-3.5-EXPIRED after expiresIn has passed, a poll gets expired_token';
    p.hooks.onTestStart!(name);
    p.hooks.onWait!(name, { what: 'until the device code has expired', untilMs: T0 + 25_000 });
    expect(p.writes.at(-1)).toBe(
      '\r\x1b[2K0/9 done, 1 running, 1 waiting · longest wait ends 10:00:25 UTC (in 25s): until the device code has expired · DA-3.5-EXPIRED aft…',
    );
    expect(Array.from(p.writes.at(-1)!).length - '\r\x1b[2K'.length).toBe(129);
  });

  it('stop erases the line and stops the ticker', () => {
    const p = harness({ isTTY: true });
    p.hooks.onRunStart!({ total: 1, clock: 'real' });
    p.stop();
    expect(p.writes.at(-1)).toBe('\r\x1b[2K');
    expect(p.ticking()).toBe(false);
    expect(p.tickerStops()).toBe(1);
    const count = p.writes.length;
    p.hooks.onTestStart!('T');
    expect(p.writes).toHaveLength(count);
  });
});

describe('progress without a terminal (CI): a plain line at most every 10 s', () => {
  it('none in the first 10 s (a short run prints nothing), then at most one per 10 s under a stream of events', () => {
    const p = harness({ isTTY: false });
    p.hooks.onRunStart!({ total: 1000, clock: 'real' });
    const lines: { at: number; text: string }[] = [];
    let seen = 0;
    const collect = () => {
      for (; seen < p.writes.length; seen++) lines.push({ at: p.at(), text: p.writes[seen]! });
    };
    // Five minutes with an event every 100 ms: tests starting, waiting and ending.
    for (let i = 0; i < 3000; i++) {
      const name = `T-${i}`;
      p.hooks.onTestStart!(name);
      const wait = { what: `wait ${i}`, untilMs: p.at() + 30_000 };
      p.hooks.onWait!(name, wait);
      if (i % 3 === 0) {
        p.hooks.onWaitEnd!(name, wait);
        p.hooks.onTestEnd!(ended(name));
      }
      collect();
      p.advance(100);
      collect();
    }
    expect(lines[0]!.at - T0).toBeGreaterThanOrEqual(PLAIN_EVERY_MS);
    const gaps = lines.slice(1).map((l, i) => l.at - lines[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PLAIN_EVERY_MS);
    // At most one per 10 s, and not fewer when things change.
    expect(lines.length).toBe(Math.floor(300_000 / PLAIN_EVERY_MS));
    for (const l of lines)
      expect(l.text).toMatch(
        /^progress: \d+\/1000 done, \d+ running, \d+ waiting · longest wait ends \d\d:\d\d:\d\d UTC \(in \d+s\): wait \d+ · T-\d+\n$/,
      );
  });

  it('nothing new: one line a minute', () => {
    const p = harness({ isTTY: false });
    p.hooks.onRunStart!({ total: 2, clock: 'real' });
    p.hooks.onTestStart!('T');
    p.hooks.onWait!('T', { what: 'until the device code has expired', untilMs: T0 + 600_000 });
    p.advance(180_000);
    expect(p.writes).toEqual([
      'progress: 0/2 done, 1 running, 1 waiting · longest wait ends 10:10:00 UTC (in 9m50s): until the device code has expired · T\n',
      'progress: 0/2 done, 1 running, 1 waiting · longest wait ends 10:10:00 UTC (in 8m50s): until the device code has expired · T\n',
      'progress: 0/2 done, 1 running, 1 waiting · longest wait ends 10:10:00 UTC (in 7m50s): until the device code has expired · T\n',
    ]);
    p.stop();
    expect(p.writes).toHaveLength(3); // nothing to erase
  });
});

describe('a virtual-clock run shows no progress', () => {
  it('writes nothing and starts no ticker', () => {
    for (const isTTY of [true, false]) {
      const p = harness({ isTTY });
      p.hooks.onRunStart!({ total: 80, clock: 'virtual' });
      p.hooks.onTestStart!('T');
      p.hooks.onWait!('T', { what: 'x', untilMs: T0 + 1000 });
      p.hooks.onTestEnd!(ended('T'));
      p.advance(60_000);
      p.stop();
      expect(p.writes).toEqual([]);
      expect(p.ticking()).toBe(false);
    }
  });
});
