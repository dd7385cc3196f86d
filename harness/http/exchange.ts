/**
 * One HTTP request/response pair as the harness saw it, already redacted.
 * Exchanges are what reports show for a failed test and what curl commands are built from.
 */
export interface Exchange {
  /** Order of the exchange within its test, from 1. */
  seq: number;
  startedAt: string;
  durationMs: number;
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string;
  };
  response?: {
    status: number;
    headers: Record<string, string>;
    body: string;
    /** The body was cut at the size limit. */
    truncated?: boolean;
  };
  /** Transport failure, one line (timeout, reset, not HTTP, too large ...). */
  error?: string;
}

/** Receives every exchange a test makes. */
export interface ExchangeRecorder {
  record(exchange: Omit<Exchange, 'seq'>): Exchange;
}

export class ExchangeLog implements ExchangeRecorder {
  readonly exchanges: Exchange[] = [];
  record(exchange: Omit<Exchange, 'seq'>): Exchange {
    const full = { seq: this.exchanges.length + 1, ...exchange };
    this.exchanges.push(full);
    return full;
  }
}
