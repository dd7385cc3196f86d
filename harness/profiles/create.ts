import type { HttpContext } from '../http/http.ts';
import type { RunTraffic } from '../engine/traffic.ts';
import type { Config } from '../engine/config.ts';
import type { OauthEndpoints } from '../oauth/discovery.ts';
import { AwsProfile } from './aws.ts';
import type { Outcome, Profile, ProfileName } from './profile.ts';
import { isClientAuthMethod, Rfc8628Profile, type ClientAuthMethod } from './rfc8628.ts';

/** Where a profile talks to and what it reports to: the same for every profile. */
export interface ProfileWiring {
  baseUrl: string;
  http: HttpContext;
  /** Every outcome, for the after-run rules; omitted for an endpoint that is not judged. */
  observe?: (outcome: Outcome<unknown>) => void;
  traffic?: RunTraffic;
  /** The plain OAuth endpoints (rfc8628): the embedded server's, or discovered for the run. */
  oauth?: OauthEndpoints;
}

/** The settings a profile reads besides its wiring. */
export type ProfileSettings = Pick<Config, 'profile'> &
  Partial<Pick<Config, 'clientAuth' | 'clientSecret' | 'scope' | 'target' | 'issuer'>>;

/** Builds one profile for one endpoint. */
export type ProfileFactory = (wiring: ProfileWiring, settings: ProfileSettings) => Profile;

/** Factories by profile name; a run may add its own (RunHooks.profiles: the tests' stub). */
export type ProfileFactories = Partial<Record<ProfileName, ProfileFactory>>;

/** The AWS profile, sharing the run's traffic limits. */
export function awsProfile(wiring: ProfileWiring): AwsProfile {
  const profile = new AwsProfile(wiring.baseUrl, wiring.http, wiring.observe);
  profile.traffic = wiring.traffic;
  return profile;
}

/**
 * The plain RFC 8628 profile. Client authentication: as configured; else the one method of ours
 * the metadata publishes, when it publishes one; else client_secret_basic where clients have
 * secrets (the embedded server's registrations, a --client-id with SSOC_CLIENT_SECRET), else
 * none (a public client).
 */
export function rfc8628Profile(wiring: ProfileWiring, settings: ProfileSettings): Rfc8628Profile {
  if (wiring.oauth === undefined) throw new Error('the rfc8628 profile needs its endpoints');
  const withSecrets = settings.target === undefined || settings.clientSecret !== undefined;
  const published = wiring.oauth.tokenEndpointAuthMethods?.filter(isClientAuthMethod);
  const clientAuth: ClientAuthMethod =
    (settings.clientAuth as ClientAuthMethod | undefined) ??
    (published?.length === 1 ? published[0]! : undefined) ??
    (withSecrets ? 'client_secret_basic' : 'none');
  const profile = new Rfc8628Profile(wiring.oauth, clientAuth, wiring.http, wiring.observe, {
    scope: settings.scope?.split(' '),
    issuer: settings.issuer ?? wiring.baseUrl,
  });
  profile.traffic = wiring.traffic;
  return profile;
}

/** The profiles the tool ships. */
const SHIPPED: ProfileFactories = { aws: awsProfile, rfc8628: rfc8628Profile };

/**
 * The one place a wire profile is chosen from the configuration, so the runner never names a
 * profile class. `injected` factories come before the shipped ones (a test's stub profile).
 */
export function createProfile(
  config: ProfileSettings,
  wiring: ProfileWiring,
  injected: ProfileFactories = {},
): Profile {
  const make = injected[config.profile] ?? SHIPPED[config.profile];
  if (make === undefined) throw new Error(`profile '${config.profile}' is not implemented yet`);
  return make(wiring, config);
}

/**
 * The profile as the AWS profile, for the context's AWS-only doors (a quiet profile for property
 * tests, a second region's endpoint): those skip under another profile before they ask.
 */
export function asAwsProfile(profile: Profile): AwsProfile {
  if (profile instanceof AwsProfile) return profile;
  throw new Error(`the ${profile.name} profile has no AWS wire (an AWS-only test was not skipped)`);
}
