/**
 * Could not run: exit 2, one line on stderr (plus at most the --help hint), no stack trace.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, httpServer, type Hostile } from '../helpers/hostile-server.ts';
import { expectCouldNotRun, runCli, tempDir } from './helpers.ts';

let dir: string;
let closed: Hostile;
let live: Hostile;

beforeAll(async () => {
  dir = tempDir();
  closed = await closedPort();
  live = await httpServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{}');
  });
  const files: Record<string, string> = {
    'unknown-key.json': '{"timeout": 5, "nope": 1}',
    'wrong-type.json': '{"timeout": "5"}',
    'not-json.json': '{"timeout": 5',
    'unknown-id.json':
      '{"deviations": [{"requirement": "DA-99-NOPE", "reason": "r", "evidence": "E1"}]}',
    'no-evidence.json': '{"deviations": [{"requirement": "DA-3.2-NOSTORE", "reason": "r"}]}',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  writeFileSync(path.join(dir, 'a-file'), '');
});

afterAll(async () => {
  await Promise.all([closed?.close(), live?.close()]);
});

interface Case {
  name: string;
  args: () => string[];
  env?: Record<string, string>;
  expect: RegExp;
}

const cases: Case[] = [
  { name: 'unknown option', args: () => ['--bogus'], expect: /Unknown argument: bogus/ },
  {
    name: 'number flag given text',
    args: () => ['--timeout', 'abc'],
    expect: /--timeout must be number/,
  },
  {
    name: 'number flag out of range',
    args: () => ['--timeout', '0'],
    expect: /--timeout must be > 0/,
  },
  {
    name: 'value outside the choices',
    args: () => ['--approver', 'robot'],
    expect: /Invalid values: Argument: approver, Given: "robot"/,
  },
  {
    name: 'target that is not a URL',
    args: () => ['--target', 'not a url'],
    expect: /--target must match/,
  },
  {
    name: 'config file with an unknown key',
    args: () => ['--config', path.join(dir, 'unknown-key.json')],
    expect: /config file .*unknown-key\.json: unknown setting "nope"/,
  },
  {
    name: 'config file with a wrong type',
    args: () => ['--config', path.join(dir, 'wrong-type.json')],
    expect: /config file .*wrong-type\.json: timeout must be number/,
  },
  {
    name: 'config file that is not JSON',
    args: () => ['--config', path.join(dir, 'not-json.json')],
    expect: /config file .*not-json\.json is not valid JSON/,
  },
  {
    name: 'config file that does not exist',
    args: () => ['--config', path.join(dir, 'missing.json')],
    expect: /cannot read config file .*missing\.json: ENOENT/,
  },
  {
    name: 'known-deviations file naming an ID outside the catalogue',
    args: () => ['--known-deviations', path.join(dir, 'unknown-id.json')],
    expect:
      /known-deviations file .*unknown-id\.json: not a requirement of harness\/engine\/catalogue\.json: DA-99-NOPE/,
  },
  {
    name: 'known-deviations file (from the environment) failing its schema',
    args: () => [],
    // A getter: `dir` exists only once beforeAll ran.
    get env() {
      return { SSOC_KNOWN_DEVIATIONS: path.join(dir, 'no-evidence.json') };
    },
    expect: /known-deviations file .*no-evidence\.json: \/deviations\/0\/evidence is required/,
  },
  {
    name: 'known-deviations file that does not exist',
    args: () => ['--known-deviations', path.join(dir, 'missing.json')],
    expect: /cannot read the known-deviations file .*missing\.json: ENOENT/,
  },
  {
    name: 'number variable given text',
    args: () => [],
    env: { SSOC_TIMEOUT: 'abc' },
    expect: /SSOC_TIMEOUT must be a number, not "abc"/,
  },
  {
    name: 'boolean variable given something else',
    args: () => [],
    env: { SSOC_STRICT: 'maybe' },
    expect: /SSOC_STRICT must be true or false/,
  },
  {
    name: 'enum variable given something else',
    args: () => [],
    env: { SSOC_APPROVER: 'robot' },
    expect: /SSOC_APPROVER must be one of/,
  },
  {
    name: '--grep that matches no test',
    args: () => ['--grep', 'no-such-test-anywhere'],
    expect: /no test matches --grep "no-such-test-anywhere"/,
  },
  {
    name: '--grep that is not a regular expression',
    args: () => ['--grep', 'a('],
    expect: /--grep is not a valid regular expression/,
  },
  {
    name: 'target on a closed port',
    args: () => ['--target', closed.url, '--timeout', '1'],
    expect: /target unreachable: .* refused the connection/,
  },
  {
    name: '--approver exec without a command',
    args: () => ['--approver', 'exec'],
    expect: /--approver exec needs --approver-command/,
  },
  {
    name: '--approver manual when stdin is not a TTY',
    args: () => ['--target', live.url, '--approver', 'manual'],
    expect: /--approver manual: .*needs an interactive terminal/,
  },
  {
    name: '--approver manual against the embedded server',
    args: () => ['--approver', 'manual'],
    expect: /--approver manual needs --target/,
  },
  {
    name: 'unknown fault',
    args: () => ['--fault', 'nope'],
    expect: /unknown fault nope; known faults: /,
  },
  {
    name: '--fault with --target',
    args: () => ['--target', live.url, '--fault', 'token-snake-case'],
    expect: /--fault configures the embedded reference server and cannot be used with --target/,
  },
  {
    name: 'reports directory that is a file',
    args: () => ['--reports', path.join(dir, 'a-file'), '--grep', '^AWS-REG-200 '],
    expect: /cannot write the reports to .*a-file: ENOTDIR/,
  },
  {
    name: 'serve on an impossible port',
    args: () => ['serve', '--port', '99999'],
    expect: /port must be/,
  },
  {
    name: 'list with a --grep that matches nothing',
    args: () => ['list', '--grep', 'no-such-test-anywhere'],
    expect: /no test matches/,
  },
];

describe.concurrent('exit 2 with one clear line', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const reports = tempDir();
      const args = c.args();
      // Every case gets its own --reports, except those about --reports and the other commands.
      const withReports =
        args[0] === 'serve' || args[0] === 'list' || args.includes('--reports')
          ? args
          : [...args, '--reports', reports];
      const r = await runCli(withReports, { env: c.env, killAfterMs: 30_000 });
      expectCouldNotRun(r, c.expect);
      expect(r.ms).toBeLessThan(20_000);
    });
  }
});

describe('help', () => {
  it('--help prints the options and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--approver-command/);
    expect(r.stdout).toMatch(/--max-wait/);
    expect(r.stderr).toBe('');
  });
});
