import type { Clock } from './clock.ts';
import type {
  ClientCredentials,
  DeviceAuthorization,
  Outcome,
  Profile,
  TokenSet,
} from './profiles/profile.ts';
import { DEVICE_CODE_GRANT } from './profiles/profile.ts';
import { TransportError } from './transport-error.ts';

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

export class Poller {
  private readonly states = new WeakMap<DeviceAuthorization, PollState>();

  constructor(
    private readonly profile: Profile,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
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
   * One poll that respects the interval (CL-1): waits until `interval + margin` seconds have
   * passed since the previous response for this device code, then redeems it once.
   * `client` may differ from the owner (cross-client tests); `overrides` changes the request.
   */
  async poll(
    client: ClientCredentials,
    auth: DeviceAuthorization,
    overrides: { deviceCode?: string | null; startImmediately?: boolean } = {},
  ): Promise<Outcome<TokenSet>> {
    const s = this.state(auth);
    if (s.lastResponseAt !== undefined && !overrides.startImmediately) {
      const due = s.lastResponseAt + s.interval + pollMargin(this.clock);
      const wait = due - this.clock.monotonic();
      if (wait > 0) await this.clock.sleep(wait, this.signal);
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
        await this.clock.sleep(s.interval + pollMargin(this.clock), this.signal);
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
