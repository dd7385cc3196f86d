/**
 * The server's notion of time. Everything that expires (device authorizations, client
 * secrets, access tokens) and the slow_down rule read this clock, never Date.now(), so that
 * a test can jump over a 600 s expiry instantly.
 */
export interface ServerClock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

export class RealClock implements ServerClock {
  nowMs(): number {
    return Date.now();
  }
}

/**
 * Virtual time: starts at the real time of its creation and then stands still until
 * advance() moves it. Standing still keeps tests deterministic: two requests sent back to
 * back are 0 s apart, a wait of N seconds is exactly N seconds.
 */
export class VirtualClock implements ServerClock {
  private currentMs: number;

  constructor(startMs: number = Date.now()) {
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  /** Moves time forward; `seconds` may be fractional but not negative. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`cannot advance the clock by ${seconds} s`);
    }
    this.currentMs += Math.round(seconds * 1000);
  }
}

/**
 * A clock `skewMs` off another (the `clock-skew` variation): a server whose clock is a few
 * seconds off the client's, as real servers' are.
 */
export class SkewedClock implements ServerClock {
  constructor(
    private readonly base: ServerClock,
    private readonly skewMs: number,
  ) {}

  nowMs(): number {
    return this.base.nowMs() + this.skewMs;
  }
}

export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
