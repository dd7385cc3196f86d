/**
 * `sso-oidc-conformance compare` as a user runs it: one clear line and exit 2 for inputs it
 * cannot compare (each cause in-process through main(), the whole path once as a child);
 * warnings on stderr and exit 0 for runs it compares with a caveat.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../harness/cli/cli.ts';
import { expectCouldNotRun, readJson, runCli, tempDir } from '../cli/helpers.ts';

const dir = tempDir();

function results(version: string, verdict: string) {
  return {
    schemaVersion: 5,
    tool: { name: 'sso-oidc-conformance', version },
    target: { kind: 'remote', url: `https://${version}.example.test`, profile: 'aws', faults: [] },
    strict: false,
    tests: [{ name: 'DA-3.2-UNIQUE codes', slug: 'DA-3.2-UNIQUE' }],
    requirements: { 'DA-3.2-UNIQUE': { tests: ['DA-3.2-UNIQUE'], verdict } },
  };
}

function file(name: string, content: unknown): string {
  const f = path.join(dir, name, 'results.json');
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

const a = file('a', results('0.1.0', 'passed'));
const b = file('b', results('0.2.0', 'failed'));

/** main()'s refusal: the error's class name (how cli() knows it is the user's) and message. */
async function refusal(args: string[]): Promise<string> {
  const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const e = await main(['compare', ...args, '--out', out]).then(
    () => undefined,
    (err: Error) => err,
  );
  expect(e, 'refused').toBeInstanceOf(Error);
  // Refused before anything was created.
  expect(existsSync(out)).toBe(false);
  return `${e!.name}: ${e!.message}`;
}

describe('compare: what it cannot compare is refused with one clear line', () => {
  it('a missing file', async () => {
    expect(await refusal([a, path.join(dir, 'nowhere.json')])).toMatch(
      /^RunError: cannot read .*nowhere\.json: ENOENT$/,
    );
  });

  it('invalid JSON', async () => {
    expect(await refusal([a, file('bad', '{"schemaVersion": 5,')])).toMatch(
      /^RunError: .*bad\/results\.json is not valid JSON: /,
    );
  });

  it('JSON that is not a results.json', async () => {
    expect(await refusal([a, file('junk', { hello: 'world' })])).toMatch(
      /^RunError: .*junk\/results\.json is not a results\.json of sso-oidc-conformance \(no schemaVersion\)$/,
    );
    const noVerdict = { ...results('0.1.0', 'passed'), requirements: { X: { tests: [] } } };
    expect(await refusal([a, file('no-verdict', noVerdict)])).toMatch(
      /\(requirement "X" has no verdict\)$/,
    );
  });

  it('fewer than 2 inputs', async () => {
    expect(await refusal([a])).toBe('UsageError: compare needs at least 2 results.json, got 1');
  });

  it('--names that do not match the inputs', async () => {
    expect(await refusal([a, b, '--names', 'one,two,three'])).toBe(
      'UsageError: --names gives 3 names for 2 results.json',
    );
  });

  it('as a command: exit 2, that line alone, no stack', async () => {
    const r = await runCli(['compare', a, path.join(dir, 'nowhere.json'), '--out', dir]);
    expectCouldNotRun(r, /^sso-oidc-conformance: cannot read .*nowhere\.json: ENOENT$/);
  });
});

describe('compare: runs of different tool versions', () => {
  it('are compared, with the warning on stderr, exit 0', async () => {
    const out = path.join(dir, 'out');
    const r = await runCli(['compare', a, path.dirname(b), '--names', 'old,new', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^sso-oidc-conformance: warning: tool versions differ \(old: sso-oidc-conformance 0\.1\.0, new: sso-oidc-conformance 0\.2\.0\)/,
    );
    expect(r.stdout).toContain('2 targets, 1 requirements, 1 differ');
    const json = readJson(path.join(out, 'compare.json'));
    expect(json.targets.map((t: { name: string }) => t.name)).toEqual(['old', 'new']);
    expect(json.differences).toEqual(['DA-3.2-UNIQUE']);
  });
});
