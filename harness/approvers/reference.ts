import { postAdminRoute } from '../http/admin-route.ts';
import {
  ApproverError,
  AuthorizationRefused,
  DecisionUnavailable,
  type Approver,
  type Decision,
} from './approver.ts';
import type { DeviceAuthorization } from '../profiles/profile.ts';
import type { AuthorizationRequest } from '../oauth/authorization-request.ts';

/** What the in-process approver needs of an embedded reference server. */
export interface ReferenceServerControls {
  approve(userCode: string): boolean;
  deny(userCode: string): boolean;
  /** False when the end user cannot deny at all (the `no-denial` variation). */
  offersDenial(): boolean;
  authorize(url: string, decision?: Decision): { status: number; location?: string };
}

/** No redirect: a 400 page is the server refusing the request (AuthorizationRefused). */
function refusal(status: number | undefined): ApproverError {
  const message = `the authorization page answered ${status ?? '?'} without a redirect`;
  return status === 400 ? new AuthorizationRefused(message) : new ApproverError(message);
}

/** Decides in-process on an embedded reference server. */
export class InProcessReferenceApprover implements Approver {
  readonly name = 'reference';
  constructor(private readonly server: ReferenceServerControls) {}

  async decide(decision: Decision, auth: DeviceAuthorization): Promise<void> {
    if (decision === 'deny' && !this.server.offersDenial())
      throw new DecisionUnavailable('the reference server offers no way to deny (no-denial)');
    const done =
      decision === 'approve' ? this.server.approve(auth.userCode) : this.server.deny(auth.userCode);
    if (!done)
      throw new ApproverError(`reference server did not ${decision} user code ${auth.userCode}`);
  }

  async authorize(request: AuthorizationRequest, decision: Decision): Promise<string> {
    const { status, location } = this.server.authorize(request.url, decision);
    if (!location) throw refusal(status);
    return location;
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
    await this.post(decision, { userCode: auth.userCode }, signal);
  }

  async authorize(
    request: AuthorizationRequest,
    decision: Decision,
    signal: AbortSignal,
  ): Promise<string> {
    const body = (await this.post('authorize', { url: request.url, decision }, signal)) as {
      status?: number;
      location?: string;
    };
    if (!body.location) throw refusal(body.status);
    return body.location;
  }

  private post(route: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    return postAdminRoute(`${this.baseUrl}/__admin/${route}`, body, {
      signal,
      timeoutMs: this.timeoutMs,
      // 501: the server offers no way to make this decision (the `no-denial` variation).
      fail: (message, status) =>
        status === 501
          ? new DecisionUnavailable(`reference approver: ${message}`)
          : new ApproverError(`reference approver: ${message}`),
    });
  }
}
