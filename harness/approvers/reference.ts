import { ApproverError, type Approver, type Decision } from './approver.ts';
import type { DeviceAuthorization } from '../profiles/profile.ts';

/** Decides in-process on an embedded reference server. */
export class InProcessReferenceApprover implements Approver {
  readonly name = 'reference';
  constructor(
    private readonly server: {
      approve(userCode: string): boolean;
      deny(userCode: string): boolean;
    },
  ) {}
  async decide(decision: Decision, auth: DeviceAuthorization): Promise<void> {
    const done =
      decision === 'approve' ? this.server.approve(auth.userCode) : this.server.deny(auth.userCode);
    if (!done)
      throw new ApproverError(`reference server did not ${decision} user code ${auth.userCode}`);
  }
}

/** Decides through the admin routes of a reference server started with `serve`. */
export class AdminRouteApprover implements Approver {
  readonly name = 'reference';
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}
  async decide(decision: Decision, auth: DeviceAuthorization, signal: AbortSignal): Promise<void> {
    const url = `${this.baseUrl}/__admin/${decision}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userCode: auth.userCode }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      });
    } catch (e) {
      throw new ApproverError(`reference approver could not reach ${url}: ${(e as Error).message}`);
    }
    if (!res.ok) {
      throw new ApproverError(`reference approver: ${url} answered ${res.status}`);
    }
  }
}
