/**
 * The CLI in GitHub Actions (GITHUB_ACTIONS=true): a run against the embedded server with a
 * seeded fault appends its summary to $GITHUB_STEP_SUMMARY and prints one ::error annotation per
 * failed requirement, the same ones results.json says failed; outside Actions, neither.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLEAR_SECRET, expectCouldNotRun, readJson, runCli, tempDir } from './helpers.ts';
import { parseCommand } from '../reporters/workflow-command.ts';

describe.concurrent('in GitHub Actions', () => {
  it('--fault token-snake-case: the step summary and one ::error per failed requirement', async () => {
    const dir = tempDir();
    const summaryFile = path.join(dir, 'step-summary.md');
    // GitHub's file already holds the earlier steps' summaries: the run appends to it.
    writeFileSync(summaryFile, 'earlier step\n');
    const r = await runCli(['--fault', 'token-snake-case', '--reports', path.join(dir, 'r')], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile },
    });
    expect(r.code, r.stderr + r.stdout.slice(-3000)).toBe(1);
    expect(r.stderr).toBe('');
    const results = readJson(path.join(dir, 'r', 'results.json'));
    const failed = Object.entries(results.requirements as Record<string, { verdict: string }>)
      .filter(([, e]) => e.verdict === 'failed')
      .map(([id]) => id);
    expect(failed.length).toBeGreaterThan(0);

    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    const titles = annotations.map((l) => {
      const command = parseCommand(l);
      expect(command.name, l).toBe('error');
      return command.props.title!;
    });
    expect(titles.map((t) => t.split(' ')[0])).toEqual(failed);
    for (const t of titles) expect(t).toMatch(/^\S+ \((MUST|SHOULD)\): /);

    const summary = readFileSync(summaryFile, 'utf8');
    expect(
      summary.startsWith('earlier step\n## sso-oidc-conformance: ❌ not conformant (exit 1)\n'),
    ).toBe(true);
    expect(summary).toContain(
      '| embedded reference server (faults: token-snake-case) | aws | virtual | reference | no |',
    );
    expect(summary).toContain(`### Failed requirements (${failed.length})`);
    for (const id of failed)
      expect(summary).toMatch(new RegExp(`^\\| ${id.replace(/[.-]/g, '\\$&')} \\| MUST \\| `, 'm'));
    expect(summary).toContain(
      `**Tests:** ${results.summary.total}: ${results.summary.passed} passed, ${results.summary.failed} failed`,
    );
    expect(summary + r.stdout).not.toMatch(CLEAR_SECRET);
  });

  it('a run that could not run: its one-line error on stderr, and as an annotation', async () => {
    const dir = tempDir();
    const r = await runCli(['--grep', 'no-such-test-xyz', '--reports', dir], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') },
    });
    expectCouldNotRun(r, /no test matches --grep "no-such-test-xyz"/);
    expect(r.stdout).toBe(
      '::error title=sso-oidc-conformance could not run::no test matches --grep "no-such-test-xyz"\n',
    );
  });

  it('outside GitHub Actions (GITHUB_ACTIONS unset): no annotation, the summary file untouched', async () => {
    const dir = tempDir();
    const summaryFile = path.join(dir, 'step-summary.md');
    writeFileSync(summaryFile, '');
    const r = await runCli(['--fault', 'token-snake-case', '--reports', dir, '--quiet'], {
      env: { GITHUB_STEP_SUMMARY: summaryFile },
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).not.toMatch(/^::/m);
    expect(readFileSync(summaryFile, 'utf8')).toBe('');
  });
});
