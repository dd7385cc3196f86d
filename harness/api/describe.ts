import type { Outcome } from '../profiles/profile.ts';

/** One-line, secret-free description of an outcome, for the "Actual" of a check. */
export function describeOutcome(o: Outcome<unknown>): string {
  if (o.kind === 'error') {
    const unread = o.parseError ? `body not JSON (${o.parseError})` : 'no error member';
    const fromBody = typeof (o.body as { error?: unknown } | undefined)?.error === 'string';
    const synonym = o.error?.synonym;
    const code =
      o.error?.code === undefined
        ? unread
        : synonym !== undefined
          ? `${o.error.code} [sent as ${synonym.sent}, ${synonym.amb}]`
          : fromBody
            ? o.error.code
            : `${o.error.code} [from header; ${unread}]`;
    // The profile names where its error type travels; a profile without one says nothing.
    const carrier = o.error?.typeCarrier;
    const type = o.error?.type ? ` (${o.error.type})` : carrier ? ` (no ${carrier})` : '';
    return `HTTP ${o.status} ${code}${type}`;
  }
  if (o.body !== null && typeof o.body === 'object' && !Array.isArray(o.body)) {
    return `HTTP ${o.status} {${Object.keys(o.body).join(', ')}}`;
  }
  return `HTTP ${o.status} ${o.parseError ? `body not JSON (${o.parseError})` : typeof o.body}`;
}

/** A value for display: strings quoted and cut, others as JSON. Never pass secrets here. */
export function show(value: unknown, max = 120): string {
  if (value === undefined) return 'absent';
  const text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
