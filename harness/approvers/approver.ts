import type { DeviceAuthorization } from '../profiles/profile.ts';

/** The end-user step of the device flow: somebody approves or denies a user code. */
export type Decision = 'approve' | 'deny';

export interface Approver {
  readonly name: string;
  decide(decision: Decision, auth: DeviceAuthorization, signal: AbortSignal): Promise<void>;
}

/** The approver could not make the decision: a harness problem, never a verdict on the target. */
export class ApproverError extends Error {
  override readonly name = 'ApproverError';
}
