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

/**
 * The one place a wire profile is chosen from the configuration, so the runner never names a
 * profile class: the plain RFC 8628 profile (next issue) is one more case here.
 */
export function createProfile(config: { profile: ProfileName }, wiring: ProfileWiring): AwsProfile {
  switch (config.profile) {
    case 'aws': {
      const profile = new AwsProfile(wiring.baseUrl, wiring.http, wiring.observe);
      profile.traffic = wiring.traffic;
      return profile;
    }
    default:
      throw new Error(`profile '${config.profile}' is not implemented yet`);
  }
}
