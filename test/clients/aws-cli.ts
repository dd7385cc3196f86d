import { isSensitiveKey, Redactor } from '../../harness/http/redact.ts';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's awscli package (v2); a plain `aws` on PATH may be another version. */
export const AWS_CLI = '/usr/bin/aws';

export const AWS_CLI_SKIP_REASON = `AWS CLI v2 not found at ${AWS_CLI}; apt-get install awscli`;

/** `aws-cli/2.9.19 Python/...`, or undefined when AWS_CLI is missing or not version 2. */
export function awsCliV2Version(): string | undefined {
  try {
    // Synchronous is fine here: no in-process server exists yet. v1 printed to stderr.
    const out = execFileSync(AWS_CLI, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AWS_PAGER: '' },
    });
    const line = out.trim();
    return /^aws-cli\/2\./.test(line) ? line : undefined;
  } catch {
    return undefined;
  }
}

export interface CliResult {
  /** The arguments after `aws`, for messages. */
  args: string[];
  /** Exit code; null when killed (timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Parsed stdout, or undefined when it is not JSON. */
  json: any;
  ms: number;
}

/** A sandbox for running the CLI: temp HOME, empty config and credentials files. */
export class AwsCliSandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'aws-cli-test-'));
  readonly env: NodeJS.ProcessEnv;

  constructor(readonly endpointUrl: string) {
    const config = join(this.dir, 'config');
    const credentials = join(this.dir, 'credentials');
    writeFileSync(config, '');
    writeFileSync(credentials, '');
    // Built from nothing rather than from process.env: no AWS_PROFILE, AWS_ACCESS_KEY_ID,
    // proxies or real config can leak in.
    this.env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      HOME: this.dir,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_PAGER: '',
      AWS_CLI_AUTO_PROMPT: 'off',
      AWS_EC2_METADATA_DISABLED: 'true',
      // One attempt: a retried error would only slow the test down and hide the first reply.
      AWS_MAX_ATTEMPTS: '1',
      AWS_RETRY_MODE: 'standard',
      NO_PROXY: '*',
    };
  }

  /** Runs `aws <args>` against the endpoint, asynchronously (the server is in-process). */
  run(args: string[], timeoutMs = 60_000): Promise<CliResult> {
    const full = [
      ...args,
      '--endpoint-url',
      this.endpointUrl,
      '--no-sign-request',
      '--region',
      'us-east-1',
      '--output',
      'json',
    ];
    const started = Date.now();
    return new Promise((resolve) => {
      execFile(
        AWS_CLI,
        full,
        { env: this.env, cwd: this.dir, timeout: timeoutMs, encoding: 'utf8' },
        (error, stdout, stderr) => {
          let json: unknown;
          try {
            json = JSON.parse(stdout);
          } catch {
            json = undefined;
          }
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ args, code, stdout, stderr, json, ms: Date.now() - started });
        },
      );
    });
  }

  /**
   * Runs `aws <args>` exactly as given (no endpoint, signing, region or output arguments added),
   * asynchronously, streaming: `onStdout` sees the whole stdout so far each time more arrives,
   * so a test can react while the CLI waits (e.g. approve the user code `aws sso login` prints).
   * `env` is merged over the sandbox environment. After `timeoutMs` the CLI is killed (SIGKILL)
   * and `code` is null.
   */
  spawn(
    args: string[],
    options: {
      env?: NodeJS.ProcessEnv;
      timeoutMs?: number;
      onStdout?: (stdoutSoFar: string) => void;
    } = {},
  ): Promise<CliResult> {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(AWS_CLI, args, {
        env: { ...this.env, ...options.env },
        cwd: this.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs ?? 60_000);
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        options.onStdout?.(stdout);
      });
      child.stderr.on('data', (chunk: string) => (stderr += chunk));
      const finish = (code: number | null, note?: string) => {
        clearTimeout(timer);
        if (timedOut) stderr += `\n[killed after ${options.timeoutMs ?? 60_000} ms]`;
        if (note) stderr += `\n[${note}]`;
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({
          args,
          code: timedOut ? null : code,
          stdout,
          stderr,
          json,
          ms: Date.now() - started,
        });
      };
      child.on('error', (error) => finish(null, `spawn failed: ${error.message}`));
      child.on('close', (code) => finish(code));
    });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * One `--name=value` argument. The joined form keeps a value that starts with `-` (a base64url
 * device code or token may) from being read by the CLI's argument parser as another option.
 */
export function option(name: string, value: string): string {
  return `--${name}=${value}`;
}

/** Command, exit and output for an assertion message, with secrets redacted (CL-19). */
export function describeRun(r: CliResult): string {
  const redactor = new Redactor();
  // Secrets passed as arguments (learnt in an earlier run, e.g. the client secret) are hidden too.
  r.args.forEach((arg, i) => {
    const joined = /^--([a-z-]+)=(.*)$/s.exec(arg);
    const [name, value] = joined ? [joined[1], joined[2]] : [arg.slice(2), r.args[i + 1]];
    if (!arg.startsWith('--') || value === undefined) return;
    const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (isSensitiveKey(camel)) redactor.addSecret(value);
  });
  const stdout = redactor.body(r.stdout.trim());
  return redactor.text(
    [
      `aws ${r.args.join(' ')}`,
      `exit ${r.code} after ${r.ms} ms`,
      `stdout: ${stdout || '(empty)'}`,
      `stderr: ${r.stderr.trim() || '(empty)'}`,
    ].join('\n'),
  );
}
