/**
 * `sso-oidc-conformance report` as a user runs it: report.html again from a results.json (the
 * path or its directory), beside it or into --out, the same page the run wrote; what is not a
 * results.json is refused with one line and exit 2, before anything is written.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/cli.ts';
import { buildResultsJson } from '../../harness/reporters/results-json.ts';
import { writeReports } from '../../harness/reporters/write.ts';
import { fixtureRun } from '../reporters/fixture.ts';
import { runCli, tempDir } from './helpers.ts';

const dir = tempDir();
const runDir = path.join(dir, 'run');
await writeReports(fixtureRun(), runDir);
const written = readFileSync(path.join(runDir, 'report.html'), 'utf8');

function file(name: string, content: unknown): string {
  const f = path.join(dir, name, 'results.json');
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

/** main()'s refusal as `<error class>: <message>`; nothing written into --out. */
async function refusal(input: string): Promise<string> {
  const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const e = await main(['report', input, '--out', out]).then(
    () => undefined,
    (err: Error) => err,
  );
  expect(e, 'refused').toBeInstanceOf(Error);
  expect(existsSync(out)).toBe(false);
  return `${e!.name}: ${e!.message}`;
}

const current = JSON.parse(JSON.stringify(buildResultsJson(fixtureRun())));

describe('report: report.html again from a results.json', () => {
  it('as a child process: into --out, the page the run wrote, exit 0', async () => {
    const out = path.join(dir, 'again');
    const r = await runCli(['report', path.join(runDir, 'results.json'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`reports: ${path.join(out, 'report.html')}\n`);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toBe(written);
  });

  it('given a reports directory and no --out: report.html beside its results.json', async () => {
    const copy = file('beside', readFileSync(path.join(runDir, 'results.json'), 'utf8'));
    expect(await main(['report', path.dirname(copy)])).toBe(0);
    expect(readFileSync(path.join(path.dirname(copy), 'report.html'), 'utf8')).toBe(written);
  });

  it('an older results.json renders; a newer one renders with a warning', async () => {
    const old = file('v5', { ...current, schemaVersion: 5, exchanges: undefined });
    const r = await runCli(['report', old]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(path.dirname(old), 'report.html'), 'utf8')).toContain(
      'results.json v5',
    );
    const newer = file('v99', { ...current, schemaVersion: 99, futureMember: 1 });
    const n = await runCli(['report', newer]);
    expect(n.code, n.stderr).toBe(0);
    expect(n.stderr).toMatch(/^sso-oidc-conformance: warning: .*results\.json v99, newer than/);
  });

  it('refuses what it cannot render, with one line naming the file', async () => {
    expect(await refusal(path.join(dir, 'nowhere.json'))).toMatch(
      /^RunError: cannot read .*nowhere\.json: ENOENT$/,
    );
    expect(await refusal(file('bad-json', '{"schemaVersion": 6,'))).toMatch(
      /^RunError: .*bad-json\/results\.json is not valid JSON: /,
    );
    expect(await refusal(file('array', []))).toMatch(
      /is not a results\.json .*\(not a JSON object\)$/,
    );
    const noVerdict = { ...current, tests: [{ ...current.tests[0], verdict: undefined }] };
    expect(await refusal(file('no-verdict', noVerdict))).toMatch(/\(test 0 has no verdict\)$/);
    // This version's file is held to its published schema.
    const hostile = { ...current, tests: [{ ...current.tests[0], verdict: '<script>' }] };
    expect(await refusal(file('schema', hostile))).toMatch(
      /\(schemas\/results\.schema\.json: \/tests\/0\/verdict must be equal to one of the allowed values\)$/,
    );
  });

  it('as a child process: the refusal is one line on stderr and exit 2', async () => {
    const r = await runCli(['report', path.join(runDir, 'junit.xml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^sso-oidc-conformance: .*junit\.xml is not valid JSON: /),
    ]);
    const usage = await runCli(['report']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Not enough non-option arguments/);
  });
});
