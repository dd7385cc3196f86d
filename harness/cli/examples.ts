/**
 * Worked examples that end each command's `--help`. Each is kept as the argument list the CLI
 * receives, and rendered from it: test/cli/help.test.ts parses every one (cli.ts parseOnly), so
 * an example cannot go stale.
 */

export interface Example {
  /** The arguments after `sso-oidc-conformance`, as the shell passes them. */
  args: readonly string[];
  /** What it does, in one line. */
  what: string;
}

export type ExampleCommand = 'run' | 'serve' | 'list' | 'compare' | 'report';

export const EXAMPLES: Readonly<Record<ExampleCommand, readonly Example[]>> = {
  run: [
    {
      args: [],
      what: 'every suite against the embedded reference server (virtual clock: seconds; exit 0)',
    },
    {
      args: ['--fault', 'token-snake-case', '--reports', 'reports/faulty'],
      what: 'the same with a seeded fault (list --faults): exit 1, the failed requirements shown',
    },
    {
      args: [
        '--target',
        'https://oidc.example.test',
        '--start-url',
        'https://d-1234567890.awsapps.com/start',
        '--approver',
        'exec',
        '--approver-command',
        './approve.sh',
      ],
      what: 'a server of yours in real time; ./approve.sh approves or denies each device code',
    },
    {
      args: [
        '--target',
        'https://idp.example.test',
        '--profile',
        'rfc8628',
        '--client-id',
        'my-client',
        '--known-deviations',
        'waivers.json',
      ],
      what: 'a plain OAuth 2.0 server, its client secret in SSOC_CLIENT_SECRET; listed deviations pass',
    },
    {
      args: ['--grep', '^DA-3\\.5', '--exchanges', 'all', '--quiet'],
      what: 'only the tests whose name matches, keeping every exchange; print only the totals',
    },
  ],
  serve: [
    {
      args: ['serve', '--port', '9000', '--interval', '1', '--expires-in', '8'],
      what: 'the reference server alone, in real time, for your own client',
    },
    {
      args: ['serve', '--like', 'aws', '--port', '9000'],
      what: 'behaving like AWS as recorded: try your exec approver against it first',
    },
    {
      args: ['serve', '--fault', 'token-snake-case', '--virtual-clock', '--port', '0'],
      what: 'with a seeded fault and a virtual clock, on any free port',
    },
  ],
  list: [
    { args: ['list'], what: 'every test: requirement IDs, level, needs, profile' },
    { args: ['list', '--grep', 'DA-3.5'], what: 'only the tests whose name matches' },
    {
      args: ['list', '--uncovered', '--profile', 'rfc8628'],
      what: 'requirements no seeded fault fails, for the OAuth front end',
    },
    { args: ['list', '--faults', '--json'], what: "the reference server's seeded faults, as JSON" },
  ],
  compare: [
    {
      args: [
        'compare',
        'runs/vendor-a/results.json',
        'runs/vendor-b/results.json',
        '--names',
        'vendor-a,vendor-b',
        '--out',
        'comparison',
      ],
      what: 'two runs side by side: compare.json, compare.md and compare.html in comparison/',
    },
    {
      args: ['compare', 'runs/a', 'runs/b', 'runs/c', '--out', 'comparison'],
      what: 'three reports directories, each column named after its target',
    },
  ],
  report: [
    {
      args: ['report', 'runs/vendor-a/results.json'],
      what: 'report.html again from a kept results.json (an old run, say), beside it',
    },
    {
      args: ['report', 'runs/vendor-a', '--out', '/tmp/vendor-a'],
      what: 'from a reports directory, into another directory',
    },
  ],
};

/** An argument as a POSIX shell takes it back: bare when safe, else in single quotes. */
export function shellWord(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Longest line of an example's command (yargs wraps --help at 110 columns). */
const LINE_MAX = 96;

/**
 * The command line of an example, as typed: continued with ` \` onto indented lines where it
 * would pass LINE_MAX, an option kept with its value.
 */
export function exampleLines(example: Example): string[] {
  const words: string[] = [];
  for (const arg of example.args.map(shellWord)) {
    const last = words.at(-1);
    // A value stays on the line of its option.
    if (last !== undefined && last.startsWith('--') && !arg.startsWith('--') && !last.includes(' '))
      words[words.length - 1] = `${last} ${arg}`;
    else words.push(arg);
  }
  const lines = ['npx sso-oidc-conformance'];
  for (const word of words) {
    const line = lines[lines.length - 1]!;
    if (line.length + 1 + word.length + 2 > LINE_MAX) {
      lines[lines.length - 1] = `${line} \\`;
      lines.push(`    ${word}`);
    } else lines[lines.length - 1] = `${line} ${word}`;
  }
  return lines;
}

/**
 * The epilog of a command's --help: its examples, each what it does as a shell comment, then
 * its command line (the block pastes into a shell as is).
 */
export function examplesEpilog(command: ExampleCommand): string {
  const blocks = EXAMPLES[command].map((e) =>
    [`# ${e.what}`, ...exampleLines(e)].map((l) => `  ${l}`).join('\n'),
  );
  return `Examples:\n${blocks.join('\n\n')}`;
}
