import type { TestNeeds } from './registry.ts';
import type { ContextServices } from './context.ts';
import { NO_APPROVER } from './fixtures/approval.ts';
import { NO_IAM_SETTINGS } from './fixtures/iam.ts';
import { noRegistration } from './fixtures/registration.ts';
import type { Profile } from '../profiles/profile.ts';

/**
 * Why a test cannot be judged here, decided from what it declares (`needs`) and what the run
 * has (the configured approver, the target's IAM settings) before it starts: the runner then
 * reports it skipped and it sends no request. The reasons are those the fixtures skip with
 * inside a test, so a skip reads the same whichever catches it.
 *
 * Not decided here, because only the test can: a declared `wait` (it depends on the expiresIn
 * and interval the server answers), IAM credentials (a deliberately unsigned request needs
 * none) and an approver that must use the verification page (not declared in `needs`).
 */
export function unmetNeed(
  needs: TestNeeds | undefined,
  run: Pick<ContextServices, 'approver' | 'iam'> & {
    profile?: Pick<Profile, 'name' | 'registration'>;
  },
): string | undefined {
  if (needs?.approver && run.approver === undefined) return NO_APPROVER;
  if (needs?.registration && run.profile !== undefined && run.profile.registration === undefined)
    return noRegistration(run.profile.name);
  if (needs?.iam) {
    const iam = run.iam ?? { unavailable: NO_IAM_SETTINGS };
    if ('unavailable' in iam) return iam.unavailable;
  }
  return undefined;
}
