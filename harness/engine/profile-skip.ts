import type { TestDefinition } from '../api/registry.ts';
import type { ProfileName } from '../profiles/profile.ts';

/**
 * Why a test does not run under the target's profile, or undefined when it does. A test tagged
 * `profiles: ['aws']` judges the AWS wire (x-amzn-ErrorType, camelCase members, SigV4): under
 * another profile it is reported as skipped with this reason, never run and never failed, so
 * the report still shows what was not judged (OIDF's @VariantNotApplicable).
 */
export function profileSkipReason(def: TestDefinition, profile: ProfileName): string | undefined {
  const only = def.meta.profiles;
  if (only === undefined || only.includes(profile)) return undefined;
  return `${only.map((p) => p.toUpperCase()).join('/')}-only: the target speaks ${profile}`;
}
