import { send, type HttpContext } from '../http/http.ts';
import type { Exchange } from '../http/exchange.ts';
import { parseJsonBounded } from '../http/json.ts';

/**
 * Authorization server metadata, discovered from an issuer: RFC 8414 §3.1 first (the well-known
 * path inserted between host and the issuer's path), then OpenID Connect Discovery 1.0 §4 (the
 * path appended to the issuer), then the RFC 8414 §5 form of the OpenID path. Publishing
 * metadata is optional (RFC 8414): a server without any is reported, not failed.
 */

export type MetadataKind = 'oauth-authorization-server' | 'openid-configuration';

export interface MetadataLocation {
  url: string;
  kind: MetadataKind;
}

/** Where metadata may live for `issuer`, in the order a client tries them. */
export function metadataLocations(issuer: string): MetadataLocation[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  const origin = url.origin;
  const locations: MetadataLocation[] = [
    {
      url: `${origin}/.well-known/oauth-authorization-server${path}`,
      kind: 'oauth-authorization-server',
    },
    { url: `${origin}${path}/.well-known/openid-configuration`, kind: 'openid-configuration' },
    { url: `${origin}/.well-known/openid-configuration${path}`, kind: 'openid-configuration' },
  ];
  return locations.filter((l, i) => locations.findIndex((m) => m.url === l.url) === i);
}

/** One attempt: where, what status (or why no answer). */
export interface MetadataAttempt {
  location: MetadataLocation;
  status?: number;
  problem?: string;
  exchange?: Exchange;
}

export interface DiscoveredMetadata {
  location: MetadataLocation;
  document: Record<string, unknown>;
  exchange: Exchange;
}

export interface Discovery {
  /** The issuer the metadata was requested for. */
  issuer: string;
  /** The first location that answered 200 with a JSON object; absent when none did. */
  found?: DiscoveredMetadata;
  attempts: MetadataAttempt[];
}

/** Fetches the first metadata document that answers 200 with a JSON object. */
export async function discoverMetadata(issuer: string, http: HttpContext): Promise<Discovery> {
  const attempts: MetadataAttempt[] = [];
  for (const location of metadataLocations(issuer)) {
    let response;
    try {
      response = await send(
        { method: 'GET', url: location.url, headers: { accept: 'application/json' } },
        http,
      );
    } catch (e) {
      attempts.push({ location, problem: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const attempt: MetadataAttempt = {
      location,
      status: response.status,
      exchange: response.exchange,
    };
    attempts.push(attempt);
    if (response.status !== 200) continue;
    const parsed = parseJsonBounded(response.text);
    const value = parsed.ok ? parsed.value : undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      attempt.problem = parsed.ok ? 'not a JSON object' : parsed.reason;
      continue;
    }
    return {
      issuer,
      found: { location, document: value as Record<string, unknown>, exchange: response.exchange },
      attempts,
    };
  }
  return { issuer, attempts };
}

/** The endpoints a plain RFC 8628 client needs. */
export interface OauthEndpoints {
  deviceAuthorizationEndpoint?: string;
  tokenEndpoint?: string;
  registrationEndpoint?: string;
  /** The client authentication methods the metadata publishes (`token_endpoint_auth_methods_supported`). */
  tokenEndpointAuthMethods?: string[];
}

/** Endpoints from metadata, each replaced by the one given explicitly when there is one. */
export function endpointsOf(
  document: Record<string, unknown> | undefined,
  explicit: OauthEndpoints,
): OauthEndpoints {
  const member = (name: string) =>
    typeof document?.[name] === 'string' ? (document[name] as string) : undefined;
  return {
    deviceAuthorizationEndpoint:
      explicit.deviceAuthorizationEndpoint ?? member('device_authorization_endpoint'),
    tokenEndpoint: explicit.tokenEndpoint ?? member('token_endpoint'),
    registrationEndpoint: explicit.registrationEndpoint ?? member('registration_endpoint'),
    tokenEndpointAuthMethods: stringList(document?.token_endpoint_auth_methods_supported),
  };
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}
