import { spawn } from 'node:child_process';
import {
  ApproverError,
  DECISION_UNAVAILABLE_EXIT,
  DecisionUnavailable,
  type Approver,
  type Decision,
} from './approver.ts';
import type { DeviceAuthorization } from '../profiles/profile.ts';
import { findRedirect, type AuthorizationRequest } from '../oauth/authorization-request.ts';

const OUTPUT_LIMIT = 8192;

/**
 * Runs a user command through `sh -c` (the exec approver contract in README), once per
 * decision. Device flow: SSOC_DECISION (approve|deny), SSOC_USER_CODE, SSOC_VERIFICATION_URI,
 * SSOC_VERIFICATION_URI_COMPLETE (empty when absent), SSOC_TARGET. Authorization code flow:
 * SSOC_DECISION=authorize (or deny), SSOC_AUTHORIZATION_URL, SSOC_REDIRECT_URI, SSOC_TARGET;
 * the command prints the URL the browser was redirected to. Exit 0 means the decision was made;
 * exit 77 that the server offers no way to make it (DecisionUnavailable: the test is skipped).
 */
export class ExecApprover implements Approver {
  readonly name = 'exec';
  constructor(
    private readonly command: string,
    private readonly target: string,
    private readonly timeoutMs: number,
    private readonly scrub: (text: string) => string,
  ) {}

  async decide(decision: Decision, auth: DeviceAuthorization, signal: AbortSignal): Promise<void> {
    await this.run(
      `${decision} ${auth.userCode}`,
      {
        SSOC_DECISION: decision,
        SSOC_USER_CODE: auth.userCode,
        SSOC_VERIFICATION_URI: auth.verificationUri,
        SSOC_VERIFICATION_URI_COMPLETE: auth.verificationUriComplete ?? '',
      },
      signal,
    );
  }

  async authorize(
    request: AuthorizationRequest,
    decision: Decision,
    signal: AbortSignal,
  ): Promise<string> {
    const stdout = await this.run(
      `${decision === 'approve' ? 'authorize' : 'deny'} ${request.url.split('?')[0]}`,
      {
        SSOC_DECISION: decision === 'approve' ? 'authorize' : 'deny',
        SSOC_AUTHORIZATION_URL: request.url,
        SSOC_REDIRECT_URI: request.redirectUri,
      },
      signal,
    );
    const location = findRedirect(stdout, request.redirectUri);
    if (!location)
      throw new ApproverError(
        `approver command printed no URL starting with ${request.redirectUri}`,
      );
    return location;
  }

  /** Run the command with `env` added; resolves with its standard output. */
  private run(what: string, env: Record<string, string>, signal: AbortSignal): Promise<string> {
    return runShellCommand({
      command: this.command,
      env: { ...env, SSOC_TARGET: this.target },
      timeoutMs: this.timeoutMs,
      signal,
      label: `approver command`,
      what,
      scrub: this.scrub,
      fail: (message) => new ApproverError(message),
      unavailableExit: DECISION_UNAVAILABLE_EXIT,
      unavailable: (message) => new DecisionUnavailable(message),
    });
  }
}

export interface ShellCommand {
  command: string;
  /** Added to the environment of the harness. */
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  /** What the command is, for messages: `approver command`. */
  label: string;
  /** What it was asked to do, for messages (scrubbed). */
  what: string;
  /** Redacts secrets from text that goes into a message. */
  scrub: (text: string) => string;
  /** The error a failure is reported as (a harness problem, never a verdict). */
  fail: (message: string) => Error;
  /** An exit status that means "cannot be done here", reported through `unavailable`. */
  unavailableExit?: number;
  unavailable?: (message: string) => Error;
}

/**
 * Runs `sh -c command` in its own process group (killed whole on timeout or abort); resolves
 * with its standard output when it exits 0. Output is kept up to 8 KiB per stream.
 */
export function runShellCommand(c: ShellCommand): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', c.command], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...c.env },
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < OUTPUT_LIMIT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < OUTPUT_LIMIT) stderr += chunk.toString('utf8');
    });
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      kill();
      finish(c.fail(`${c.label} timed out after ${c.timeoutMs / 1000} s`));
    }, c.timeoutMs);
    const onAbort = () => {
      kill();
      finish(c.fail(`${c.label} aborted`));
    };
    c.signal.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      c.signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(stdout);
    };
    child.on('error', (e) => finish(c.fail(`${c.label} failed to start: ${e.message}`)));
    child.on('close', (code, sig) => {
      if (code === 0) return finish();
      const detail = c.scrub(stderr.trim().slice(0, OUTPUT_LIMIT)).replace(/\s+/g, ' ');
      const message =
        `${c.label} (${c.scrub(c.what)}) exited with ${sig ?? code}` +
        (detail ? `: ${detail}` : '');
      finish(
        code === c.unavailableExit && c.unavailable ? c.unavailable(message) : c.fail(message),
      );
    });
  });
}
