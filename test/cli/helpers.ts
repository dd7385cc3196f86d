/**
 * Runs the published entry point (bin/sso-oidc-conformance.mjs) as a child process, always
 * asynchronously: servers that the child talks to may live in the test process.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin/sso-oidc-conformance.mjs');

export interface CliResult {
  /** Exit code; null when the child was killed (by the helper's own time limit). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the child, in milliseconds. */
  ms: number;
}

/**
 * The environment without any SSOC_* variable of the person running the tests, nor GitHub
 * Actions' (GITHUB_ACTIONS, GITHUB_STEP_SUMMARY): tests run in CI would append to its summary.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('SSOC_') && !k.startsWith('GITHUB_')),
  );
  return { ...env, NO_COLOR: '1', ...extra };
}

export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; killAfterMs?: number } = {},
): Promise<CliResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: opts.cwd ?? ROOT,
        env: cleanEnv(opts.env),
        timeout: opts.killAfterMs ?? 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - t0 });
      },
    );
  });
}

const dirs: string[] = [];

/** A fresh temporary directory, removed after the file's tests. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ssoc-cli-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** A line of a stack trace, as Node prints it. */
export const STACK_LINE = /^\s+at .+/m;

export const HELP_HINT = 'see --help for the options';

/**
 * Exit 2 with exactly one line on stderr (plus at most the --help hint), naming the problem,
 * and no stack trace anywhere.
 */
export function expectCouldNotRun(r: CliResult, pattern: RegExp): void {
  const context = `stderr:\n${r.stderr}\nstdout:\n${r.stdout.slice(-2000)}`;
  expect(r.code, context).toBe(2);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  const [first, ...rest] = lines;
  expect(
    rest.filter((l) => l !== HELP_HINT),
    context,
  ).toEqual([]);
  expect(first, context).toMatch(/^sso-oidc-conformance: /);
  expect(first, context).toMatch(pattern);
  expect(r.stderr + r.stdout, context).not.toMatch(STACK_LINE);
}

export interface Served {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `serve --port 0 ...` as a child; resolves once it printed its URL (first stdout line:
 * `reference server listening on <url>`).
 */
export function startServe(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve did not print its URL within 20 s: ${out}${err}`));
    }, 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /^reference server listening on (http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, output: () => out + err, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL: ${out}${err}`));
    });
  });
}

/**
 * Secret values in clear: a sensitive member followed by a value that is not a redaction marker,
 * in JSON, in JSON inside a JSON string, or in XML-escaped JSON.
 */
export const CLEAR_SECRET =
  /(clientSecret|client_secret|accessToken|access_token|refreshToken|refresh_token)(\\?"|&quot;)\s*:\s*(\\?"|&quot;)(?!«redacted:)/;

/** The curl command of the exec approver contract (README): the decision through /__admin. */
export const CURL_APPROVER =
  'curl -fsS -X POST "$SSOC_TARGET/__admin/$SSOC_DECISION" -H content-type:application/json ' +
  '-d "{\\"userCode\\":\\"$SSOC_USER_CODE\\",\\"url\\":\\"$SSOC_AUTHORIZATION_URL\\"}"';
