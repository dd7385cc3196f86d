/**
 * Stops a run against a target that keeps failing below the protocol: after `threshold`
 * consecutive transport failures (no HTTP response at all), the run is aborted so it ends in
 * bounded time instead of timing out test after test.
 */
export class CircuitBreaker {
  private consecutive = 0;
  private opened?: string;
  readonly causes = new Set<string>();

  constructor(
    private readonly threshold: number,
    private readonly onOpen: (reason: string) => void,
  ) {}

  success(): void {
    this.consecutive = 0;
  }

  failure(message: string): void {
    this.causes.add(message);
    this.consecutive += 1;
    if (this.consecutive >= this.threshold && !this.opened) {
      this.opened = `stopped after ${this.consecutive} consecutive transport failures; last: ${message}`;
      this.onOpen(this.opened);
    }
  }

  get openReason(): string | undefined {
    return this.opened;
  }
}
