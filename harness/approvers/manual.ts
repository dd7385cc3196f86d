import { createInterface } from 'node:readline';
import { ApproverError, type Approver, type Decision } from './approver.ts';
import type { DeviceAuthorization } from '../profiles/profile.ts';
import { findRedirect, type AuthorizationRequest } from '../oauth/authorization-request.ts';

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
    const link = auth.verificationUriComplete ?? auth.verificationUri;
    const text =
      `\n>>> ${decision.toUpperCase()} this request: open ${link}\n` +
      `    user code: ${auth.userCode}\n` +
      `    press Enter when you have chosen "${decision}"... `;
    return this.turn(() => this.prompt(text, signal)).then(() => undefined);
  }

  authorize(
    request: AuthorizationRequest,
    decision: Decision,
    signal: AbortSignal,
  ): Promise<string> {
    const text =
      `\n>>> Open ${request.url}\n` +
      `    log in and ${decision === 'approve' ? 'allow' : 'deny'} access; the browser then goes to ${request.redirectUri}…\n` +
      `    paste that full address here and press Enter: `;
    return this.turn(() => this.prompt(text, signal)).then((line) => {
      const location = findRedirect(line, request.redirectUri);
      if (!location)
        throw new ApproverError(`the pasted address does not start with ${request.redirectUri}`);
      return location;
    });
  }

  /** One prompt at a time: concurrent tests wait their turn. */
  private turn<T>(ask: () => Promise<T>): Promise<T> {
    const next = this.queue.then(ask);
    this.queue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private prompt(text: string, signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      process.stderr.write(text);
      const timer = setTimeout(
        () => done(new ApproverError('manual approval timed out')),
        this.timeoutMs,
      );
      const onAbort = () => done(new ApproverError('manual approval aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      rl.once('line', (line) => done(undefined, line));
      function done(error?: Error, line = '') {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        rl.close();
        if (error) reject(error);
        else resolve(line);
      }
    });
  }
}
