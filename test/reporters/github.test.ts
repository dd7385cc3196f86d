import { describe, expect, it } from 'vitest';
import { summarize, type TestResult } from '../../harness/engine/results.ts';
import {
  MAX_ANNOTATIONS,
  errorCommand,
  escapeData,
  escapeProperty,
  renderAnnotations,
} from '../../harness/reporters/github/annotations.ts';
import { failedRequirements } from '../../harness/reporters/github/failures.ts';
import { renderStepSummary } from '../../harness/reporters/github/step-summary.ts';
import { inGitHubActions, reportToGitHub } from '../../harness/reporters/github/actions.ts';
import { HOSTILE, SECRET, fixtureRun, fixtureTests, strictRun } from './fixture.ts';
import { parseCommand } from './workflow-command.ts';

/** `n` tests, each failing its own MUST requirement with `actual` as what it got. */
function manyFailures(n: number, actual = 'got 500'): TestResult[] {
  const base = fixtureTests().find((t) => t.id === 'DA-3.4-DENIED')!;
  return Array.from({ length: n }, (_, i) => ({
    ...base,
    id: `X-${i}`,
    slug: `X-${i}`,
    name: `X-${i} fails`,
    requirements: [`X-${i}`],
    failedRequirements: [`X-${i}`],
    checks: [
      {
        requirement: `X-${i}`,
        level: 'MUST' as const,
        ok: false,
        description: 'status',
        expected: ['400'],
        actual,
      },
    ],
  }));
}

describe('GitHub workflow commands: escaping', () => {
  it('escapes %, CR and LF in a message, and : and , too in a property (as actions/toolkit)', () => {
    expect(escapeData('100% a\r\nb: c, d')).toBe('100%25 a%0D%0Ab: c, d');
    expect(escapeProperty('100% a\r\nb: c, d')).toBe('100%25 a%0D%0Ab%3A c%2C d');
    // % first: an escape already in the text is not taken for one.
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('a command is one line that parses back to its title and message', () => {
    const title = 'DA-1: a, b\nc %';
    const message = `line 1\nline 2 ${HOSTILE} ::error::injected`;
    const line = errorCommand(title, message);
    expect(line).not.toMatch(/[\r\n]/);
    const parsed = parseCommand(line);
    expect(parsed).toEqual({ name: 'error', props: { title }, message });
  });
});

describe('GitHub annotations', () => {
  it('one ::error per failed requirement (level and failing check), after the problems of a run that could not run', () => {
    const run = fixtureRun();
    const failed = failedRequirements(run);
    expect(failed.map((r) => [r.id, r.level])).toEqual([
      ['DA-3.5-ERROR-JSON', 'MUST'],
      ['DA-3.5-PENDING', 'MUST'],
    ]);
    const lines = renderAnnotations(run, failed);
    const parsed = lines.map(parseCommand);
    expect(parsed.map((p) => p.name)).toEqual(['error', 'error', 'error']);
    expect(parsed[0]!.props.title).toBe('sso-oidc-conformance could not run');
    expect(parsed[0]!.message).toBe(run.problems[0]);
    expect(parsed[1]!.props.title).toMatch(/^DA-3\.5-ERROR-JSON \(MUST\)/);
    expect(parsed[1]!.message).toBe(
      'DA-3.5-PENDING until the user acts, polls get authorization_pending: expected application/json, got text/html',
    );
    // The target's text (a CR in it) stays inside its annotation.
    expect(parsed[2]!.props.title).toMatch(/^DA-3\.5-PENDING \(MUST\)/);
    expect(parsed[2]!.message).toContain(
      'expected 400 authorization_pending | 400 slow_down, got 500',
    );
    for (const l of lines) expect(l).not.toMatch(/[\r\n]/);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('a SHOULD failure under --strict is annotated at level SHOULD; warnings are not errors', () => {
    const strict = failedRequirements(strictRun());
    expect(strict.find((r) => r.id === 'DA-3.5-SLOW-DOWN')?.level).toBe('SHOULD');
    expect(failedRequirements(fixtureRun()).map((r) => r.id)).not.toContain('DA-3.5-SLOW-DOWN');
  });

  it('a conformant run has none', () => {
    const tests = fixtureTests().filter((t) => t.verdict === 'passed');
    const run = fixtureRun({ tests, summary: summarize(tests), exitCode: 0, problems: [] });
    expect(renderAnnotations(run, failedRequirements(run))).toEqual([]);
  });

  it('at most MAX_ANNOTATIONS (what GitHub shows per job), the last naming the rest', () => {
    const tests = manyFailures(80);
    const run = fixtureRun({ tests, summary: summarize(tests), exitCode: 1, problems: [] });
    const lines = renderAnnotations(run, failedRequirements(run));
    expect(lines).toHaveLength(MAX_ANNOTATIONS);
    const last = parseCommand(lines.at(-1)!);
    expect(last.props.title).toBe('31 more failed requirements');
    expect(last.message).toMatch(/^X-49, X-50, .*X-79: see the step summary and results\.json$/);
  });
});

describe('GitHub step summary', () => {
  it('shows the verdict, target, profile, totals and the failed requirements with their level, no links', () => {
    const run = fixtureRun();
    const md = renderStepSummary(run, failedRequirements(run));
    expect(md).toMatch(/^## sso-oidc-conformance: ⚠️ could not run \(exit 2\)$/m);
    expect(md).toContain(
      '| https://oidc.example.test/ | aws | real | none | no | sso-oidc-conformance 0.1.0 |',
    );
    expect(md).toContain(
      '**Tests:** 7: 1 passed, 2 failed, 1 warnings, 1 info, 1 skipped, 1 errors',
    );
    expect(md).toContain('### Failed requirements (2)');
    const rows = md.split('\n').filter((l) => /^\| DA-3\.5-/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      /^\| DA-3\.5-ERROR-JSON \| MUST \| .* \| application\/json \| text\/html \|$/,
    );
    // Table cells stay cells: the target's `|`, `<` and newlines are text.
    expect(rows[1]).toContain('400 authorization\\_pending \\| 400 slow\\_down');
    expect(rows[1]!.split(/(?<!\\)\|/)).toHaveLength(8);
    expect(md).toContain('### Problems');
    expect(md).not.toMatch(/\]\(/);
    expect(md).not.toContain(SECRET);
  });

  it('a huge run is cut under the budget with a note saying how many rows are missing', () => {
    const tests = manyFailures(3000, 'x'.repeat(400));
    const run = fixtureRun({ tests, summary: summarize(tests), exitCode: 1, problems: [] });
    const md = renderStepSummary(run, failedRequirements(run), 64 * 1024);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(64 * 1024);
    const shown = md.split('\n').filter((l) => l.startsWith('| X-')).length;
    expect(shown).toBeGreaterThan(50);
    expect(md).toContain(
      `> ${3000 - shown} more failed requirements are not shown (this summary stays under 64 KiB): X-${shown}, `,
    );
    // The default budget is far under GitHub's 1 MiB.
    expect(Buffer.byteLength(renderStepSummary(run, failedRequirements(run)))).toBeLessThan(
      256 * 1024,
    );
  });
});

describe('reportToGitHub', () => {
  const sink = () => {
    const printed: string[] = [];
    const warned: string[] = [];
    const appended: [string, string][] = [];
    return {
      printed,
      warned,
      appended,
      outputs: {
        print: (l: string) => printed.push(l),
        warn: (l: string) => warned.push(l),
        append: async (f: string, t: string) => void appended.push([f, t]),
      },
    };
  };

  it('does nothing outside GitHub Actions', async () => {
    const s = sink();
    expect(inGitHubActions({ GITHUB_ACTIONS: 'false' })).toBe(false);
    await reportToGitHub(fixtureRun(), { GITHUB_STEP_SUMMARY: '/tmp/x' }, s.outputs);
    expect([s.printed, s.warned, s.appended]).toEqual([[], [], []]);
  });

  it('in GitHub Actions: appends the summary to $GITHUB_STEP_SUMMARY and prints the annotations', async () => {
    const s = sink();
    const run = fixtureRun();
    await reportToGitHub(
      run,
      { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/tmp/summary.md' },
      s.outputs,
    );
    expect(s.appended).toEqual([
      ['/tmp/summary.md', renderStepSummary(run, failedRequirements(run)) + '\n'],
    ]);
    expect(s.printed).toEqual(renderAnnotations(run, failedRequirements(run)));
    expect(s.warned).toEqual([]);
  });

  it('a summary file that cannot be written is a warning, and the annotations still come', async () => {
    const s = sink();
    await reportToGitHub(
      fixtureRun(),
      { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/nonexistent/dir/summary.md' },
      { print: s.outputs.print, warn: s.outputs.warn },
    );
    expect(s.warned).toEqual(['cannot append the step summary to $GITHUB_STEP_SUMMARY: ENOENT']);
    expect(s.printed).toHaveLength(3);
  });
});
