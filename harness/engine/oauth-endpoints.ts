import { ExchangeLog } from '../http/exchange.ts';
import type { HttpLimits } from '../http/http.ts';
import type { Redactor } from '../http/redact.ts';
import { discoverMetadata, endpointsOf, type OauthEndpoints } from '../oauth/discovery.ts';
import type { Config } from './config.ts';
import { RunError } from './run-error.ts';

/**
 * The endpoints a run under the rfc8628 profile talks to, once per run: those given as settings,
 * the others from the issuer's metadata (RFC 8414, then OpenID discovery). Registration happens
 * only at an endpoint the user gave (--registration-endpoint): metadata alone does not allow the
 * run to create lasting clients. Without a device authorization or token endpoint nothing can
 * run: a RunError says where the run looked.
 */
export async function oauthEndpointsFor(
  config: Config,
  redactor: Redactor,
  limits: HttpLimits,
): Promise<OauthEndpoints> {
  const explicit: OauthEndpoints = {
    deviceAuthorizationEndpoint: config.deviceAuthorizationEndpoint,
    tokenEndpoint: config.tokenEndpoint,
    registrationEndpoint: config.registrationEndpoint,
  };
  if (explicit.deviceAuthorizationEndpoint && explicit.tokenEndpoint) return explicit;
  const issuer = config.issuer ?? config.target!;
  const discovery = await discoverMetadata(issuer, {
    recorder: new ExchangeLog(),
    redactor,
    limits,
  });
  const endpoints = {
    ...endpointsOf(discovery.found?.document, explicit),
    registrationEndpoint: explicit.registrationEndpoint,
  };
  const missing = [
    endpoints.deviceAuthorizationEndpoint ? undefined : '--device-authorization-endpoint',
    endpoints.tokenEndpoint ? undefined : '--token-endpoint',
  ].filter((m) => m !== undefined);
  if (missing.length > 0) {
    const looked = discovery.attempts
      .map((a) => `${a.location.url} (${a.status ?? a.problem})`)
      .join(', ');
    throw new RunError(
      `the ${missing.join(' and ')} of ${issuer} are not known: ${
        discovery.found
          ? `its metadata (${discovery.found.location.url}) does not name them`
          : `no metadata at ${looked}`
      }; give ${missing.join(' and ')}`,
    );
  }
  return endpoints;
}
