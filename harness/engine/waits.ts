/**
 * Waits a test is in, told to whoever shows progress: what the test waits for and when the wait
 * ends on the wall clock. A virtual clock's sleeps end at once: they are not told.
 */
import type { Clock } from './clock.ts';

/** One wait: what for (`until the device code has expired`), and its end (epoch ms). */
export interface Wait {
  what: string;
  untilMs: number;
}

/** Told when a wait starts and when it ends (the same object both times). */
export interface WaitListener {
  start(wait: Wait): void;
  end(wait: Wait): void;
}

interface TellOptions {
  listener?: WaitListener;
  /** Wall clock, epoch ms (tests pass a fake one). */
  nowMs?: () => number;
}

/**
 * Runs `work`, told to `listener` as a wait for `what` that ends at the latest `seconds` from
 * now; its end is told however `work` ends (an abort, an error too).
 */
export async function waitTold<T>(
  what: string,
  seconds: number,
  work: () => Promise<T>,
  options: TellOptions,
): Promise<T> {
  const { listener } = options;
  if (!listener) return work();
  const wait: Wait = { what, untilMs: (options.nowMs ?? Date.now)() + seconds * 1000 };
  listener.start(wait);
  try {
    return await work();
  } finally {
    listener.end(wait);
  }
}

/** `clock.sleep(seconds, signal)`, told as a wait for `what` when the clock is real. */
export function sleepTold(
  clock: Clock,
  seconds: number,
  what: string,
  options: TellOptions & { signal?: AbortSignal },
): Promise<void> {
  const sleep = () => clock.sleep(seconds, options.signal);
  if (clock.kind === 'virtual' || !(seconds > 0)) return sleep();
  return waitTold(what, seconds, sleep, options);
}
