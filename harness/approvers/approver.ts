import type { DeviceAuthorization } from '../profiles/profile.ts';
import type { AuthorizationRequest } from '../oauth/authorization-request.ts';

/** The end-user step of the device flow: somebody approves or denies a user code. */
export type Decision = 'approve' | 'deny';

export interface Approver {
  readonly name: string;
  decide(decision: Decision, auth: DeviceAuthorization, signal: AbortSignal): Promise<void>;
  /**
   * The browser step of the authorization code grant: log in and consent (or deny) at
   * `request.url`; resolves with the URL the browser is then redirected to. Approvers that
   * cannot do it leave it out, and the tests that need it are skipped.
   */
  authorize?(
    request: AuthorizationRequest,
    decision: Decision,
    signal: AbortSignal,
  ): Promise<string>;
}

/** The approver could not make the decision: a harness problem, never a verdict on the target. */
export class ApproverError extends Error {
  override readonly name = 'ApproverError';
}

/**
 * The authorization page answered, and refused to send the browser back (RFC 6749 §4.1.2.1: it
 * does so only when the client_id or the redirect_uri cannot be trusted). Unlike the other
 * approver errors this is the target's answer, seen by an approver that reads the page's status.
 */
export class AuthorizationRefused extends ApproverError {}
