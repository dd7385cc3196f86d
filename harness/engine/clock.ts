/**
 * Time as a test sees it. Against the embedded reference server time is virtual: sleeping
 * advances that server's clock and returns at once. Against any other target it is real.
 */
export interface Clock {
  readonly kind: 'virtual' | 'real';
  /** Seconds on a monotonic scale (virtual seconds for a virtual clock). */
  monotonic(): number;
  /** Epoch seconds as the target should see them (virtual offset included). */
  epochSeconds(): number;
  sleep(seconds: number, signal?: AbortSignal): Promise<void>;
}

export class RealClock implements Clock {
  readonly kind = 'real' as const;
  monotonic(): number {
    return performance.now() / 1000;
  }
  epochSeconds(): number {
    return Date.now() / 1000;
  }
  sleep(seconds: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(done, Math.max(0, seconds * 1000));
      function done() {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      function onAbort() {
        clearTimeout(timer);
        reject(signal?.reason);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * A clock whose sleep advances the target's virtual clock through `advance`. Its epoch time is
 * the target's (`targetNowMs`), not the harness's: a virtual clock stands still while real time
 * passes, so Date.now() plus the seconds slept runs ahead of the server by however long the run
 * has taken (a loaded machine made a wait computed from it end a second before an expiry).
 */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private elapsed = 0;
  constructor(
    private readonly advance: (seconds: number) => void | Promise<void>,
    private readonly targetNowMs: () => number = () => Date.now() + this.elapsed * 1000,
  ) {}
  monotonic(): number {
    return this.elapsed;
  }
  epochSeconds(): number {
    return this.targetNowMs() / 1000;
  }
  async sleep(seconds: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    if (seconds <= 0) return;
    this.elapsed += seconds;
    await this.advance(seconds);
  }
}

/**
 * Seconds a target's clock may be off ours (servers run NTP, not perfection): a test that
 * waits for an epoch time on the target's side waits this much longer before it judges.
 */
export const CLOCK_SKEW_TOLERANCE = 30;
