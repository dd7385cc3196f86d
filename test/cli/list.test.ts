/** `list`: every test with its IDs, level, needs and profiles; --uncovered; --faults; --json. */
import { describe, expect, it } from 'vitest';
import '../../suites/index.ts';
import { registeredTests } from '../../harness/api/registry.ts';
import { REQUIREMENTS } from '../../harness/engine/catalogue.ts';
import { FAULTS } from '../../reference/faults.ts';
import { RFC8628_BREAKS } from '../../reference/faults-rfc8628.ts';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BIN, cleanEnv, runCli, tempDir } from './helpers.ts';
import { listTests } from '../../harness/cli/list.ts';

const tests = registeredTests();

/**
 * Under a profile, covered means some seeded fault acting on that profile's front end makes a
 * check of it fail (a citation alone proves nothing); requirements only tests of the other
 * profile cite are not counted (never judged there).
 */
function coverage(profile: 'aws' | 'rfc8628') {
  const covered = new Set([
    ...Object.values(FAULTS)
      .filter((f) => (f.profile ?? 'aws') === profile)
      .flatMap((f) => f.breaks),
    ...(profile === 'rfc8628' ? Object.values(RFC8628_BREAKS).flat() : []),
  ]);
  const applies = (t: (typeof tests)[number]) => t.meta.profiles?.includes(profile) ?? true;
  const cited = new Set(tests.filter(applies).flatMap((t) => t.requirements));
  const elsewhere = new Set(
    tests
      .filter((t) => !applies(t))
      .flatMap((t) => t.requirements)
      .filter((id) => !cited.has(id)),
  );
  // INFO tests observe and cannot fail; AWS's own rows are judged under aws only.
  const judged = new Set(
    tests.filter((t) => applies(t) && t.meta.level !== 'INFO').flatMap((t) => t.requirements),
  );
  const observed = [...cited].filter((id) => !judged.has(id)).sort();
  const requirements = REQUIREMENTS.filter(
    (r) =>
      r.kind === 'requirement' &&
      !elsewhere.has(r.id) &&
      !observed.includes(r.id) &&
      (profile === 'aws' || !r.id.startsWith('AWS-')),
  );
  const uncovered = requirements.filter((r) => !covered.has(r.id)).map((r) => r.id);
  return { covered, cited, requirements, uncovered, observed };
}
const { covered, cited, requirements, uncovered } = coverage('aws');

describe.concurrent('list', () => {
  it('lists every test with its requirement IDs, level, needs and profiles', async () => {
    const r = await runCli(['list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    for (const t of tests) {
      const i = r.stdout.indexOf(`${t.meta.level.padEnd(6)} ${t.name}\n`);
      expect(i, t.name).toBeGreaterThanOrEqual(0);
      const details = r.stdout.slice(i).split('\n')[1]!;
      expect(details).toContain(`requirements ${t.requirements.join(', ')};`);
      expect(details).toMatch(/; needs \S+; profiles \S+$/);
      if (t.meta.needs?.approver) expect(details).toMatch(/needs [^;]*approver/);
      // The CreateTokenWithIAM tests need the target's application and credentials.
      if (t.suite.key === 'create-token-with-iam') expect(details).toMatch(/needs [^;]*iam/);
    }
    expect(r.stdout).toMatch(new RegExp(`^${tests.length} tests$`, 'm'));
  });

  it('--json gives the same tests as data', async () => {
    const r = await runCli(['list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: any) => x.name)).toEqual(tests.map((t) => t.name));
    for (const row of rows) {
      expect(row).toMatchObject({
        requirements: expect.any(Array),
        level: expect.stringMatching(/^(MUST|SHOULD|MAY|INFO)/),
        needs: {
          approver: expect.any(Boolean),
          wait: expect.any(String),
          iam: expect.any(Boolean),
        },
        profiles: expect.any(Array),
      });
      // A test runs under the profiles it names; untagged ones under both.
      expect(row.profiles.length, row.name).toBeGreaterThan(0);
    }
    const profilesOf = (prefix: string) =>
      rows.filter((x: any) => x.name.startsWith(prefix)).map((x: any) => x.profiles.join());
    expect(new Set(profilesOf('AWS-'))).toEqual(new Set(['aws']));
    expect(new Set(profilesOf('MD-8414-'))).toEqual(new Set(['rfc8628']));
  });

  it('a pipe gets the whole output, however late its reader; a reader that stops early is no error', async () => {
    const whole = listTests({ json: true }); // what the CLI prints
    expect(whole.length).toBeGreaterThan(64 * 1024); // more than a pipe buffers
    const cli = `"${process.execPath}" "${BIN}" list --json`;
    const shell = (command: string) =>
      new Promise<{ out: string; err: string }>((resolve, reject) =>
        execFile(
          '/bin/sh',
          ['-c', command],
          { env: cleanEnv(), timeout: 60_000 },
          (error, out, err) => (error ? reject(error) : resolve({ out, err })),
        ),
      );
    // Once the CLI has written its first byte, the reader waits until the CLI has exited, or 3 s
    // if it waits for the reader (as it should), then counts the rest. Before, process.exit
    // dropped what the pipe had not taken: the JSON stopped at 64 KiB.
    const dir = tempDir();
    const wait = `i=0; while [ ! -f "${dir}/exited" ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done`;
    const reader = `dd bs=1 count=1 of=/dev/null 2>/dev/null; ${wait}; wc -c`;
    // The CLI's own exit code and stderr, through files (sh has no pipefail).
    const [late] = await Promise.all([
      shell(`(${cli}; touch "${dir}/exited") | (${reader})`),
      shell(`(${cli} 2>"${dir}/err"; echo $? >"${dir}/code") | head -c 10 >/dev/null`),
    ]);
    expect(late.out.trim()).toBe(String(Buffer.byteLength(whole) - 1));
    expect(readFileSync(`${dir}/err`, 'utf8')).toBe(''); // before: "error: write EPIPE", exit 2
    expect(readFileSync(`${dir}/code`, 'utf8').trim()).toBe('0');
  }, 180_000); // two CLI starts through tsx, on a loaded machine

  it('--grep narrows the list', async () => {
    const r = await runCli(['list', '--json', '--grep', '^AWS-REG-']);
    expect(r.code, r.stderr).toBe(0);
    const names = JSON.parse(r.stdout).map((x: any) => x.name);
    expect(names).toEqual(tests.filter((t) => /^AWS-REG-/i.test(t.name)).map((t) => t.name));
  });

  it('--uncovered lists the catalogue requirements no seeded fault fails, cited or not', async () => {
    const [text, json] = await Promise.all([
      runCli(['list', '--uncovered']),
      runCli(['list', '--uncovered', '--json']),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).map((x: any) => x.id)).toEqual(uncovered);
    for (const id of uncovered)
      expect(text.stdout).toMatch(new RegExp(`^${id.replace(/\./g, '\\.')} `, 'm'));
    for (const id of covered)
      expect(text.stdout).not.toMatch(new RegExp(`^${id.replace(/\./g, '\\.')} `, 'm'));
    const citedOnly = JSON.parse(json.stdout).filter(
      (x: any) => x.status === 'cited, never failed',
    );
    expect(citedOnly.map((x: any) => x.id)).toEqual(uncovered.filter((id) => cited.has(id)));
    expect(text.stdout).toMatch(
      new RegExp(
        `^${uncovered.length} of ${requirements.length} requirements not covered under the aws profile: no seeded fault makes a check of them fail \\(${citedOnly.length} of them cited by a test\\)$`,
        'm',
      ),
    );
    // An INFO test's checks cannot fail: what only INFO tests cite is observed, not uncovered.
    const { observed } = coverage('aws');
    expect(observed).toContain('BCP-4.14.2-CONCURRENT');
    expect(text.stdout).toContain(
      `\nnot counted, observed by INFO tests only (never judged): ${observed.join(', ')}\n`,
    );
  });

  it('--uncovered --profile rfc8628 counts the faults of the OAuth front end only', async () => {
    const r = await runCli(['list', '--uncovered', '--profile', 'rfc8628', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ids = JSON.parse(r.stdout).map((x: any) => x.id);
    expect(ids).toEqual(coverage('rfc8628').uncovered);
    expect(ids).not.toContain('MD-8414-3.3-ISSUER');
    expect(ids).not.toContain('AWS-ERR-TYPE');
    // AWS's own rows are never judged under rfc8628, cited or not; nor what INFO tests observe.
    expect(ids.filter((id: string) => id.startsWith('AWS-'))).toEqual([]);
    expect(ids).not.toContain('BCP-2.6-METADATA');
    // Each requirement a test judges under rfc8628 has a fault of the OAuth front end.
    for (const id of ['DA-3.2-200-JSON', 'OA-5.1-NOSTORE', 'DCR-3.2.1-EXPIRES-AT'])
      expect(ids).not.toContain(id);
  });

  it('--faults lists every seeded fault with what it breaks', async () => {
    const r = await runCli(['list', '--faults', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((f: any) => f.name)).toEqual(Object.keys(FAULTS));
    for (const f of rows) expect(f.breaks).toEqual(FAULTS[f.name as keyof typeof FAULTS].breaks);
  });
});
