// The exec approver's exit statuses: 0 the decision was made, 77 the server offers no way to
// make it (DecisionUnavailable: the test is skipped), anything else a harness error.
import { describe, expect, it } from 'vitest';
import {
  ApproverError,
  DECISION_UNAVAILABLE_EXIT,
  DecisionUnavailable,
} from '../harness/approvers/approver.ts';
import { ExecApprover } from '../harness/approvers/exec.ts';
import type { DeviceAuthorization } from '../harness/profiles/profile.ts';

const auth = {
  deviceCode: 'dc',
  userCode: 'ABCD-EFGH',
  verificationUri: 'http://127.0.0.1:1/device',
  expiresIn: 600,
} as DeviceAuthorization;

function decide(command: string, decision: 'approve' | 'deny' = 'deny') {
  return new ExecApprover(command, 'http://127.0.0.1:1', 5000, (s) => s).decide(
    decision,
    auth,
    new AbortController().signal,
  );
}

describe('exec approver exit statuses', () => {
  it('0: the decision was made', async () => {
    await expect(decide('test "$SSOC_DECISION" = deny')).resolves.toBeUndefined();
  });

  it(`${DECISION_UNAVAILABLE_EXIT}: the server offers no such choice, with the command's reason`, async () => {
    const failure = await decide(`echo 'no deny button' >&2; exit ${DECISION_UNAVAILABLE_EXIT}`)
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DecisionUnavailable);
    expect((failure as Error).message).toMatch(/exited with 77: no deny button/);
  });

  it('any other status: a harness error, not a skip', async () => {
    const failure = await decide('exit 1')
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApproverError);
    expect(failure).not.toBeInstanceOf(DecisionUnavailable);
  });
});
