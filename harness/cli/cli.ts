import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import yargs, { type Argv, type Options } from 'yargs';
import { SETTINGS, type Setting } from '../engine/settings.ts';
import type { ConfigInput } from '../engine/config.ts';
import { examplesEpilog } from './examples.ts';

// Each command imports its own modules when it runs (import() in its handler), not here: `--help`
// then loads yargs alone, `list` no HTTP client, `serve` no suite. Startup is most of a short run.

/**
 * Exit codes of the CLI (README): 0 conformant, 1 non-conformant, 2 could not run, 3 ran but
 * judged no requirement (every test skipped, say: not "conformant").
 */
const EXIT_COULD_NOT_RUN = 2;

/** The run's options: one per setting of settings.ts that has a flag, then --config and --quiet. */
function runOptions(y: Argv) {
  let options = y;
  for (const setting of SETTINGS as readonly Setting[]) {
    if (setting.flag) options = options.option(setting.flag, yargsOption(setting));
  }
  return options
    .option('config', { type: 'string', describe: 'JSON config file (schemas/config.schema.json)' })
    .option('quiet', { type: 'boolean', describe: 'Print only the totals' })
    .requiresArg(valueFlags());
}

function yargsOption(setting: Setting): Options {
  const type = setting.type === 'list' ? 'string' : setting.type;
  return {
    type,
    ...(setting.type === 'list' ? { array: true } : {}),
    ...(setting.choices ? { choices: [...setting.choices] } : {}),
    describe: setting.help,
  };
}

/** Options that take a value: `--timeout` alone is an error, not a silent default. */
function valueFlags(): string[] {
  const flags = (SETTINGS as readonly Setting[])
    .filter((s) => s.flag && s.type !== 'boolean')
    .map((s) => s.flag!);
  return [...flags, 'config'];
}

type RunArgv = Record<string, unknown> & { config?: string; quiet?: boolean };

/** The flags given, as config keys; a list flag may repeat and take commas (`--fault a,b`). */
function flagsOf(argv: RunArgv): ConfigInput {
  const out: Record<string, unknown> = {};
  for (const setting of SETTINGS as readonly Setting[]) {
    if (!setting.flag) continue;
    const value = argv[setting.flag];
    out[setting.key] =
      setting.type === 'list' && Array.isArray(value)
        ? value.flatMap((f) => String(f).split(',')).filter(Boolean)
        : value;
  }
  return out as ConfigInput;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e as Error)?.message ?? String(e);
}

/**
 * mkdir -p, one level at a time (Node's recursive mkdir never returns for some paths, e.g. under
 * /proc), then a write check: exit 2 with one line when the reports cannot be written.
 */
async function ensureDirectory(dir: string, depth = 0): Promise<void> {
  const { RunError } = await import('../engine/runner.ts');
  try {
    await mkdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && depth < 64 && path.dirname(dir) !== dir) {
      await ensureDirectory(path.dirname(dir), depth + 1);
      return ensureDirectory(dir, 64);
    }
    if (code !== 'EEXIST')
      throw new RunError(`cannot create the reports directory ${dir}: ${code}`);
  }
  try {
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new RunError(`cannot write the reports to ${dir}: ${errorCode(e)}`);
  }
}

async function runCommand(argv: RunArgv): Promise<number> {
  const { configFromEnv, configFromFile, resolveConfig } = await import('../engine/config.ts');
  const { runConformance, RunError } = await import('../engine/runner.ts');
  const { checkFaultNames } = await import('../engine/target.ts');
  const { judgedText, knownText, renderSummary } = await import('../reporters/summary.ts');
  const { writeReports } = await import('../reporters/write.ts');
  closeHttp = (await import('../http/http.ts')).closeHttp;
  await import('../../suites/index.ts');
  const { registeredTests } = await import('../api/registry.ts');
  const config = resolveConfig({
    file: argv.config ? configFromFile(argv.config) : undefined,
    env: configFromEnv(process.env),
    flags: flagsOf(argv),
  });
  if (!config.target) checkFaultNames(config.faults);
  // Before the run: a real-time run can take minutes, and its reports must have somewhere to go.
  await ensureDirectory(config.reports);
  // Live progress on stderr (real-time runs only; erased before the summary on a terminal). Not
  // with the manual approver: its prompts wait for input on stderr, where a rewritten line would
  // overwrite them.
  const progress =
    argv.quiet || config.approver === 'manual'
      ? undefined
      : (await import('../reporters/progress.ts')).createProgress({ stream: process.stderr });
  let run;
  try {
    // The CLI chooses what runs: the suites it imported above (the runner never imports them).
    run = await runConformance(config, { tests: registeredTests(), ...progress?.hooks });
  } finally {
    progress?.stop();
  }
  let paths: string[];
  try {
    paths = await writeReports(run, config.reports);
  } catch (e) {
    throw new RunError(`cannot write the reports to ${config.reports}: ${errorCode(e)}`);
  }
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  if (argv.quiet) {
    const s = run.summary;
    process.stdout.write(
      `${s.passed} passed, ${s.failed} failed, ${s.warning} warnings, ${knownText(run)}${s.info} info, ${s.skipped} skipped, ${s.error} errors; ${judgedText(s.requirements)}\n`,
    );
  } else {
    process.stdout.write(renderSummary(run, { color }) + '\n');
  }
  process.stdout.write(`reports: ${paths.join(', ')}\n`);
  const { reportToGitHub } = await import('../reporters/github/actions.ts');
  await reportToGitHub(run, process.env, {
    print: (line) => process.stdout.write(line + '\n'),
    warn: (line) => process.stderr.write(`sso-oidc-conformance: warning: ${line}\n`),
  });
  return run.exitCode;
}

/** `compare`: the matrix of the runs into --out; warnings (versions, seeds) on stderr. */
async function compareCommand(files: string[], out: string, names?: string): Promise<number> {
  const { loadRuns, writeComparison } = await import('../reporters/compare/compare.ts');
  const inputs = await loadRuns(files);
  await ensureDirectory(out);
  const { comparison, paths } = await writeComparison(inputs, out, names?.split(','));
  for (const w of comparison.warnings)
    process.stderr.write(`sso-oidc-conformance: warning: ${w}\n`);
  const rows = comparison.groups.reduce((n, g) => n + g.rows.length, 0);
  process.stdout.write(
    `${comparison.targets.length} targets, ${rows} requirements, ${comparison.differences.length} differ\n`,
  );
  process.stdout.write(`reports: ${paths.join(', ')}\n`);
  return 0;
}

/** `report`: report.html again from a results.json, into --out (default: beside the file). */
async function reportCommand(file: string, out?: string): Promise<number> {
  const { loadResults, writeHtmlReport } = await import('./report.ts');
  const loaded = await loadResults(file);
  const dir = out ?? path.dirname(loaded.file);
  await ensureDirectory(dir);
  const written = await writeHtmlReport(loaded, dir);
  for (const w of loaded.warnings) process.stderr.write(`sso-oidc-conformance: warning: ${w}\n`);
  process.stdout.write(`reports: ${written}\n`);
  return 0;
}

type CommandName = 'run' | 'serve' | 'list' | 'compare' | 'report';

/**
 * What a command does once its arguments are parsed: `act` runs it (main), or not (parseOnly).
 * `argv` is what yargs parsed.
 */
type Dispatch = (
  command: CommandName,
  argv: Record<string, unknown>,
  act: () => Promise<number | void>,
) => Promise<void>;

function buildParser(args: string[], dispatch: Dispatch) {
  return yargs(args)
    .scriptName('sso-oidc-conformance')
    .usage(
      '$0 [run] [options]: run the conformance suites (default: against the embedded reference server)',
    )
    .command(
      ['run', '$0'],
      'Run the suites',
      (y) => runOptions(y).epilog(examplesEpilog('run')),
      (argv) => dispatch('run', argv, () => runCommand(argv as RunArgv)),
    )
    .command(
      'serve',
      'Run the reference server alone (real time unless --virtual-clock)',
      (y) =>
        y
          .option('port', { type: 'number', default: 9000, describe: 'Port (0 = any free port)' })
          .option('host', {
            type: 'string',
            default: '127.0.0.1',
            describe: 'Address to listen on',
          })
          .option('interval', {
            type: 'number',
            default: 1,
            describe: 'Polling interval it sends (s)',
          })
          .option('expires-in', {
            type: 'number',
            default: 600,
            describe: 'Device code lifetime (s)',
          })
          .option('fault', {
            type: 'string',
            array: true,
            default: [],
            describe: 'Seeded fault (repeatable); see `list --faults`',
          })
          .option('slow-down', {
            type: 'string',
            choices: ['off', 'strict'],
            default: 'off',
            describe: 'strict: enforce the interval per device code with slow_down',
          })
          .option('like', {
            type: 'string',
            choices: ['aws'],
            describe: 'Behave like AWS as recorded (EVIDENCE.md), its RFC deviations included',
          })
          .option('virtual-clock', {
            type: 'boolean',
            default: false,
            describe: 'Virtual clock advanced through POST /__admin/advance',
          })
          .option('verification-uri', { type: 'string', describe: 'verificationUri it sends' })
          .requiresArg([
            'port',
            'host',
            'interval',
            'expires-in',
            'fault',
            'slow-down',
            'verification-uri',
            'like',
          ])
          .epilog(examplesEpilog('serve')),
      (argv) =>
        dispatch('serve', argv, async () => {
          const { serve } = await import('./serve.ts');
          const { checkFaultNames } = await import('../engine/target.ts');
          return serve({
            port: argv.port,
            host: argv.host,
            interval: argv.interval,
            expiresIn: argv['expires-in'],
            faults: checkFaultNames(
              argv.fault.flatMap((f) => String(f).split(',')).filter(Boolean),
            ),
            slowDown: argv['slow-down'] as 'off' | 'strict',
            virtualClock: argv['virtual-clock'],
            verificationUri: argv['verification-uri'],
            like: argv.like as 'aws' | undefined,
          });
        }),
    )
    .command(
      'list',
      'List every test with its requirement IDs, level and needs',
      (y) =>
        y
          .option('uncovered', {
            type: 'boolean',
            default: false,
            describe: 'List catalogue requirements no test covers yet',
          })
          .option('faults', {
            type: 'boolean',
            default: false,
            describe: 'List the seeded faults of the reference server',
          })
          .option('grep', { type: 'string', describe: 'Only tests whose name matches' })
          .option('config', {
            type: 'string',
            describe: 'JSON config file (its profile marks the tests a run would skip)',
          })
          .option('profile', {
            type: 'string',
            choices: ['aws', 'rfc8628'],
            describe: 'The wire profile a run would use (else SSOC_PROFILE or --config)',
          })
          .option('json', { type: 'boolean', default: false, describe: 'JSON output' })
          .requiresArg(['grep', 'config', 'profile'])
          .epilog(examplesEpilog('list')),
      (argv) =>
        dispatch('list', argv, async () => {
          const { listTests, listUncovered } = await import('./list.ts');
          await import('../../suites/index.ts'); // the tests (--uncovered: what they cite)
          const { ConfigError, configFromEnv, configFromFile, resolveConfig } =
            await import('../engine/config.ts');
          // The profile a run would use (--profile, SSOC_PROFILE, --config): tests for another
          // are marked, and --uncovered counts the faults of its front end.
          const { profile } = resolveConfig({
            file: argv.config ? configFromFile(argv.config) : undefined,
            env: configFromEnv(process.env),
            flags: { profile: argv.profile as ConfigInput['profile'] },
          });
          if (argv.uncovered) process.stdout.write(listUncovered({ json: argv.json, profile }));
          else if (argv.faults) process.stdout.write(listTests({ json: argv.json, faults: true }));
          else {
            const { RunError, selectTests } = await import('../engine/runner.ts');
            let tests;
            try {
              tests = selectTests({ grep: argv.grep });
            } catch (e) {
              throw new ConfigError(`--grep is not a valid regular expression: ${oneLine(e)}`);
            }
            if (tests.length === 0)
              throw new RunError(`no test matches --grep ${JSON.stringify(argv.grep)}`);
            process.stdout.write(listTests({ json: argv.json, tests, profile }));
          }
        }),
    )
    .command(
      'compare <results..>',
      'Compare runs side by side: requirements by targets, in compare.json, compare.md and compare.html',
      (y) =>
        y
          .positional('results', {
            type: 'string',
            array: true,
            describe: 'results.json of each run (or the reports directory holding it), 2 or more',
          })
          .option('names', {
            type: 'string',
            describe: 'Column names, one per run, comma-separated (default: from each target)',
          })
          .option('out', {
            type: 'string',
            demandOption: true,
            describe: 'Directory to write compare.json, compare.md and compare.html into',
          })
          .requiresArg(['names', 'out'])
          // A usage error: its line and the --help hint, as yargs' own complaints.
          .check((argv) => {
            const count = (argv.results ?? []).length;
            const names = argv.names?.split(',');
            if (count < 2)
              throw new UsageError(`compare needs at least 2 results.json, got ${count}`);
            if (names && names.length !== count)
              throw new UsageError(`--names gives ${names.length} names for ${count} results.json`);
            return true;
          })
          .epilog(examplesEpilog('compare')),
      (argv) =>
        dispatch('compare', argv, () =>
          compareCommand(argv.results!.map(String), argv.out, argv.names),
        ),
    )
    .command(
      'report <results>',
      'Render report.html again from a results.json (an old run, a CI artifact)',
      (y) =>
        y
          .positional('results', {
            type: 'string',
            demandOption: true,
            describe: 'results.json of a run (or the reports directory holding it)',
          })
          .option('out', {
            type: 'string',
            describe: 'Directory to write report.html into (default: that of the results.json)',
          })
          .requiresArg(['out'])
          .epilog(examplesEpilog('report')),
      (argv) => dispatch('report', argv, () => reportCommand(String(argv.results), argv.out)),
    )
    .strict()
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, error) => {
      // yargs' own complaints (YError) are settings problems; errors of the handlers pass as is.
      if (error && error.name !== 'YError') throw error;
      throw new UsageError(message ?? error?.message ?? 'invalid arguments');
    });
}

export async function main(args: string[]): Promise<number> {
  let exitCode = 0;
  await buildParser(args, async (_command, _argv, act) => {
    exitCode = (await act()) ?? exitCode;
  }).parseAsync();
  return exitCode;
}

/**
 * Parses `args` as main does, without running the command: which command, with what. Throws
 * what the CLI would report before it starts (an unknown option, a bad value, a run or serve
 * setting the config refuses with `env` as the environment, an unknown fault name). For tests:
 * an example cannot go stale.
 */
export async function parseOnly(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ command: CommandName; argv: Record<string, unknown> }> {
  let parsed: { command: CommandName; argv: Record<string, unknown> } | undefined;
  await buildParser(args, async (command, argv) => {
    parsed = { command, argv };
  })
    .exitProcess(false)
    .parseAsync();
  if (!parsed) throw new UsageError(`no command ran for: ${args.join(' ')}`);
  const { checkFaultNames } = await import('../engine/target.ts');
  if (parsed.command === 'run') {
    const { configFromEnv, resolveConfig } = await import('../engine/config.ts');
    const config = resolveConfig({
      env: configFromEnv(env),
      flags: flagsOf(parsed.argv as RunArgv),
    });
    if (!config.target) checkFaultNames(config.faults);
  }
  if (parsed.command === 'serve')
    checkFaultNames(
      (parsed.argv.fault as unknown[]).flatMap((f) => String(f).split(',')).filter(Boolean),
    );
  return parsed;
}

/** The message alone, on one line (yargs spreads some of its messages over several lines). */
function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/\s+/g, ' ').trim();
}

/** A complaint of yargs about the arguments: reported as a ConfigError is, with no module loaded. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Errors the user can act on print their message alone. Known by name: their classes live in
 * modules the failing command may never have loaded (and loading them to compare is slow).
 */
function isSettingsError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ConfigError' || e.name === 'UsageError');
}

function isKnownError(e: unknown): boolean {
  return isSettingsError(e) || (e instanceof Error && e.name === 'RunError');
}

/** Set by the commands that load the HTTP client: it is closed before exit. */
let closeHttp: (() => Promise<void>) | undefined;

function die(e: unknown): never {
  if (process.env.SSOC_DEBUG) console.error(e);
  process.stderr.write(`sso-oidc-conformance: error: ${oneLine(e)}\n`);
  process.exit(EXIT_COULD_NOT_RUN);
}

export async function cli(args: string[]): Promise<never> {
  // Whatever escapes (a socket error nobody listened to, say) is one line and exit 2, not a stack.
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
  // A reader that stops early (`list | head`) closes the pipe: the rest is not wanted.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') die(e);
  });
  let code: number;
  try {
    code = await main(args);
  } catch (e) {
    if (process.env.SSOC_DEBUG) console.error(e);
    const known = isKnownError(e);
    process.stderr.write(`sso-oidc-conformance: ${known ? '' : 'error: '}${oneLine(e)}\n`);
    if (isSettingsError(e)) process.stderr.write('see --help for the options\n');
    // In GitHub Actions the job's page says why too (the reporters never ran).
    if (process.env.GITHUB_ACTIONS === 'true') {
      const { annotateCouldNotRun } = await import('../reporters/github/actions.ts');
      annotateCouldNotRun(oneLine(e), process.env, (line) => process.stdout.write(line + '\n'));
    }
    code = EXIT_COULD_NOT_RUN;
  } finally {
    await closeHttp?.().catch(() => undefined);
  }
  // process.exit drops what a pipe has not taken yet (`list --json | jq` lost all past 64 KiB):
  // the callback of an empty write runs once everything written before it is flushed.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
