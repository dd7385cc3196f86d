import { describe, expect, it } from 'vitest';
import { renderResultsJson } from '../../harness/reporters/results-json.ts';
import type { RunResult } from '../../harness/engine/results.ts';
import { specLink } from '../../harness/engine/catalogue.ts';
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
    expect(json.startsWith('{\n  "schemaVersion": 6,\n  "tool": {')).toBe(true);
    expect(json.endsWith('\n}\n')).toBe(true);
    const keys = Object.keys(doc);
    expect(keys[0]).toBe('schemaVersion');
    expect(keys[keys.length - 1]).toBe('requirements');
  });

  it('round-trips: the RunResult comes back unchanged (but for spec links), hostile strings included', () => {
    const { schemaVersion, requirements, exchanges, ...rest } = structuredClone(doc);
    expect(schemaVersion).toBe(6);
    // A hand-built RunResult says nothing of --exchanges: it kept every exchange.
    expect(exchanges).toBe('all');
    expect(requirements).toBeTypeOf('object');
    for (const t of rest.tests) for (const c of t.checks) delete c.spec;
    expect(rest).toEqual(JSON.parse(JSON.stringify(run)));
    // Lone surrogates survive as \u escapes (JSON.stringify is well-formed since ES2019).
    expect(json).toContain('lone:\\ud800');
    expect(json).not.toContain(SECRET);
  });

  it('links where each requirement is written, and the requirement of each failed check', () => {
    const section35 = 'https://www.rfc-editor.org/rfc/rfc8628#section-3.5';
    expect(doc.requirements['DA-3.5-PENDING'].spec).toBe(section35);
    for (const [id, entry] of Object.entries(doc.requirements))
      expect((entry as { spec: string }).spec, id).toBe(specLink(id));
    const pending = doc.tests.find((t: { id: string }) => t.id === 'DA-3.5-PENDING');
    const failed = pending.checks.filter((c: { ok: boolean }) => !c.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed) expect(c.spec).toBe(specLink(c.requirement));
    // A check that held carries no link (the reader of a failure needs it, not of a pass).
    const held = doc.tests.flatMap((t: { checks: { ok: boolean }[] }) =>
      t.checks.filter((c) => c.ok),
    );
    expect(held.length).toBeGreaterThan(0);
    for (const c of held) expect(c).not.toHaveProperty('spec');
    // After `known` in the check's key order.
    expect(Object.keys(failed[0]).at(-1)).toBe('spec');
  });

  it('says which exchanges the run kept (--exchanges), after strict', () => {
    const out = JSON.parse(renderResultsJson({ ...run, exchanges: 'failed' }));
    expect(out.exchanges).toBe('failed');
    const keys = Object.keys(out);
    expect(keys[keys.indexOf('strict') + 1]).toBe('exchanges');
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
      tests: ['DA-3.5-PENDING'], // slugs: a test's identity, not its reworded title
      verdict: 'failed',
      checks: { passed: 0, notPassed: 2 },
    });
    expect(doc.requirements['DA-3.5-SLOW-DOWN'].verdict).toBe('warning');
    // Cited, but no check of it counted: its test skipped, or failed on another ID.
    expect(doc.requirements['DA-3.10-NO-REUSE'].verdict).toBe('not-judged');
    expect(doc.requirements['DA-3.4-DENIED'].verdict).toBe('not-judged');
    expect(doc.requirements['DA-3.4-EXPIRED'].verdict).toBe('error');
    expect(doc.requirements['DA-3.2-INTERVAL'].verdict).toBe('info');
    expect(doc.summary.requirements).toEqual({ judged: 5, failed: 2, known: 0, notJudged: 3 });
  });

  it("a requirement's verdict comes from the checks citing it, not from whole tests", () => {
    const base = fixtureRun().tests[0];
    const check = (requirement: string, ok: boolean, extra: object = {}) => ({
      requirement,
      level: 'MUST' as const,
      ok,
      description: `check of ${requirement}`,
      expected: ['x'],
      actual: ok ? 'x' : 'y',
      ...extra,
    });
    const test = (name: string, verdict: RunResult['tests'][number]['verdict'], o: object) => ({
      ...base,
      name,
      id: name.split(' ')[0]!,
      slug: name.split(' ')[0]!,
      verdict,
      failedRequirements: [],
      ...o,
    });
    const tests = [
      // One test cites ten IDs and fails one check: only that ID is red.
      test('R-1 cites many', 'failed', {
        requirements: ['R-1', 'R-2', 'R-3', 'CL-1-INTERVAL'],
        checks: [
          check('R-1', true),
          check('R-2', false),
          check('AWS-REG-200', true, { fixture: true }),
        ],
        failedRequirements: ['R-2'],
      }),
      // A SHOULD check that failed warns its ID only.
      test('R-4 should', 'warning', {
        requirements: ['R-4'],
        checks: [check('R-4', false, { level: 'SHOULD' }), check('R-5', true)],
      }),
      // A skipped test: its passes prove nothing, its failures stay.
      test('R-6 skipped', 'skipped', {
        requirements: ['R-6', 'R-7'],
        checks: [check('R-6', true), check('R-7', false, { level: 'SHOULD' })],
      }),
    ];
    const out = JSON.parse(renderResultsJson(fixtureRun({ tests })));
    const verdicts = Object.fromEntries(
      Object.entries(out.requirements).map(([id, e]) => [id, (e as { verdict: string }).verdict]),
    );
    expect(verdicts).toEqual({
      'AWS-REG-200': 'passed', // a fixture's passing check judges its own requirement
      'R-1': 'passed',
      'R-2': 'failed',
      'R-3': 'not-judged',
      'R-4': 'warning',
      'R-5': 'passed',
      'R-6': 'not-judged',
      'R-7': 'warning',
    });
    // A fixture's passing check does not make the test one of the requirement's tests.
    expect(out.requirements['AWS-REG-200'].tests).toEqual([]);
    // Client rules (CL-*) are the harness's, not the server's: no verdict.
    expect(out.requirements['CL-1-INTERVAL']).toBeUndefined();
  });

  it('under --strict a leftover warning counts as failed in the index', () => {
    const out = JSON.parse(renderResultsJson(strictRun()));
    expect(out.requirements['DA-3.5-SLOW-DOWN-INTERVAL'].verdict).toBe('failed');
    // The test itself is kept as the harness wrote it.
    const t = out.tests.find((x: { id: string }) => x.id === 'DA-3.5-SLOW-DOWN-INTERVAL');
    expect(t.verdict).toBe('warning');
  });
});
