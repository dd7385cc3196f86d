import { describe, expect, it } from 'vitest';
import { parseJsonBounded } from '../harness/http/json.ts';

describe('parseJsonBounded', () => {
  it('parses ordinary JSON like JSON.parse', () => {
    expect(parseJsonBounded('{"a":[1,{"b":null}],"c":"x"}')).toEqual({
      ok: true,
      value: { a: [1, { b: null }], c: 'x' },
    });
    expect(parseJsonBounded(' 42 ')).toEqual({ ok: true, value: 42 });
    expect(parseJsonBounded('"s"')).toEqual({ ok: true, value: 's' });
    // Duplicate keys: JSON.parse semantics (last wins).
    expect(parseJsonBounded('{"a":1,"a":2}')).toEqual({ ok: true, value: { a: 2 } });
  });

  it('refuses empty text', () => {
    expect(parseJsonBounded('')).toEqual({ ok: false, reason: 'empty body' });
    expect(parseJsonBounded(' \r\n\t')).toEqual({ ok: false, reason: 'empty body' });
  });

  it('accepts exactly maxDepth levels and refuses one more', () => {
    const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(parseJsonBounded(nest(64)).ok).toBe(true);
    expect(parseJsonBounded(nest(65))).toEqual({
      ok: false,
      reason: 'JSON nested deeper than 64 levels',
    });
    expect(parseJsonBounded(nest(3), 2)).toEqual({
      ok: false,
      reason: 'JSON nested deeper than 2 levels',
    });
    expect(parseJsonBounded('{"a":{"b":[{}]}}', 4).ok).toBe(true);
    expect(parseJsonBounded('{"a":{"b":[{"c":[]}]}}', 4).ok).toBe(false);
  });

  it('refuses JSON nested 100,000 deep quickly, without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObjects = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const t0 = performance.now();
    expect(parseJsonBounded(deep)).toEqual({
      ok: false,
      reason: 'JSON nested deeper than 64 levels',
    });
    expect(parseJsonBounded(deepObjects).ok).toBe(false);
    // Unterminated: the scan stops at the limit without needing the closers.
    expect(parseJsonBounded('['.repeat(1_000_000)).ok).toBe(false);
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const inString = JSON.stringify({ s: '['.repeat(1000) + '\\"[[[' + '{'.repeat(1000) });
    expect(parseJsonBounded(inString).ok).toBe(true);
    expect(parseJsonBounded('["\\\\", [[1]]]', 3)).toEqual({ ok: true, value: ['\\', [[1]]] });
    expect(parseJsonBounded('["\\"[[[[[[", 1]', 1)).toEqual({ ok: true, value: ['"[[[[[[', 1] });
  });

  it('reports syntax errors without echoing the body', () => {
    const r = parseJsonBounded('secret-value-123 is not json');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/^not valid JSON: /);
      expect(r.reason).not.toContain('secret-value-123');
      expect(r.reason).not.toMatch(/\n/);
    }
    const truncated = parseJsonBounded('{"a":');
    expect(truncated.ok).toBe(false);
    expect(parseJsonBounded('{"a":1}x').ok).toBe(false);
    expect(parseJsonBounded(']]]]').ok).toBe(false);
  });
});
