import type { HttpContext } from '../http/http.ts';
import type { RunTraffic } from '../engine/traffic.ts';
import { AwsProfile } from './aws.ts';
import type { Outcome, Profile, ProfileName } from './profile.ts';

/** Where a profile talks to and what it reports to: the same for every profile. */
export interface ProfileWiring {
  baseUrl: string;
  http: HttpContext;
  /** Every outcome, for the after-run rules; omitted for an endpoint that is not judged. */
  observe?: (outcome: Outcome<unknown>) => void;
  traffic?: RunTraffic;
}

/** Builds one profile for one endpoint. */
export type ProfileFactory = (wiring: ProfileWiring) => Profile;

/** Factories by profile name; a run may add its own (RunHooks.profiles: the tests' stub). */
export type ProfileFactories = Partial<Record<ProfileName, ProfileFactory>>;

/** The AWS profile, sharing the run's traffic limits. */
export function awsProfile(wiring: ProfileWiring): AwsProfile {
  const profile = new AwsProfile(wiring.baseUrl, wiring.http, wiring.observe);
  profile.traffic = wiring.traffic;
  return profile;
}

/** The profiles the tool ships. The plain RFC 8628 profile (next issue) is one more entry. */
const SHIPPED: ProfileFactories = { aws: awsProfile };

/**
 * The one place a wire profile is chosen from the configuration, so the runner never names a
 * profile class. `injected` factories come before the shipped ones (a test's stub profile).
 */
export function createProfile(
  config: { profile: ProfileName },
  wiring: ProfileWiring,
  injected: ProfileFactories = {},
): Profile {
  const make = injected[config.profile] ?? SHIPPED[config.profile];
  if (make === undefined) throw new Error(`profile '${config.profile}' is not implemented yet`);
  return make(wiring);
}

/**
 * The profile as the AWS profile, for the context's AWS-only doors (a quiet profile for property
 * tests, a second region's endpoint): those skip under another profile before they ask.
 */
export function asAwsProfile(profile: Profile): AwsProfile {
  if (profile instanceof AwsProfile) return profile;
  throw new Error(`the ${profile.name} profile has no AWS wire (an AWS-only test was not skipped)`);
}
