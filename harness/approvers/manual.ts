import { createInterface } from 'node:readline';
import { ApproverError, type Approver, type Decision } from './approver.ts';
import type { DeviceAuthorization } from '../profiles/profile.ts';

/**
 * A person at the terminal: prints the verification URI and the user code (CL-16: the code is
 * always shown, even with a complete URI) and waits for Enter. Only usable when stdin is a TTY;
 * prompts are taken one at a time.
 */
export class ManualApprover implements Approver {
  readonly name = 'manual';
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly timeoutMs: number) {
    if (!process.stdin.isTTY) {
      throw new ApproverError(
        'the manual approver needs an interactive terminal (stdin is not a TTY)',
      );
    }
  }

  decide(decision: Decision, auth: DeviceAuthorization, signal: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.prompt(decision, auth, signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private prompt(
    decision: Decision,
    auth: DeviceAuthorization,
    signal: AbortSignal,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const link = auth.verificationUriComplete ?? auth.verificationUri;
      process.stderr.write(
        `\n>>> ${decision.toUpperCase()} this request: open ${link}\n` +
          `    user code: ${auth.userCode}\n` +
          `    press Enter when you have chosen "${decision}"... `,
      );
      const timer = setTimeout(
        () => done(new ApproverError('manual approval timed out')),
        this.timeoutMs,
      );
      const onAbort = () => done(new ApproverError('manual approval aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      rl.once('line', () => done());
      function done(error?: Error) {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        rl.close();
        if (error) reject(error);
        else resolve();
      }
    });
  }
}
