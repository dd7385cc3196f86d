/**
 * `run` against the embedded reference server (virtual time, so every run takes about a second):
 * exit codes, reports, the approvers, and secrets kept out of every output.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULTS } from '../../reference/faults.ts';
import {
  CLEAR_SECRET,
  CURL_APPROVER,
  readJson,
  runCli,
  STACK_LINE,
  tempDir,
  type CliResult,
} from './helpers.ts';

/** stdout, stderr and both reports of a run, for secret hunting. */
function everything(r: CliResult, reports: string): string {
  return [
    r.stdout,
    r.stderr,
    readFileSync(path.join(reports, 'junit.xml'), 'utf8'),
    readFileSync(path.join(reports, 'results.json'), 'utf8'),
    readFileSync(path.join(reports, 'report.html'), 'utf8'),
  ].join('\n');
}

describe.concurrent('run against the embedded reference server', () => {
  it('no target: every suite runs, reports/ is written in the working directory, exit 0', async () => {
    const cwd = tempDir();
    const r = await runCli([], { cwd });
    expect(r.code, r.stderr + r.stdout.slice(-3000)).toBe(0);
    expect(r.stderr).toBe('');
    const reports = path.join(cwd, 'reports');
    expect(readdirSync(reports).sort()).toEqual(['junit.xml', 'report.html', 'results.json']);
    const results = readJson(path.join(reports, 'results.json'));
    expect(results.exitCode).toBe(0);
    expect(results.target.kind).toBe('embedded');
    expect(results.summary.failed).toBe(0);
    expect(results.summary.error).toBe(0);
    expect(results.summary.total).toBeGreaterThan(50);
    expect(readFileSync(path.join(reports, 'junit.xml'), 'utf8')).toMatch(/^<\?xml /);
    expect(r.stdout).toMatch(
      /^\d+ passed, 0 failed, .* 0 errors; \d+ requirements judged \(0 failed\).*; \d+ requests, \d+ registrations in /m,
    );
    expect(r.stdout).toContain(
      'reports: reports/junit.xml, reports/results.json, reports/report.html',
    );
    expect(everything(r, reports)).not.toMatch(CLEAR_SECRET);
  });

  it('--fault token-snake-case: exit 1, failed on the requirements the fault breaks', async () => {
    const reports = tempDir();
    const r = await runCli(['--fault', 'token-snake-case', '--reports', reports]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    const results = readJson(path.join(reports, 'results.json'));
    expect(results.exitCode).toBe(1);
    expect(results.target.faults).toEqual(['token-snake-case']);
    const failed = [...new Set(results.tests.flatMap((t: any) => t.failedRequirements))];
    expect(failed.length).toBeGreaterThan(0);
    for (const id of failed) expect(FAULTS['token-snake-case'].breaks).toContain(id);
    // Failure details carry curl commands and exchanges: still no secret in clear.
    expect(r.stdout).toMatch(/\$ curl /);
    expect(everything(r, reports)).not.toMatch(CLEAR_SECRET);
    expect(r.stdout).not.toMatch(STACK_LINE);
  });

  it('--quiet prints the totals and the report paths only', async () => {
    const reports = tempDir();
    // AWS-REG-SECRET-EXPIRY is not judged on the reference's opaque secrets (a skip).
    const r = await runCli([
      '--quiet',
      '--grep',
      '^AWS-REG-(?!SECRET-EXPIRY)',
      '--reports',
      reports,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^\d+ passed, 0 failed, 0 warnings, 0 info, 0 skipped, 0 errors; \d+ requirements judged \(0 failed\)(, \d+ not judged)?$/,
      ),
      `reports: ${reports}/junit.xml, ${reports}/results.json, ${reports}/report.html`,
    ]);
  });

  it('--strict: a SHOULD-level deviation (an 8 s device code) fails the run', async () => {
    const args = ['--expires-in', '8', '--grep', '^DA-5.4-UC-LIFETIME ', '--quiet'];
    const [lenient, strict] = await Promise.all([
      runCli([...args, '--reports', tempDir()]),
      runCli([...args, '--strict', '--reports', tempDir()]),
    ]);
    expect(lenient.code, lenient.stderr + lenient.stdout).toBe(0);
    expect(lenient.stdout).toMatch(/^0 passed, 0 failed, 1 warnings/m);
    expect(strict.code, strict.stderr + strict.stdout).toBe(1);
    expect(strict.stdout).toMatch(/^0 passed, 1 failed, 0 warnings/m);
  });

  it('--approver none: tests that need an approver are skipped with the reason, exit 0', async () => {
    const reports = tempDir();
    const r = await runCli(['--approver', 'none', '--reports', reports]);
    expect(r.code, r.stderr + r.stdout.slice(-3000)).toBe(0);
    const results = readJson(path.join(reports, 'results.json'));
    const needing = results.tests.filter((t: any) => t.needs.approver);
    expect(needing.length).toBeGreaterThan(3);
    for (const t of needing) {
      expect(t.verdict, t.name).toBe('skipped');
      expect(t.reason, t.name).toMatch(/needs an approver/);
    }
    expect(results.target.approver).toBe('none');
  });

  it('a run that judged nothing (every selected test skipped) exits 3 with a problem line', async () => {
    const reports = tempDir();
    const r = await runCli([
      '--approver',
      'none',
      '--grep',
      '^DA-3\\.5-DENIED ',
      '--reports',
      reports,
    ]);
    expect(r.code, r.stderr + r.stdout).toBe(3);
    expect(r.stdout).toMatch(/0 requirements judged/);
    expect(r.stdout).toMatch(/^Problem: nothing was judged/m);
    expect(readJson(path.join(reports, 'results.json')).exitCode).toBe(3);
  });

  it('--approver exec: the command gets the contract variables and decides through /__admin', async () => {
    const reports = tempDir();
    const seen = tempDir();
    // Records its environment, then decides: SSOC_DECISION is also the admin route's name.
    const command =
      `env | grep '^SSOC_' | sort > "${seen}/$SSOC_DECISION.$SSOC_USER_CODE"; ` +
      `printf %s "\${SSOC_VERIFICATION_URI_COMPLETE-unset}" > "${seen}/$SSOC_DECISION.$SSOC_USER_CODE.complete"; ` +
      CURL_APPROVER;
    const r = await runCli([
      '--approver',
      'exec',
      '--approver-command',
      command,
      '--reports',
      reports,
    ]);
    expect(r.code, r.stderr + r.stdout.slice(-3000)).toBe(0);
    const results = readJson(path.join(reports, 'results.json'));
    expect(results.target.approver).toBe('exec');
    expect(results.summary.error).toBe(0);
    const all = readdirSync(seen).filter((f) => !f.endsWith('.complete'));
    // The browser step of the authorization code grant: SSOC_DECISION=authorize.
    const browser = all.filter((f) => f.startsWith('authorize.'));
    expect(browser.length).toBeGreaterThan(0);
    for (const f of browser) {
      const text = readFileSync(path.join(seen, f), 'utf8');
      expect(text).toMatch(/^SSOC_AUTHORIZATION_URL=http:\/\/127\.0\.0\.1:\d+\/authorize\?/m);
      expect(text).toMatch(/^SSOC_REDIRECT_URI=http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/m);
    }
    const files = all.filter((f) => !f.startsWith('authorize.'));
    const decisions = new Set(files.map((f) => f.split('.')[0]));
    expect(decisions).toEqual(new Set(['approve', 'deny']));
    for (const f of files) {
      const [decision, userCode] = f.split('.');
      const env = Object.fromEntries(
        readFileSync(path.join(seen, f), 'utf8')
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      expect(env.SSOC_DECISION).toBe(decision);
      expect(env.SSOC_USER_CODE).toBe(userCode);
      expect(env.SSOC_TARGET).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env.SSOC_VERIFICATION_URI).toMatch(/^https:\/\//);
      expect(env.SSOC_VERIFICATION_URI_COMPLETE).toContain(userCode);
    }
  });

  it('--approver exec: SSOC_VERIFICATION_URI_COMPLETE is set and empty when the server sends none', async () => {
    const reports = tempDir();
    const seen = tempDir();
    const command =
      `printf %s "\${SSOC_VERIFICATION_URI_COMPLETE-unset}" > "${seen}/$SSOC_USER_CODE"; ` +
      CURL_APPROVER;
    const r = await runCli([
      ...['--fault', 'no-verification-uri-complete', '--grep', '^DA-3.5-SUCCESS '],
      ...['--approver', 'exec', '--approver-command', command, '--reports', reports],
    ]);
    expect(r.stderr + r.stdout.slice(-3000)).not.toMatch(STACK_LINE);
    const files = readdirSync(seen);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(path.join(seen, f), 'utf8')).toBe('');
  });

  it('--approver exec: a command that fails is a harness error with its stderr in the report', async () => {
    const reports = tempDir();
    const command = 'echo "approver says no to $SSOC_USER_CODE" >&2; exit 3';
    const r = await runCli([
      '--approver',
      'exec',
      '--approver-command',
      command,
      '--reports',
      reports,
    ]);
    expect(r.code, r.stderr + r.stdout.slice(-3000)).toBe(2);
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
    const results = readJson(path.join(reports, 'results.json'));
    const errored = results.tests.filter((t: any) => t.verdict === 'error');
    expect(errored.length).toBeGreaterThan(0);
    for (const t of errored)
      expect(t.reason, t.name).toMatch(
        /approver command \(((approve|deny) [A-Z]{4}-[A-Z]{4}|authorize http:\/\/127\.0\.0\.1:\d+\/authorize)\) exited with 3: approver says no to( [A-Z]{4}-[A-Z]{4})?/,
      );
    expect(readFileSync(path.join(reports, 'junit.xml'), 'utf8')).toMatch(/approver says no to/);
    expect(r.stdout).toMatch(/approver says no to/);
  });

  it('--reports creates missing directories', async () => {
    const reports = path.join(tempDir(), 'a', 'b', 'c');
    const r = await runCli(['--grep', '^AWS-REG-200 ', '--reports', reports, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(reports, 'results.json'))).toBe(true);
  });
});
