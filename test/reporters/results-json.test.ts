import { describe, expect, it } from 'vitest';
import { renderResultsJson } from '../../harness/reporters/results-json.ts';
import type { RunResult } from '../../harness/results.ts';
import { fixtureRun, SECRET, strictRun } from './fixture.ts';

/** The same value with every object's keys in reverse order (header maps left alone). */
function reversedKeys(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => reversedKeys(v));
  if (typeof value !== 'object' || value === null || key === 'headers') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).reverse()) {
    out[k] = reversedKeys((value as Record<string, unknown>)[k], k);
  }
  return out;
}

describe('renderResultsJson', () => {
  const run = fixtureRun();
  const json = renderResultsJson(run);
  const doc = JSON.parse(json);

  it('is pretty JSON ending in a newline, schemaVersion first, requirements last', () => {
    expect(json.startsWith('{\n  "schemaVersion": 1,\n  "tool": {')).toBe(true);
    expect(json.endsWith('\n}\n')).toBe(true);
    const keys = Object.keys(doc);
    expect(keys[0]).toBe('schemaVersion');
    expect(keys[keys.length - 1]).toBe('requirements');
  });

  it('round-trips: the RunResult comes back unchanged, hostile strings included', () => {
    const { schemaVersion, requirements, ...rest } = doc;
    expect(schemaVersion).toBe(1);
    expect(requirements).toBeTypeOf('object');
    expect(rest).toEqual(JSON.parse(JSON.stringify(run)));
    // Lone surrogates survive as \u escapes (JSON.stringify is well-formed since ES2019).
    expect(json).toContain('lone:\\ud800');
    expect(json).not.toContain(SECRET);
  });

  it('keeps unknown fields (a newer harness) and orders them stably', () => {
    const extra = { ...run, zeta: { b: 1, a: 2 }, alpha: true } as RunResult;
    const out = JSON.parse(renderResultsJson(extra));
    expect(out.zeta).toEqual({ a: 2, b: 1 });
    expect(Object.keys(out.zeta)).toEqual(['a', 'b']);
    expect(out.alpha).toBe(true);
  });

  it('key order does not depend on the order the harness built objects in', () => {
    expect(renderResultsJson(reversedKeys(run) as RunResult)).toBe(json);
    expect(renderResultsJson(reversedKeys(strictRun()) as RunResult)).toBe(
      renderResultsJson(strictRun()),
    );
  });

  it('indexes every cited requirement, naturally sorted, with its tests and worst verdict', () => {
    expect(Object.keys(doc.requirements)).toEqual([
      'DA-3.1-POST-FORM',
      'DA-3.2-INTERVAL',
      'DA-3.4-DENIED',
      'DA-3.4-EXPIRED',
      'DA-3.5-ERROR-JSON',
      'DA-3.5-PENDING',
      'DA-3.5-SLOW-DOWN',
      'DA-3.10-NO-REUSE',
    ]);
    expect(doc.requirements['DA-3.5-ERROR-JSON']).toEqual({
      tests: ['DA-3.5-PENDING until the user acts, polls get authorization_pending'],
      verdict: 'failed',
    });
    expect(doc.requirements['DA-3.5-SLOW-DOWN'].verdict).toBe('warning');
    expect(doc.requirements['DA-3.10-NO-REUSE'].verdict).toBe('skipped');
    expect(doc.requirements['DA-3.4-EXPIRED'].verdict).toBe('error');
    expect(doc.requirements['DA-3.2-INTERVAL'].verdict).toBe('info');
  });

  it('worst verdict: failed > error > warning > skipped > info > passed', () => {
    const base = fixtureRun().tests[0];
    const mk = (verdict: RunResult['tests'][number]['verdict'], i: number) => ({
      ...base,
      name: `R-1 test ${i}`,
      id: 'R-1',
      requirements: ['R-1'],
      checks: [],
      verdict,
    });
    const order = ['passed', 'info', 'skipped', 'warning', 'error', 'failed'] as const;
    for (let n = 1; n <= order.length; n++) {
      const tests = order.slice(0, n).map(mk);
      const out = JSON.parse(renderResultsJson(fixtureRun({ tests })));
      expect(out.requirements['R-1'].verdict).toBe(order[n - 1]);
      expect(out.requirements['R-1'].tests).toHaveLength(n);
    }
  });

  it('under --strict a leftover warning counts as failed in the index', () => {
    const out = JSON.parse(renderResultsJson(strictRun()));
    expect(out.requirements['DA-3.5-SLOW-DOWN-INTERVAL'].verdict).toBe('failed');
    // The test itself is kept as the harness wrote it.
    const t = out.tests.find((x: { id: string }) => x.id === 'DA-3.5-SLOW-DOWN-INTERVAL');
    expect(t.verdict).toBe('warning');
  });
});
