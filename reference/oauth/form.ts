import type { IncomingHttpHeaders } from 'node:http';
import { fail, ok, type Outcome } from '../errors.ts';

/**
 * Request decoding of the plain OAuth front end: `application/x-www-form-urlencoded` bodies
 * (RFC 6749 §3.2, RFC 8628 §3.1, §3.4) and client authentication (RFC 6749 §2.3.1).
 */

/** Parameters of a form body; a parameter sent empty counts as absent (RFC 6749 §3.1). */
export type FormParameters = ReadonlyMap<string, string>;

/**
 * The body as form parameters, or invalid_request: another media type, or a parameter sent
 * more than once ("MUST NOT be included more than once", RFC 6749 §3.1).
 */
export function parseForm(
  contentType: string | undefined,
  text: string,
  faults: {
    /** `oauth-duplicate-param-first-wins`: a repeated parameter keeps its first value. */
    firstWins?: boolean;
    /** `oauth-empty-param-present`: a parameter sent empty is present, with the value ''. */
    keepEmpty?: boolean;
  } = {},
): Outcome<FormParameters> {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media !== 'application/x-www-form-urlencoded') {
    return fail(
      'InvalidRequestException',
      'The request body must be application/x-www-form-urlencoded',
    );
  }
  const all = new URLSearchParams(text);
  for (const name of new Set(all.keys())) {
    if (all.getAll(name).length > 1 && !faults.firstWins) {
      return fail('InvalidRequestException', `Parameter ${name} is included more than once`);
    }
  }
  const params = new Map<string, string>();
  for (const [name, value] of all)
    if ((value !== '' || faults.keepEmpty) && !params.has(name)) params.set(name, value);
  return ok(params);
}

/** The client credentials of a request, and how they came. */
export interface ClientAuthentication {
  clientId?: string;
  clientSecret?: string;
  /** `basic` when the Authorization header carried them: a refusal then says 401 + WWW-Authenticate. */
  method: 'basic' | 'post' | 'none';
}

/**
 * RFC 6749 §2.3.1: HTTP Basic (id and secret form-urlencoded, then base64) or the body's
 * client_id and client_secret; "MUST NOT use more than one authentication method in each
 * request". A public client sends client_id alone.
 */
export function clientAuthentication(
  headers: IncomingHttpHeaders,
  params: FormParameters,
  /** Fault `oauth-two-auth-methods-accepted`: Basic and client_secret together, Basic wins. */
  allowBoth = false,
): Outcome<ClientAuthentication> {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (!basic) return fail('InvalidClientException', 'Unsupported Authorization header');
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return fail('InvalidClientException', 'Malformed Basic credentials');
    if (params.has('client_secret') && !allowBoth) {
      return fail('InvalidRequestException', 'More than one client authentication method');
    }
    const clientId = formDecode(decoded.slice(0, colon));
    const bodyId = params.get('client_id');
    if (bodyId !== undefined && bodyId !== clientId) {
      return fail('InvalidRequestException', 'client_id differs from the authenticated client');
    }
    return ok({ clientId, clientSecret: formDecode(decoded.slice(colon + 1)), method: 'basic' });
  }
  const clientSecret = params.get('client_secret');
  return ok({
    clientId: params.get('client_id'),
    clientSecret,
    method: clientSecret === undefined ? 'none' : 'post',
  });
}

/** application/x-www-form-urlencoded decoding of one Basic credential part (RFC 6749 §2.3.1). */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** A space-delimited scope parameter as a list (RFC 6749 §3.3); absent stays absent. */
export function scopeList(params: FormParameters): string[] | undefined {
  const scope = params.get('scope');
  if (scope === undefined) return undefined;
  const tokens = scope.split(' ').filter((s) => s !== '');
  return tokens.length > 0 ? tokens : undefined;
}
