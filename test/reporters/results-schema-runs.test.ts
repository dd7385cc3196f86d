/**
 * Real reports against schemas/results.schema.json: results.json as `run` writes it for the
 * embedded reference server, conformant under both profiles, with every exchange kept, and
 * with seeded faults and the shipped known-deviations list (failed checks with spec links and
 * curl lines, known deviations, a stale entry, an unverified finding). Each must be valid and
 * its keys in the schema's order; the schema is closed, so a field the tool writes without
 * the schema saying so fails here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ConfigInput } from '../../harness/engine/config.ts';
import { writeReports } from '../../harness/reporters/write.ts';
import { runEmbedded } from '../self/run-embedded.ts';
import { keyOrderProblems, schemaProblems } from './results-schema.ts';
import { EVERY_VERDICT_RUN } from './fixture.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ssoc-results-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the suite, writes its reports, and returns results.json as read back, with its size. */
async function report(name: string, flags: ConfigInput): Promise<{ doc: any; bytes: number }> {
  const run = await runEmbedded(flags);
  const files = await writeReports(run, path.join(dir, name));
  const text = readFileSync(
    files.find((f) => f.endsWith('results.json'))!,
    'utf8',
  );
  return { doc: JSON.parse(text), bytes: Buffer.byteLength(text) };
}

function expectValid(doc: unknown): void {
  expect(schemaProblems(doc)).toEqual([]);
  expect(keyOrderProblems(doc)).toEqual([]);
}

/** A full run takes a few seconds of CPU; on a loaded machine, much longer. */
const RUN_TIMEOUT = 300_000;

const withExchanges = (doc: any) => doc.tests.filter((t: any) => t.exchanges.length > 0);

describe('results.json of real runs against schemas/results.schema.json', () => {
  const sizes: Record<string, number> = {};

  it(
    'aws, conformant, default --exchanges failed: valid; only non-passing tests keep exchanges',
    async () => {
      const { doc, bytes } = await report('aws-failed', {});
      sizes.failed = bytes;
      expectValid(doc);
      expect(doc.exchanges).toBe('failed');
      expect(doc.summary.failed).toBe(0);
      for (const t of withExchanges(doc)) expect(['passed', 'skipped']).not.toContain(t.verdict);
      // The info tests keep theirs: an observation a reader checks against the wire.
      const info = doc.tests.filter((t: any) => t.verdict === 'info');
      expect(info.length).toBeGreaterThan(0);
      expect(withExchanges(doc)).toEqual(info.filter((t: any) => t.exchanges.length > 0));
      expect(withExchanges(doc).length).toBeGreaterThan(0);
    },
    RUN_TIMEOUT,
  );

  it(
    'aws, conformant, --exchanges all: valid; passed tests keep theirs, same verdicts',
    async () => {
      const { doc, bytes } = await report('aws-all', { exchanges: 'all' });
      sizes.all = bytes;
      expectValid(doc);
      expect(doc.exchanges).toBe('all');
      const passed = doc.tests.filter((t: any) => t.verdict === 'passed');
      expect(passed.filter((t: any) => t.exchanges.length > 0).length).toBeGreaterThan(100);
      // The passes' evidence was most of the file (1025 KB against 466 KB when measured).
      if (sizes.failed) expect(sizes.failed).toBeLessThan(sizes.all * 0.6);
    },
    RUN_TIMEOUT,
  );

  it(
    'rfc8628, conformant: valid; tests tagged aws carry their profiles',
    async () => {
      const { doc } = await report('rfc8628', { profile: 'rfc8628' });
      expectValid(doc);
      expect(doc.target.profile).toBe('rfc8628');
      expect(doc.tests.some((t: any) => t.profiles?.includes('aws'))).toBe(true);
    },
    RUN_TIMEOUT,
  );

  it(
    'seeded faults with --known-deviations aws: failed, known, warning and their evidence, valid',
    async () => {
      const { doc } = await report('faults-known', {
        ...EVERY_VERDICT_RUN,
        faults: [...EVERY_VERDICT_RUN.faults],
      });
      expectValid(doc);
      const verdicts = new Set(doc.tests.map((t: any) => t.verdict));
      for (const v of ['failed', 'known', 'warning']) expect(verdicts, v).toContain(v);
      const failedChecks = doc.tests.flatMap((t: any) => t.checks.filter((c: any) => !c.ok));
      expect(failedChecks.some((c: any) => c.spec && !c.known)).toBe(true);
      expect(failedChecks.some((c: any) => c.known?.evidence)).toBe(true);
      expect(doc.tests.some((t: any) => t.verdict === 'failed' && t.curl)).toBe(true);
      expect(doc.tests.some((t: any) => t.stale?.length > 0)).toBe(true);
      expect(doc.knownDeviations.confirmed.length).toBeGreaterThan(0);
      expect(doc.knownDeviations.stale.length).toBeGreaterThan(0);
      expect(doc.knownDeviations.unverified.length).toBeGreaterThan(0);
      // Each failed, known or warning test kept the exchanges its checks cite.
      for (const t of doc.tests.filter((x: any) => ['failed', 'known'].includes(x.verdict))) {
        const seqs = new Set(t.exchanges.map((e: any) => e.seq));
        for (const c of t.checks.filter((x: any) => !x.ok && x.exchangeSeq))
          expect(seqs.has(c.exchangeSeq), `${t.slug} #${c.exchangeSeq}`).toBe(true);
      }
    },
    RUN_TIMEOUT,
  );
});
