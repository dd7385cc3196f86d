/**
 * Live progress of a real-time run, on stderr: tests done / running / waiting, and what the
 * longest wait is for and when it ends. On a terminal, one status line rewritten in place (and
 * erased at the end, before the summary); without one (CI logs), a plain line at most every
 * PLAIN_EVERY_MS, the first after that long (a short run prints none). A run on a virtual
 * clock ends its waits at once: it shows nothing. `--quiet` does not create one.
 */
import type { ProgressHooks } from '../engine/runner.ts';
import type { Wait } from '../engine/waits.ts';
import { cutChars } from './format.ts';

/** Where the progress goes: process.stderr, or a fake one in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** Wall clock, epoch ms. */
  nowMs?: () => number;
  /** Calls `tick` every `ms` until the function it returns is called. */
  every?: (ms: number, tick: () => void) => () => void;
}

/** Without a terminal, at most one line this often. */
export const PLAIN_EVERY_MS = 10_000;
/** Without a terminal, a line that says nothing new waits this long. */
const PLAIN_SAME_EVERY_MS = 60_000;
/** How often the line is looked at again (the countdown of the longest wait moves). */
const TICK_MS = 1000;
/** Longest test name shown (a terminal line is cut to the terminal's width). */
const NAME_MAX = 60;

/** `8m03s`, `45s`, `1h02m`: a remaining time, never negative. */
export function remaining(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `10:42:13 UTC` */
function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

function everyDefault(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref(); // the progress never keeps the process alive
  return () => clearInterval(timer);
}

/** The hooks to pass to the runner, and `stop` (erases the terminal line; call it once). */
export function createProgress(options: ProgressOptions): {
  hooks: ProgressHooks;
  stop: () => void;
} {
  const { stream } = options;
  const now = options.nowMs ?? Date.now;
  const tty = stream.isTTY === true;
  let active = false;
  let total = 0;
  let done = 0;
  const running = new Set<string>();
  const waits = new Map<string, Set<Wait>>();
  let stopTicking: (() => void) | undefined;
  /** TTY: the line on screen ('' for none). Plain: the last line written, and when. */
  let shown = '';
  let lastPlainMs = 0;
  let lastPlainKey = '';

  /**
   * The line, and the same without its countdown (what changed). The test's name comes last: a
   * terminal too narrow for the line loses the end of the name, not when the wait ends.
   */
  const describe = (at: number): { line: string; key: string } => {
    let longest: { test: string; wait: Wait } | undefined;
    for (const [test, set] of waits)
      for (const wait of set)
        if (!longest || wait.untilMs > longest.wait.untilMs) longest = { test, wait };
    const counts = `${done}/${total} done, ${running.size} running, ${waits.size} waiting`;
    if (!longest) return { line: counts, key: counts };
    const { test, wait } = longest;
    const text = (countdown: string) =>
      `${counts} · longest wait ends ${clockTime(wait.untilMs)}${countdown}: ${wait.what} · ${cutChars(test, NAME_MAX)}`;
    return { line: text(` (in ${remaining(wait.untilMs - at)})`), key: text('') };
  };

  const show = () => {
    if (!active) return;
    const at = now();
    const { line, key } = describe(at);
    if (tty) {
      const fitted = cutChars(line, Math.max(20, (stream.columns ?? 80) - 1));
      if (fitted === shown) return;
      shown = fitted;
      stream.write(`\r\x1b[2K${fitted}`);
      return;
    }
    const since = at - lastPlainMs;
    if (since < PLAIN_EVERY_MS) return;
    if (key === lastPlainKey && since < PLAIN_SAME_EVERY_MS) return;
    lastPlainMs = at;
    lastPlainKey = key;
    stream.write(`progress: ${line}\n`);
  };

  const hooks: ProgressHooks = {
    onRunStart: (run) => {
      if (run.clock === 'virtual') return;
      active = true;
      total = run.total;
      lastPlainMs = now(); // the first plain line comes after PLAIN_EVERY_MS
      stopTicking = (options.every ?? everyDefault)(TICK_MS, show);
      show();
    },
    onTestStart: (test) => {
      running.add(test);
      show();
    },
    onTestEnd: (result) => {
      running.delete(result.name);
      waits.delete(result.name);
      done += 1;
      show();
    },
    onWait: (test, wait) => {
      if (!waits.has(test)) waits.set(test, new Set());
      waits.get(test)!.add(wait);
      show();
    },
    onWaitEnd: (test, wait) => {
      const set = waits.get(test);
      set?.delete(wait);
      if (set?.size === 0) waits.delete(test);
      show();
    },
  };
  const stop = () => {
    stopTicking?.();
    stopTicking = undefined;
    if (tty && shown !== '') stream.write('\r\x1b[2K');
    shown = '';
    active = false;
  };
  return { hooks, stop };
}
