import { describe, expect, it } from 'vitest';
import { ApproverError } from '../../harness/approvers/approver.ts';
import { TestSkip } from '../../harness/api/context.ts';
import { AUTH, fakeContext, recordingApprover } from './fake-context.ts';

/** attemptDecision: the one approval attempt that returns the approver's failure. */
describe('attemptDecision', () => {
  it('hands the approver the authorization as displayed, and reports success as undefined', async () => {
    const approver = recordingApprover();
    const t = fakeContext({ approver });
    expect(await t.attemptDecision('approve', AUTH)).toBeUndefined();
    expect(approver.asked).toEqual([{ decision: 'approve', auth: AUTH }]);
  });

  it('typed: the user code as typed, and no verification_uri_complete to follow', async () => {
    const approver = recordingApprover();
    const t = fakeContext({ approver });
    await t.attemptDecision('approve', AUTH, { typed: 'abcdefgh' });
    const handed = approver.asked[0]!.auth;
    expect(handed.userCode).toBe('abcdefgh');
    expect(handed.verificationUriComplete).toBeUndefined();
    expect(AUTH.verificationUriComplete).toBeDefined(); // the caller's value is not touched
  });

  it('passes either decision on', async () => {
    const approver = recordingApprover();
    await fakeContext({ approver }).attemptDecision('deny', AUTH);
    expect(approver.asked.map((a) => a.decision)).toEqual(['deny']);
  });

  it("returns the approver's failure instead of ending the test", async () => {
    const approver = recordingApprover(() => {
      throw new ApproverError('the page refused the code');
    });
    const refused = await fakeContext({ approver }).attemptDecision('approve', AUTH);
    expect(refused).toBeInstanceOf(ApproverError);
    expect(refused?.message).toBe('the page refused the code');
  });

  it('lets any other error end the test (a harness problem is not an answer)', async () => {
    const approver = recordingApprover(() => {
      throw new TypeError('bug');
    });
    await expect(fakeContext({ approver }).attemptDecision('approve', AUTH)).rejects.toThrow(
      TypeError,
    );
  });

  it('skips the test when no approver is configured', async () => {
    await expect(fakeContext().attemptDecision('approve', AUTH)).rejects.toThrow(TestSkip);
  });
});
