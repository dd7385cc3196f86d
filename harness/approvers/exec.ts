import { spawn } from 'node:child_process';
import { ApproverError, type Approver, type Decision } from './approver.ts';
import type { DeviceAuthorization } from '../profiles/profile.ts';

const STDERR_LIMIT = 4096;

/**
 * Runs a user command through `sh -c` (the exec approver contract in README):
 * SSOC_DECISION, SSOC_USER_CODE, SSOC_VERIFICATION_URI, SSOC_VERIFICATION_URI_COMPLETE
 * (empty when absent) and SSOC_TARGET are set. Exit 0 means the decision was made.
 */
export class ExecApprover implements Approver {
  readonly name = 'exec';
  constructor(
    private readonly command: string,
    private readonly target: string,
    private readonly timeoutMs: number,
    private readonly scrub: (text: string) => string,
  ) {}

  decide(decision: Decision, auth: DeviceAuthorization, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', this.command], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          SSOC_DECISION: decision,
          SSOC_USER_CODE: auth.userCode,
          SSOC_VERIFICATION_URI: auth.verificationUri,
          SSOC_VERIFICATION_URI_COMPLETE: auth.verificationUriComplete ?? '',
          SSOC_TARGET: this.target,
        },
        detached: true,
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8');
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
        finish(new ApproverError(`approver command timed out after ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      const onAbort = () => {
        kill();
        finish(new ApproverError('approver command aborted'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      child.on('error', (e) =>
        finish(new ApproverError(`approver command failed to start: ${e.message}`)),
      );
      child.on('close', (code, sig) => {
        if (code === 0) return finish();
        const detail = this.scrub(stderr.trim().slice(0, STDERR_LIMIT)).replace(/\s+/g, ' ');
        finish(
          new ApproverError(
            `approver command (${decision} ${auth.userCode}) exited with ${sig ?? code}` +
              (detail ? `: ${detail}` : ''),
          ),
        );
      });
    });
  }
}
