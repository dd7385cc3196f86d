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

/**
 * The server offers the user no way to make this decision (glewlwyd's pages, for one, have no
 * button to deny a device authorization): RFC 8628 defines what a denial looks like on the wire
 * but requires no server to offer one. The test that needs the decision is skipped, not errored.
 * An exec approver says so by exiting with DECISION_UNAVAILABLE_EXIT.
 */
export class DecisionUnavailable extends ApproverError {}

/** The exec approver's exit status for DecisionUnavailable (77: "skipped", as in Automake tests). */
export const DECISION_UNAVAILABLE_EXIT = 77;
