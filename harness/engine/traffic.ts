import { TestSkip } from '../api/test-endings.ts';

/**
 * What one run asks of its target, across every test and profile (issue 10, part 4; CL-5):
 * requests in flight at once, and registrations, each of which is a lasting client in the
 * user's Identity Center (nothing in the API deletes one).
 */
export interface TrafficLimits {
  /** Requests in flight at once, over the whole run (Infinity: no limit). */
  maxInFlight: number;
  /** Registrations the target may accept over the run (Infinity: no bound). */
  maxRegistrations: number;
}

/** A test needed a registration after the run's bound was reached: skipped, saying so. */
export class RegistrationBoundReached extends TestSkip {
  override readonly name = 'RegistrationBoundReached';
}

export class RunTraffic {
  /** Registrations the target accepted (HTTP 2xx to RegisterClient). */
  registrations = 0;
  /** RegisterClient requests under way, each counted as if it will be accepted. */
  private reserved = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limits: TrafficLimits) {}

  /**
   * Before a RegisterClient is sent: reserve a registration, or end the test as skipped when
   * the run's bound is reached (those under way count, so concurrency cannot overshoot it).
   */
  reserveRegistration(): void {
    if (this.registrations + this.reserved >= this.limits.maxRegistrations)
      throw new RegistrationBoundReached(
        `the run's bound of ${this.limits.maxRegistrations} registrations is reached (--max-registrations): no new registration, so not run`,
      );
    this.reserved += 1;
  }

  /** After a reserved RegisterClient: whether the target accepted it. */
  settleRegistration(accepted: boolean): void {
    this.reserved -= 1;
    if (accepted) this.registrations += 1;
  }

  /** Run `send` once fewer than maxInFlight requests are in flight (the others wait in turn). */
  async inTurn<T>(send: () => Promise<T>): Promise<T> {
    while (this.inFlight >= this.limits.maxInFlight)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight += 1;
    try {
      return await send();
    } finally {
      this.inFlight -= 1;
      this.waiting.shift()?.();
    }
  }
}
