/**
 * Every command's --help ends with its worked examples (harness/cli/examples.ts), and every
 * example parses as the CLI would take it, its settings and fault names included: an example
 * cannot go stale. A new command without examples fails here.
 */
import { describe, expect, it } from 'vitest';
import { parseOnly } from '../../harness/cli/cli.ts';
import {
  EXAMPLES,
  examplesEpilog,
  exampleLines,
  shellWord,
  type ExampleCommand,
} from '../../harness/cli/examples.ts';
import { runCli } from './helpers.ts';

const COMMANDS = Object.keys(EXAMPLES) as ExampleCommand[];

/** The commands the top-level --help lists (`sso-oidc-conformance <name> ...`). */
async function listedCommands(): Promise<Set<string>> {
  const r = await runCli(['--help']);
  expect(r.code, r.stderr).toBe(0);
  const section = r.stdout.split('\nCommands:\n')[1]!.split('\n\n')[0]!;
  return new Set([...section.matchAll(/^ {2}sso-oidc-conformance (\S+)/gm)].map((m) => m[1]!));
}

describe('--help ends with worked examples', () => {
  it('every command the CLI has, and the top-level --help (the default run)', async () => {
    expect([...(await listedCommands())].sort()).toEqual([...COMMANDS].sort());
    const pages: [string[], ExampleCommand][] = [
      [['--help'], 'run'],
      ...COMMANDS.map((c): [string[], ExampleCommand] => [[c, '--help'], c]),
    ];
    const results = await Promise.all(pages.map(([args]) => runCli(args)));
    results.forEach((r, i) => {
      const [args, command] = pages[i]!;
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(
        r.stdout.trimEnd().endsWith(`\n\n${examplesEpilog(command)}`),
        `${args.join(' ')}:\n${r.stdout}`,
      ).toBe(true);
    });
  });

  it('every example line fits the --help width (yargs would rewrap it)', () => {
    for (const c of COMMANDS)
      for (const line of examplesEpilog(c).split('\n'))
        expect(line.length, line).toBeLessThanOrEqual(100);
  });
});

describe('every example parses as the CLI takes it', () => {
  for (const command of COMMANDS) {
    for (const example of EXAMPLES[command]) {
      const line = exampleLines(example).join(' ');
      it(`${command}: ${line}`, async () => {
        expect(example.what).not.toBe('');
        // A run example starts with its options (run is the default command); the others name theirs.
        if (command === 'run') expect(example.args[0] ?? '--').toMatch(/^--/);
        else expect(example.args[0]).toBe(command);
        const parsed = await parseOnly([...example.args]);
        expect(parsed.command).toBe(command);
      });
    }
  }
});

describe('parseOnly can fail (so the examples above are really checked)', () => {
  it.each([
    [['--no-such-flag'], /Unknown argument/],
    [['--profile', 'saml'], /Invalid values/],
    [['--fault', 'no-such-fault'], /no-such-fault/],
    [['--approver', 'exec'], /approver-command/],
    [['serve', '--fault', 'token-snake-case,no-such-fault'], /no-such-fault/],
    [['compare', 'one.json', '--out', 'x'], /at least 2/],
    [['list', '--grep'], /Not enough arguments/],
    [['report'], /Not enough non-option arguments/],
  ])('%j', async (args, message) => {
    await expect(parseOnly(args)).rejects.toThrow(message);
  });

  it('a list of faults in one --fault is taken as the command takes it (comma-separated)', async () => {
    for (const args of [
      ['serve', '--fault', 'token-snake-case,no-error-type-header'],
      ['--fault', 'token-snake-case,no-error-type-header'],
    ])
      expect((await parseOnly(args)).command).toBe(args[0] === 'serve' ? 'serve' : 'run');
  });

  it('an argument the shell would split or expand is single-quoted in the rendered line', () => {
    expect(shellWord("^DA-3\\.5 it's")).toBe(`'^DA-3\\.5 it'\\''s'`);
    expect(shellWord('vendor-a,vendor-b')).toBe('vendor-a,vendor-b');
  });
});
