import type { Clock } from './clock.ts';
import type {
  ClientCredentials,
  DeviceAuthorization,
  Outcome,
  Profile,
  TokenSet,
} from '../profiles/profile.ts';
import { DEVICE_CODE_GRANT } from '../profiles/profile.ts';
import { TransportError } from '../http/transport-error.ts';
import { sleepTold, type WaitListener } from './waits.ts';

/** RFC 8628 §3.2: a client uses 5 s when the server sends no usable interval. */
export const DEFAULT_INTERVAL = 5;
/**
 * Seconds added to every wait between polls (CL-1: servers can be strict to the second). The
 * wait runs from the response to the next request, so a server measuring between request
 * arrivals sees at least interval + margin + the response's transit time.
 */
export function pollMargin(_clock: Clock): number {
  return 0.5;
}

/** Per device code polling state, following the client rules CL-1..CL-4. */
export interface PollState {
  interval: number;
  lastResponseAt?: number;
  slowDowns: number;
  polls: number;
  /** Set once the approver has approved: a lost response can then no longer be retried (CL-13). */
  approved: boolean;
}

export function initialInterval(auth: DeviceAuthorization): number {
  const i = auth.interval;
  return typeof i === 'number' && Number.isInteger(i) && i >= 1 ? i : DEFAULT_INTERVAL;
}

/**
 * slow_downs one poll absorbs before it gives up (AMB-2: a server may shed any poll under
 * load, the first included). Each one adds 5 s to the interval (CL-2), so the bound also bounds
 * the time: at most 5 + 10 + 15 s more than the interval.
 */
export const MAX_SLOW_DOWNS_PER_POLL = 3;

/**
 * Polls after a decision (approval, denial) before it counts as not taken into account: a
 * server may show it a little later (eventual consistency); at interval 5 this is 20 s.
 */
export const DECISION_POLLS = 4;

export interface PollOptions {
  /** Another device code in the request (null: none), for negative tests. */
  deviceCode?: string | null;
  /** Send at once, without waiting for the interval: breaks CL-1 on purpose. */
  startImmediately?: boolean;
  /**
   * Return the first answer as it is, slow_down included: for the tests that judge slow_down
   * itself (DA-3.5-SLOWDOWN-*). Otherwise slow_down means "poll again later" (CL-2).
   */
  raw?: boolean;
}

export class Poller {
  private readonly states = new WeakMap<DeviceAuthorization, PollState>();

  constructor(
    private readonly profile: Profile,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
    /**
     * Called when a poll was still slowed down after MAX_SLOW_DOWNS_PER_POLL tries; may throw
     * (the test context skips: rate-limited, no verdict). Without it the slow_down is returned.
     */
    private readonly throttled?: (outcome: Outcome<TokenSet>) => void,
    /** Told of each wait between polls (live progress of a real-time run). */
    private readonly waits?: WaitListener,
  ) {}

  state(auth: DeviceAuthorization): PollState {
    let s = this.states.get(auth);
    if (!s) {
      s = { interval: initialInterval(auth), slowDowns: 0, polls: 0, approved: false };
      this.states.set(auth, s);
    }
    return s;
  }

  /**
   * A poll that respects the interval (CL-1) and comes back with a real answer: slow_down, on
   * any poll, means "poll again later" with the interval 5 s longer (CL-2), at most
   * MAX_SLOW_DOWNS_PER_POLL times. `client` may differ from the owner (cross-client tests);
   * `options` changes the request, or asks for the first answer as it is (`raw`).
   */
  async poll(
    client: ClientCredentials,
    auth: DeviceAuthorization,
    options: PollOptions = {},
  ): Promise<Outcome<TokenSet>> {
    let outcome = await this.pollOnce(client, auth, options);
    if (options.raw) return outcome;
    for (let i = 1; outcome.error?.code === 'slow_down'; i++) {
      if (i > MAX_SLOW_DOWNS_PER_POLL) {
        this.throttled?.(outcome);
        return outcome;
      }
      outcome = await this.pollOnce(client, auth, { ...options, startImmediately: false });
    }
    return outcome;
  }

  /**
   * One request: waits until `interval + margin` seconds have passed since the previous
   * response for this device code (unless `startImmediately`), then redeems it once.
   */
  private async pollOnce(
    client: ClientCredentials,
    auth: DeviceAuthorization,
    overrides: PollOptions,
  ): Promise<Outcome<TokenSet>> {
    const s = this.state(auth);
    if (s.lastResponseAt !== undefined && !overrides.startImmediately) {
      const due = s.lastResponseAt + s.interval + pollMargin(this.clock);
      const wait = due - this.clock.monotonic();
      if (wait > 0)
        await sleepTold(this.clock, wait, `the next poll (interval ${s.interval} s)`, {
          signal: this.signal,
          listener: this.waits,
        });
    }
    let timeouts = 0;
    for (;;) {
      try {
        s.polls += 1;
        const outcome = await this.profile.createToken({
          client,
          grantType: DEVICE_CODE_GRANT,
          deviceCode:
            overrides.deviceCode === null ? undefined : (overrides.deviceCode ?? auth.deviceCode),
        });
        s.lastResponseAt = this.clock.monotonic();
        this.learn(s, outcome);
        return outcome;
      } catch (e) {
        // CL-4: on a timeout, lower the polling rate before retrying; once approved, a lost
        // response may have consumed the code (CL-13), so the result is inconclusive.
        if (!(e instanceof TransportError) || e.cause !== 'timeout' || s.approved || timeouts >= 2)
          throw e;
        timeouts += 1;
        s.interval *= 2;
        s.lastResponseAt = this.clock.monotonic();
        await sleepTold(
          this.clock,
          s.interval + pollMargin(this.clock),
          `a poll again after a timeout (interval now ${s.interval} s)`,
          { signal: this.signal, listener: this.waits },
        );
      }
    }
  }

  /** CL-2: +5 s per slow_down, cumulative; honour a larger interval the server sends. */
  private learn(s: PollState, outcome: Outcome<TokenSet>): void {
    if (outcome.error?.code !== 'slow_down') return;
    s.slowDowns += 1;
    s.interval += 5;
    const body = outcome.body as Record<string, unknown> | undefined;
    const sent = body?.interval;
    if (typeof sent === 'number' && Number.isFinite(sent) && sent > s.interval) s.interval = sent;
  }

  /**
   * Poll until success or a terminal error (CL-3), within the device code lifetime plus a
   * margin and at most `maxPolls` polls.
   */
  async untilDone(
    client: ClientCredentials,
    auth: DeviceAuthorization,
    maxPolls = 60,
  ): Promise<{ outcome: Outcome<TokenSet>; polls: Outcome<TokenSet>[] }> {
    const polls: Outcome<TokenSet>[] = [];
    const deadline = this.clock.monotonic() + auth.expiresIn + 30;
    for (;;) {
      const outcome = await this.poll(client, auth);
      polls.push(outcome);
      const code = outcome.error?.code;
      const goOn =
        outcome.kind === 'error' && (code === 'authorization_pending' || code === 'slow_down');
      if (!goOn || polls.length >= maxPolls || this.clock.monotonic() > deadline) {
        return { outcome, polls };
      }
    }
  }
}
