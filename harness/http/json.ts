export type JsonParseResult = { ok: true; value: unknown } | { ok: false; reason: string };

const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Parse JSON from an untrusted peer. Nesting depth is checked first by one linear scan (strings and
 * escapes respected, no recursion), so hostile input such as 100,000 nested arrays is refused in
 * microseconds before JSON.parse sees it. Otherwise the semantics are JSON.parse's (duplicate keys:
 * last one wins). Reasons never quote the body text, which may hold secrets.
 */
export function parseJsonBounded(text: string, maxDepth = 64): JsonParseResult {
  if (text.trim() === '') return { ok: false, reason: 'empty body' };

  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        return { ok: false, reason: `JSON nested deeper than ${maxDepth} levels` };
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      // Unbalanced closers are left for JSON.parse to report.
      if (depth > 0) depth--;
    }
  }

  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, reason: `not valid JSON: ${describeSyntaxError(e)}` };
  }
}

/** V8's message without the echo of the input (`, "…" is not valid JSON`). */
function describeSyntaxError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const cleaned = message
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > 120 ? cleaned.slice(0, 120) + '…' : cleaned || 'syntax error';
}
