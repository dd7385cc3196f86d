import type { Exchange } from './exchange.ts';

/** Why an exchange produced no usable HTTP response. */
export type TransportCause =
  | 'timeout'
  | 'connect-refused'
  | 'connect-timeout'
  | 'reset'
  | 'not-http'
  | 'too-large'
  | 'aborted'
  | 'dns'
  | 'tls'
  | 'other';

/**
 * A transport failure: no (complete) HTTP response came back. `message` is one line meant for a
 * user (the CLI prints it without a stack); `exchange` is what was recorded for the attempt.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  override readonly cause: TransportCause;
  readonly exchange?: Exchange;
  /** The low-level error this was mapped from, for debugging only; never printed. */
  readonly underlying?: unknown;

  constructor(
    cause: TransportCause,
    message: string,
    options: { exchange?: Exchange; underlying?: unknown } = {},
  ) {
    super(oneLine(message));
    this.cause = cause;
    this.exchange = options.exchange;
    Object.defineProperty(this, 'underlying', {
      value: options.underlying,
      enumerable: false,
      writable: false,
    });
  }
}

/** Collapse whitespace (including newlines) so a message always fits on one line. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
