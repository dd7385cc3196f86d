/**
 * Known deviations (--known-deviations): loading and validation of a list, which checks it
 * covers, the verdict `known` and its place among the others, "no longer deviates" warnings,
 * requirement verdicts, and how every report shows them. Fake suites, as in runner-rules.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../harness/engine/config.ts';
import type { TestContext } from '../harness/api/context.ts';
import {
  deviationFor,
  knownDeviationsPath,
  loadKnownDeviations,
} from '../harness/engine/known-deviations.ts';
import type { Level } from '../harness/api/levels.ts';
import type { TestDefinition } from '../harness/api/registry.ts';
import { requirementVerdicts } from '../harness/engine/requirement-verdicts.ts';
import { runConformance } from '../harness/engine/runner.ts';
import type { RunResult } from '../harness/engine/results.ts';
import { renderJunit } from '../harness/reporters/junit.ts';
import { buildResultsJson } from '../harness/reporters/results-json.ts';
import { renderSummary } from '../harness/reporters/summary.ts';
import { validateKnownDeviations } from '../harness/aws/schemas.ts';
import {
  hasXmllint,
  JENKINS_XSD,
  removeTempFiles,
  tempFile,
  xmllint,
} from './reporters/xmllint.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sso-oidc-known-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeTempFiles();
});

/** Writes a list (an object, or raw text) to a fresh file and returns its path. */
let files = 0;
function listFile(content: unknown): string {
  const file = path.join(dir, `list-${++files}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const EVIDENCE = 'EVIDENCE.md E2: https://example.test/capture';

function entry(requirement: string, checks?: string[]) {
  return {
    requirement,
    ...(checks ? { checks } : {}),
    reason: `why ${requirement}`,
    evidence: EVIDENCE,
  };
}

function fake(id: string, level: Level, run: (t: TestContext) => Promise<void>): TestDefinition {
  return {
    suite: { key: 'fake', title: 'Fake suite' },
    meta: { id, title: 'a fake test', level },
    name: `${id} a fake test`,
    slug: id,
    requirements: [id],
    run,
  };
}

function check(t: TestContext, requirement: string, ok: boolean, description = 'the check'): void {
  t.check({ requirement, description, ok, expected: 'x', actual: ok ? 'x' : 'y' });
}

/** A run of `tests` with the list `deviations` (an array of entries). */
function runWith(
  tests: TestDefinition[],
  deviations: unknown[] | undefined,
  strict = false,
): Promise<RunResult> {
  const knownDeviations = deviations ? listFile({ deviations }) : undefined;
  return runConformance(
    resolveConfig({ flags: { reports: '/dev/null', strict, knownDeviations } }),
    {
      tests,
    },
  );
}

describe('loading a known-deviations list', () => {
  it('reads a valid list, keeping the name the user gave', () => {
    const file = listFile({ vendor: 'ACME', deviations: [entry('DA-3.2-NOSTORE')] });
    const list = loadKnownDeviations(file);
    expect(list).toEqual({ file, vendor: 'ACME', deviations: [entry('DA-3.2-NOSTORE')] });
  });

  it.each([
    ['not JSON', '{"deviations": [', /is not valid JSON/],
    ['no deviations member', { vendor: 'x' }, /\/deviations is required/],
    [
      'an entry without evidence',
      { deviations: [{ requirement: 'DA-3.2-NOSTORE', reason: 'r' }] },
      /evidence/,
    ],
    [
      'an unknown member',
      { deviations: [{ ...entry('DA-3.2-NOSTORE'), extra: 1 }] },
      /extra|not an allowed member/,
    ],
    ['empty checks', { deviations: [{ ...entry('DA-3.2-NOSTORE'), checks: [] }] }, /checks/],
    [
      'an ID absent from the catalogue',
      { deviations: [entry('DA-99-NOPE')] },
      /not a requirement of harness\/engine\/catalogue.json: DA-99-NOPE/,
    ],
    [
      'an ambiguity (cited in text only)',
      { deviations: [entry('AMB-9')] },
      /not a requirement of harness\/engine\/catalogue.json: AMB-9/,
    ],
  ])('refuses %s as a configuration error', (_label, content, message) => {
    const file = listFile(content);
    expect(() => loadKnownDeviations(file)).toThrow(ConfigError);
    expect(() => loadKnownDeviations(file)).toThrow(message);
  });

  it('refuses a missing file as a configuration error', () => {
    expect(() => loadKnownDeviations(path.join(dir, 'missing.json'))).toThrow(
      /cannot read the known-deviations file .*missing\.json: ENOENT/,
    );
  });

  it('a run with a broken list does not start: ConfigError', async () => {
    await expect(
      runWith(
        [fake('DA-3.2-NOSTORE', 'SHOULD', async (t) => check(t, 'DA-3.2-NOSTORE', true))],
        [entry('DA-99-NOPE')],
      ),
    ).rejects.toThrow(ConfigError);
  });
});

describe('the shipped AWS list', () => {
  const list = loadKnownDeviations('aws');
  const raw = JSON.parse(readFileSync(knownDeviationsPath('aws'), 'utf8'));

  it('is valid against the schema and names only catalogue IDs (loadKnownDeviations)', () => {
    expect(validateKnownDeviations(raw)).toEqual([]);
    expect(list.file).toBe('known-deviations/aws.json');
  });

  it('cites its evidence for every entry: an EVIDENCE.md E/X reference and a public URL', () => {
    for (const d of list.deviations) {
      expect(d.evidence, d.requirement).toMatch(/\b[EX]\d+\b/);
      expect(d.evidence, d.requirement).toMatch(/https:\/\/\S+/);
    }
  });

  it('lists exactly the recorded deviations, the expiry one only for StartDeviceAuthorization', () => {
    expect(list.deviations.map((d) => d.requirement)).toEqual([
      'DA-3.2-NOSTORE',
      'OA-5.1-NOSTORE',
      'DCR-3.2.1-EXPIRY-ENFORCED',
    ]);
    const expiry = list.deviations[2]!;
    // The descriptions of suites/registration-lifecycle.ts: only the first check is listed.
    const sda = 'StartDeviceAuthorization 32 s later, 30 s after clientSecretExpiresAt';
    expect(deviationFor({ requirement: expiry.requirement, description: sda }, list)).toBe(expiry);
    for (const other of [
      'refresh with a refresh token issued before expiry',
      'poll of a device code approved before expiry',
      'redemption of an authorization code issued before expiry',
    ])
      expect(
        deviationFor({ requirement: expiry.requirement, description: other }, list),
      ).toBeUndefined();
  });
});

describe('verdicts with a known-deviations list', () => {
  const failsNoStore = fake('DA-3.2-NOSTORE', 'MUST', async (t) =>
    check(t, 'DA-3.2-NOSTORE', false),
  );

  it('a listed MUST failure is known: counted apart, exit 0, reason and evidence kept', async () => {
    const run = await runWith([failsNoStore], [entry('DA-3.2-NOSTORE')]);
    const r = run.tests[0]!;
    expect(r.verdict).toBe('known');
    expect(r.failedRequirements).toEqual([]);
    expect(r.checks[0]!.known).toEqual({ reason: 'why DA-3.2-NOSTORE', evidence: EVIDENCE });
    expect(r.reason).toContain('known deviation: why DA-3.2-NOSTORE');
    expect(run.summary).toMatchObject({ failed: 0, known: 1, passed: 0 });
    expect(run.summary.requirements).toMatchObject({ failed: 0, known: 1 });
    expect(run.exitCode).toBe(0);
    expect(run.knownDeviations).toMatchObject({
      entries: 1,
      confirmed: ['DA-3.2-NOSTORE'],
      stale: [],
    });
  });

  it('without the list the same failure fails the run', async () => {
    const run = await runWith([failsNoStore], undefined);
    expect(run.tests[0]!.verdict).toBe('failed');
    expect(run.exitCode).toBe(1);
  });

  it('an unlisted MUST failure beside a listed one fails the test', async () => {
    const run = await runWith(
      [
        fake('DA-3.2-NOSTORE', 'MUST', async (t) => {
          check(t, 'DA-3.2-NOSTORE', false);
          check(t, 'OA-5.1-NOSTORE', false);
        }),
      ],
      [entry('DA-3.2-NOSTORE')],
    );
    expect(run.tests[0]!.verdict).toBe('failed');
    expect(run.tests[0]!.failedRequirements).toEqual(['OA-5.1-NOSTORE']);
    expect(run.exitCode).toBe(1);
  });

  it('a listed SHOULD failure is known, --strict or not; an unlisted one still warns', async () => {
    const should = fake('DA-3.5-SLOWDOWN-INC', 'SHOULD', async (t) =>
      check(t, 'DA-3.5-SLOWDOWN-INC', false),
    );
    for (const strict of [false, true]) {
      const run = await runWith([should], [entry('DA-3.5-SLOWDOWN-INC')], strict);
      expect(run.tests[0]!.verdict).toBe('known');
      expect(run.exitCode).toBe(0);
    }
    const both = fake('DA-3.2-NOSTORE', 'MUST', async (t) => {
      check(t, 'DA-3.2-NOSTORE', false);
      t.check({
        requirement: 'DA-3.5-SLOWDOWN-INC',
        level: 'SHOULD',
        description: 'd',
        ok: false,
        expected: 'x',
        actual: 'y',
      });
    });
    expect((await runWith([both], [entry('DA-3.2-NOSTORE')])).tests[0]!.verdict).toBe('warning');
  });

  it('a known failure is not hidden by a later skip; an error ending still wins', async () => {
    const skipped = fake('DA-3.2-NOSTORE', 'MUST', async (t) => {
      check(t, 'DA-3.2-NOSTORE', false);
      t.skip('cannot go on');
    });
    expect((await runWith([skipped], [entry('DA-3.2-NOSTORE')])).tests[0]!.verdict).toBe('known');
    const errored = fake('DA-3.2-NOSTORE', 'MUST', async (t) => {
      check(t, 'DA-3.2-NOSTORE', false);
      throw new Error('boom');
    });
    expect((await runWith([errored], [entry('DA-3.2-NOSTORE')])).tests[0]!.verdict).toBe('error');
  });

  it('checks restricts an entry to the checks whose description contains one of its texts', async () => {
    const two = fake('DCR-3.2.1-EXPIRY-ENFORCED', 'MUST', async (t) => {
      check(t, 'DCR-3.2.1-EXPIRY-ENFORCED', false, 'StartDeviceAuthorization 32 s later');
      check(t, 'DCR-3.2.1-EXPIRY-ENFORCED', false, 'poll of a device code approved before expiry');
    });
    const run = await runWith(
      [two],
      [entry('DCR-3.2.1-EXPIRY-ENFORCED', ['StartDeviceAuthorization'])],
    );
    const r = run.tests[0]!;
    expect(r.verdict).toBe('failed');
    expect(r.checks.map((c) => c.known !== undefined)).toEqual([true, false]);
    expect(requirementVerdicts(run.tests, false).get('DCR-3.2.1-EXPIRY-ENFORCED')!.verdict).toBe(
      'failed',
    );
  });

  it('a listed entry whose checks all pass warns "no longer deviates" (not failed under --strict)', async () => {
    const passes = fake('DA-3.2-NOSTORE', 'SHOULD', async (t) => check(t, 'DA-3.2-NOSTORE', true));
    for (const strict of [false, true]) {
      const run = await runWith(
        [passes],
        [entry('DA-3.2-NOSTORE'), entry('OA-5.1-NOSTORE')],
        strict,
      );
      const r = run.tests[0]!;
      const file = run.knownDeviations!.file;
      expect(r.verdict).toBe('warning');
      expect(r.reason).toBe(`no longer deviates: remove DA-3.2-NOSTORE from ${file}`);
      expect(r.notes).toContain(r.reason);
      expect(r.stale).toEqual(['DA-3.2-NOSTORE']);
      expect(run.knownDeviations).toMatchObject({
        entries: 2,
        confirmed: [],
        stale: [{ requirement: 'DA-3.2-NOSTORE', tests: [r.name] }],
        notReached: ['OA-5.1-NOSTORE'],
      });
      expect(run.exitCode).toBe(0);
      const text = renderSummary(run, { color: false });
      expect(text).toContain(`Warning: no longer deviates: remove DA-3.2-NOSTORE from ${file}`);
      expect(text).toContain('Not reached (no check of theirs ran): OA-5.1-NOSTORE');
      expect(text).not.toMatch(/✘/);
    }
  });

  it('an unverified requirement that fails still fails, flagged as a finding to confirm', async () => {
    const file = listFile({
      vendor: 'ACME',
      deviations: [],
      unverified: [
        { requirement: 'BCP-4.14.2-ROTATE', note: 'rotation not recorded' },
        { requirement: 'DA-3.2-NOSTORE', note: 'headers not recorded' },
      ],
    });
    const run = await runConformance(
      resolveConfig({ flags: { reports: '/dev/null', knownDeviations: file } }),
      {
        tests: [
          fake('BCP-4.14.2-ROTATE', 'MUST', async (t) => check(t, 'BCP-4.14.2-ROTATE', false)),
          fake('DA-3.2-NOSTORE', 'SHOULD', async (t) => check(t, 'DA-3.2-NOSTORE', true)),
        ],
      },
    );
    expect(run.tests.map((t) => t.verdict)).toEqual(['failed', 'passed']);
    expect(run.exitCode).toBe(1);
    expect(run.knownDeviations!.unverified).toEqual([
      {
        requirement: 'BCP-4.14.2-ROTATE',
        note: 'rotation not recorded',
        tests: [run.tests[0]!.name],
      },
    ]);
    expect(run.tests[0]!.notes.join('\n')).toContain(
      'BCP-4.14.2-ROTATE: the behaviour of ACME here is not recorded, so this failure is a finding to confirm (rotation not recorded)',
    );
    expect(renderSummary(run, { color: false })).toContain(
      "Failed where the vendor's behaviour is not recorded (findings to confirm, not known deviations): BCP-4.14.2-ROTATE",
    );
    const unknownId = listFile({
      deviations: [],
      unverified: [{ requirement: 'DA-99-NOPE', note: 'x' }],
    });
    expect(() => loadKnownDeviations(unknownId)).toThrow(/DA-99-NOPE/);
  });

  it('an entry that passes in one test and fails in another still deviates', async () => {
    const run = await runWith(
      [fake('DA-3.2-NOSTORE', 'MUST', async (t) => check(t, 'DA-3.2-NOSTORE', true)), failsNoStore],
      [entry('DA-3.2-NOSTORE')],
    );
    expect(run.tests.map((t) => t.verdict)).toEqual(['passed', 'known']);
    expect(run.knownDeviations!.stale).toEqual([]);
    expect(requirementVerdicts(run.tests, false).get('DA-3.2-NOSTORE')!.verdict).toBe('known');
  });
});

describe('reports of a known deviation', async () => {
  const run = await runWith(
    [
      fake('DA-3.2-NOSTORE', 'MUST', async (t) => check(t, 'DA-3.2-NOSTORE', false)),
      fake('OA-5.1-NOSTORE', 'MUST', async (t) => check(t, 'OA-5.1-NOSTORE', true)),
    ],
    [entry('DA-3.2-NOSTORE')],
  );

  it('console: its own symbol, a Known deviations section, the count and the list line', () => {
    const text = renderSummary(run, { color: false });
    expect(text).toMatch(/≈ DA-3.2-NOSTORE/);
    expect(text).toContain('Known deviations\n  ≈ DA-3.2-NOSTORE a fake test [MUST]');
    expect(text).toContain(`known deviation: DA-3.2-NOSTORE — why DA-3.2-NOSTORE (${EVIDENCE})`);
    expect(text).toContain('1 passed, 0 failed, 0 warnings, 1 known,');
    expect(text).toContain('2 requirements judged (0 failed, 1 known)');
    expect(text).toMatch(
      /Known deviations .*list-\d+\.json: 1 entries, 1 seen, 0 no longer deviate, 0 not reached/,
    );
  });

  it('results.json: verdict, known on the check, summary count and knownDeviations', () => {
    const json = buildResultsJson(run);
    expect(json.tests[0]!.verdict).toBe('known');
    expect(json.tests[0]!.checks[0]!.known?.evidence).toBe(EVIDENCE);
    expect(json.summary.known).toBe(1);
    expect(json.requirements['DA-3.2-NOSTORE']!.verdict).toBe('known');
    expect(json.knownDeviations).toMatchObject({ entries: 1, confirmed: ['DA-3.2-NOSTORE'] });
  });

  it('JUnit: a <skipped> with the reason and evidence (CI stays green), valid against the xUnit schema', () => {
    const xml = renderJunit(run);
    expect(xml).toContain(
      `<skipped message="known deviation: DA-3.2-NOSTORE — why DA-3.2-NOSTORE (${EVIDENCE})"/>`,
    );
    expect(xml).toMatch(/<testsuites [^>]*failures="0" errors="0"/);
    expect(xml).toContain('VERDICT: KNOWN DEVIATION');
    if (!hasXmllint) return;
    const file = tempFile('junit.xml', xml);
    const valid = xmllint(['--noout', '--nonet', '--schema', JENKINS_XSD, file]);
    expect(valid.stderr).toContain('validates');
    expect(valid.status).toBe(0);
  });
});
