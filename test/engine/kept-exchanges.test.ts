/**
 * `--exchanges failed|all`: which tests keep their recorded exchanges in the reports. Under
 * `failed` (the default) a passed or skipped test keeps none; every other verdict keeps them
 * all, with their sequence numbers, so the `exchangeSeq` of a check still names the exchange
 * it looked at. Nothing else of a test changes, and the summary counts the same requests.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ConfigError,
  configFromEnv,
  resolveConfig,
  type ConfigInput,
} from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import { keepsExchanges, withKeptExchanges } from '../../harness/engine/kept-exchanges.ts';
import type { TestContext } from '../../harness/api/context.ts';
import type { Level, Verdict } from '../../harness/api/levels.ts';
import type { TestDefinition } from '../../harness/api/registry.ts';
import type { RunResult, TestResult } from '../../harness/engine/results.ts';
import { renderJunit } from '../../harness/reporters/junit.ts';
import { renderResultsJson } from '../../harness/reporters/results-json.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ssoc-kept-exchanges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake test that registers two clients, then checks `id` against the second exchange. */
function fake(
  id: string,
  level: Level,
  ok: boolean,
  end?: (t: TestContext) => void,
): TestDefinition {
  return {
    suite: { key: 'fake', title: 'Fake suite' },
    meta: { id, title: 'a fake test', level },
    name: `${id} a fake test`,
    slug: id,
    requirements: [id],
    run: async (t) => {
      await t.newClient();
      await t.newClient();
      t.check({
        requirement: id,
        description: `check of ${id}`,
        ok,
        expected: 'x',
        actual: ok ? 'x' : 'y',
        exchange: t.services.log.exchanges.at(-1),
      });
      end?.(t);
    },
  };
}

/** One test per verdict a real run gives (known: with the list below). */
const FAKES = [
  fake('DA-3.5-PENDING', 'MUST', true),
  fake('DA-3.5-DENIED', 'MUST', false),
  fake('DA-3.5-SLOWDOWN-INC', 'SHOULD', false),
  fake('DA-3.3-UC-PROMPT', 'INFO', true),
  fake('DA-3.2-NOSTORE', 'SHOULD', false),
  fake('DA-3.5-EXPIRED', 'MUST', true, (t) => t.skip('the code outlived the wait')),
  fake('DA-3.5-SUCCESS', 'MUST', true, () => {
    throw new Error('boom');
  }),
];

const list = path.join(dir, 'known.json');
writeFileSync(
  list,
  JSON.stringify({
    deviations: [{ requirement: 'DA-3.2-NOSTORE', reason: 'a gateway', evidence: 'E2' }],
  }),
);

function run(flags: ConfigInput): Promise<RunResult> {
  return runConformance(
    resolveConfig({ flags: { reports: '/dev/null', knownDeviations: list, ...flags } }),
    { tests: FAKES },
  );
}

/** The test's check of its own requirement (the others are the registrations'). */
const ownCheck = (t: TestResult) => t.checks.find((c) => c.requirement === t.id)!;

const byVerdict = (r: RunResult) =>
  Object.fromEntries(r.tests.map((t) => [t.verdict, t])) as Record<Verdict, TestResult>;

describe('--exchanges', () => {
  it('failed (the default): passed and skipped tests keep none, every other verdict all', async () => {
    const [failed, all] = await Promise.all([run({}), run({ exchanges: 'all' })]);
    expect(failed.exchanges).toBe('failed');
    expect(all.exchanges).toBe('all');
    const kept = byVerdict(failed);
    const every = byVerdict(all);
    expect(Object.keys(kept).sort()).toEqual(
      ['error', 'failed', 'info', 'known', 'passed', 'skipped', 'warning'].sort(),
    );
    for (const verdict of ['failed', 'warning', 'known', 'info', 'error'] as const) {
      expect(kept[verdict].exchanges.length, verdict).toBe(2);
      // Same sequence numbers as when everything is kept, and the check still names one.
      expect(kept[verdict].exchanges.map((e) => e.seq)).toEqual([1, 2]);
      expect(ownCheck(kept[verdict]).exchangeSeq, verdict).toBe(2);
    }
    for (const verdict of ['passed', 'skipped'] as const) {
      expect(kept[verdict].exchanges, verdict).toEqual([]);
      expect(every[verdict].exchanges.length, verdict).toBe(2);
      // Only the exchanges went: the checks (citing seq 2) and the request count stay.
      const { exchanges: _a, startedAt: _b, durationMs: _c, ...rest } = kept[verdict];
      const { exchanges: _d, startedAt: _e, durationMs: _f, ...restAll } = every[verdict];
      expect(rest).toEqual(restAll);
      expect(rest.requestCount).toBe(2);
      expect(ownCheck(kept[verdict]).exchangeSeq).toBe(2);
    }
    // The verdicts and totals do not depend on the evidence kept.
    const { requests: _r, ...summary } = failed.summary;
    expect(failed.summary.requests).toBe(all.summary.requests);
    expect(failed.summary.requests).toBe(2 * FAKES.length);
    expect(summary).toMatchObject({ passed: 1, failed: 1, warning: 1, known: 1, info: 1 });
    expect(failed.tests.map((t) => t.verdict)).toEqual(all.tests.map((t) => t.verdict));
  });

  it('results.json says which was chosen, and JUnit shows the exchanges results.json kept', async () => {
    const r = await run({});
    const doc = JSON.parse(renderResultsJson(r));
    expect(doc.exchanges).toBe('failed');
    const xml = renderJunit(r);
    const withExchanges = r.tests.filter((t) => t.exchanges.length > 0 && t.verdict !== 'passed');
    expect(xml.match(/Exchanges \(2, redacted\):/g)).toHaveLength(withExchanges.length);
    // The skipped test still shows what it checked before it stopped, without exchanges.
    expect(xml).toMatch(/<skipped message="the code outlived the wait"\/>\s*<system-out>/);
  });

  it('a pass the known-deviations list turns into a warning keeps its exchanges', async () => {
    // The list says DA-3.5-PENDING deviates, but its check passed: "no longer deviates".
    const stale = path.join(dir, 'stale.json');
    writeFileSync(
      stale,
      JSON.stringify({
        deviations: [{ requirement: 'DA-3.5-PENDING', reason: 'was broken', evidence: 'E1' }],
      }),
    );
    const r = await runConformance(
      resolveConfig({ flags: { reports: '/dev/null', knownDeviations: stale } }),
      { tests: [FAKES[0]!] },
    );
    expect(r.tests[0]!.verdict).toBe('warning');
    expect(r.tests[0]!.exchanges).toHaveLength(2);
  });

  it('is a setting like any other: flag, SSOC_EXCHANGES, config file; failed by default', () => {
    const settings = (layers: Parameters<typeof resolveConfig>[0]) =>
      resolveConfig({ ...layers, flags: { reports: '/dev/null', ...layers.flags } }).exchanges;
    expect(settings({})).toBe('failed');
    expect(settings({ env: configFromEnv({ SSOC_EXCHANGES: 'all' }) })).toBe('all');
    expect(settings({ file: { exchanges: 'all' } })).toBe('all');
    expect(settings({ env: { exchanges: 'all' }, flags: { exchanges: 'failed' } })).toBe('failed');
    expect(() => settings({ env: configFromEnv({ SSOC_EXCHANGES: 'passed' }) })).toThrow(
      ConfigError,
    );
    expect(() => settings({ env: configFromEnv({ SSOC_EXCHANGES: 'passed' }) })).toThrow(
      /SSOC_EXCHANGES/,
    );
  });

  it('keepsExchanges: every verdict but passed and skipped under failed; all under all', () => {
    const verdicts: Verdict[] = [
      'passed',
      'failed',
      'warning',
      'known',
      'info',
      'skipped',
      'error',
    ];
    expect(verdicts.filter((v) => keepsExchanges(v, 'failed'))).toEqual([
      'failed',
      'warning',
      'known',
      'info',
      'error',
    ]);
    expect(verdicts.every((v) => keepsExchanges(v, 'all'))).toBe(true);
  });

  it('withKeptExchanges keeps the request count of a test that had none recorded', () => {
    const base = { exchanges: [{ seq: 1 }, { seq: 2 }, { seq: 3 }] } as unknown as TestResult;
    const [passed] = withKeptExchanges([{ ...base, verdict: 'passed' }], 'failed');
    expect(passed!.exchanges).toEqual([]);
    expect(passed!.requestCount).toBe(3);
  });
});
