/**
 * The comparison on real runs (issue 13, part 3): the embedded reference server conformant, with
 * a seeded fault, and under the rfc8628 profile, each run once and written with the ordinary
 * reporters, then compared as a user would.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../harness/reporters/write.ts';
import { compareRuns } from '../../harness/reporters/compare/compare.ts';
import type { Comparison, CompareRow } from '../../harness/reporters/compare/matrix.ts';
import { FAULTS } from '../../reference/faults.ts';
import { runEmbedded } from '../self/run-embedded.ts';

/** A fault whose breaks are all MUSTs, so the default (non-strict) run fails exactly them. */
const FAULT = 'no-error-type-header';
const dir = mkdtempSync(path.join(tmpdir(), 'ssoc-compare-real-'));
const runDirs = {
  conformant: path.join(dir, 'runs', 'conformant'),
  faulty: path.join(dir, 'runs', 'faulty'),
  oauth: path.join(dir, 'runs', 'oauth'),
};
const out = path.join(dir, 'comparison');
let three: Comparison;
let files: string[];
let rows: CompareRow[];

beforeAll(async () => {
  const runs = {
    conformant: await runEmbedded(),
    faulty: await runEmbedded({ faults: [FAULT] }),
    oauth: await runEmbedded({ profile: 'rfc8628' }),
  };
  for (const [key, run] of Object.entries(runs))
    await writeReports(run, runDirs[key as keyof typeof runDirs]);
  mkdirSync(out);
  ({ comparison: three, paths: files } = await compareRuns(
    Object.values(runDirs).map((d) => path.join(d, 'results.json')),
    out,
  ));
  rows = three.groups.flatMap((g) => g.rows);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The IDs whose cells in columns `a` and `b` differ. */
function differing(a: number, b: number): string[] {
  return rows.filter((r) => r.cells[a]!.verdict !== r.cells[b]!.verdict).map((r) => r.id);
}

describe('compare on real runs: conformant, faulty, rfc8628', () => {
  it('the fault’s requirements are exactly where the conformant and faulty columns differ', async () => {
    expect(three.targets.map((t) => t.name)).toEqual([
      'embedded aws',
      `embedded aws+${FAULT}`,
      'embedded rfc8628',
    ]);
    const breaks = [...FAULTS[FAULT].breaks].sort();
    expect(differing(0, 1).sort()).toEqual(breaks);
    for (const id of breaks) {
      const row = rows.find((r) => r.id === id)!;
      expect(row.cells.map((c) => c.verdict)).toEqual(['passed', 'failed', 'n/a']);
    }
    // Compared alone, the two are the differences section, to the ID.
    const pairOut = path.join(dir, 'pair');
    mkdirSync(pairOut);
    const pair = await compareRuns([runDirs.conformant, runDirs.faulty], pairOut);
    expect([...pair.comparison.differences].sort()).toEqual(breaks);
    // Same tool, schema, strictness and seed (recorded by each run): nothing to warn about.
    expect(three.targets.map((t) => t.seed)).toEqual([8628, 8628, 8628]);
    expect(pair.comparison.warnings).toEqual([]);
  });

  it('AWS-only requirements are n/a in the rfc8628 column; the rfc8628-only ones in the aws columns', () => {
    // Every AWS-* requirement the rfc8628 run cites is n/a there (one only a check of the AWS
    // path reaches, AWS-PKCE, is not cited by it at all).
    const aws = rows.filter((r) => r.id.startsWith('AWS-'));
    const inOauth = aws.map((r) => r.cells[2]!.verdict).filter((v) => v !== 'not-cited');
    expect(inOauth.length).toBeGreaterThanOrEqual(30);
    expect(new Set(inOauth)).toEqual(new Set(['n/a']));
    // The authorization server metadata (RFC 8414) is the rfc8628 profile's alone.
    const metadata = three.groups.find((g) => g.title.startsWith('6.9 '))!.rows;
    expect(metadata.length).toBeGreaterThan(0);
    for (const r of metadata)
      expect(
        r.cells.map((c) => c.verdict),
        r.id,
      ).toEqual(['n/a', 'n/a', 'passed']);
    // n/a is no difference: no AWS-* row of the conformant run is listed as differing.
    expect(three.differences.filter((id) => id.startsWith('AWS-')).sort()).toEqual(
      [...FAULTS[FAULT].breaks].filter((id) => id.startsWith('AWS-')).sort(),
    );
  });

  it('every cell links to its own run’s report.html at the requirement', () => {
    for (const row of rows) {
      row.cells.forEach((cell, i) => {
        const [file, anchor] = cell.href.split('#');
        expect(path.resolve(out, decodeURIComponent(file!))).toBe(
          path.join(Object.values(runDirs)[i]!, 'report.html'),
        );
        expect(anchor).toBe(`req-${row.id}`);
      });
    }
    for (const [i, t] of three.targets.entries()) {
      expect(t.results).toBe(`../runs/${Object.keys(runDirs)[i]}/results.json`);
      expect(existsSync(path.resolve(out, t.results))).toBe(true);
    }
  });

  it('the three files agree: compare.json is the matrix, compare.md and compare.html show it', () => {
    const [json, md, html] = files.map((f) => readFileSync(f, 'utf8'));
    expect(JSON.parse(json!)).toEqual(JSON.parse(JSON.stringify(three)));
    // A pull-request comment: under GitHub's limit, differences first, the matrix folded.
    expect(md!.length).toBeLessThanOrEqual(65_536);
    expect(md).not.toContain('cut');
    expect(md!.indexOf('### Where the targets differ')).toBeLessThan(md!.indexOf('<details>'));
    // Every cell of the HTML matrix carries its target, requirement and verdict.
    const matrix = html!.slice(html!.indexOf('<table id="matrix">'));
    const cells = [
      ...matrix.matchAll(
        /<td data-target="([^"]*)" data-requirement="([^"]*)" data-verdict="([^"]*)">/g,
      ),
    ];
    expect(cells).toHaveLength(rows.length * 3);
    for (const r of rows)
      r.cells.forEach((c, i) =>
        expect(matrix).toContain(
          `<td data-target="${three.targets[i]!.name}" data-requirement="${r.id}" data-verdict="${c.verdict}">`,
        ),
      );
  });

  it('4 targets of full real runs fit a comment whole', async () => {
    const fourOut = path.join(dir, 'four');
    mkdirSync(fourOut);
    const four = await compareRuns(
      [runDirs.conformant, runDirs.faulty, runDirs.oauth, runDirs.conformant],
      fourOut,
    );
    const md = readFileSync(four.paths[1]!, 'utf8');
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md).not.toContain('cut');
    expect(four.comparison.targets[3]!.name).toBe('embedded aws (2)');
  });
});
