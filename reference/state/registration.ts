import { epochSeconds } from '../clock.ts';
import {
  newAwsClientId,
  newAwsClientSecret,
  newClientId,
  newClientSecret,
  secretsEqual,
  type AwsSecretClaims,
} from '../codes.ts';
import { fail, ok, type Outcome } from '../errors.ts';
import {
  AUTHORIZATION_CODE_GRANT,
  DEVICE_CODE_GRANT,
  REFRESH_TOKEN_GRANT,
  type RegisterClientInput,
} from '../requests.ts';
import type { ClientRecord, RegisteredClient, StateContext } from './store.ts';

/**
 * RegisterClient and what every later operation asks of a registration: client
 * authentication, its expiry and the grants it registered.
 */

/** The kid of the AWS-shaped client secrets' header, as AWS writes it (X4). */
const SECRET_KEY_ID = 'key-1564028099';

export const SUPPORTED_GRANT_TYPES: readonly string[] = [
  AUTHORIZATION_CODE_GRANT,
  DEVICE_CODE_GRANT,
  REFRESH_TOKEN_GRANT,
];

/** RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Scopes this server refuses although well-formed, so that InvalidScopeException is reachable. */
const DENIED_SCOPE_PREFIX = 'invalid';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** AWS-CT-GRANT-RESTRICT: a client may use only the grants it registered. */
export function allows(ctx: StateContext, client: ClientRecord, grantType: string): boolean {
  return ctx.faults.has('grant-not-restricted') || client.grantTypes.has(grantType);
}

/** DCR-3.2.1-EXPIRY-ENFORCED: after clientSecretExpiresAt the registration is dead. */
export function registrationExpired(ctx: StateContext, client: ClientRecord): boolean {
  if (ctx.faults.has('registration-never-expires')) return false;
  return ctx.clock.nowMs() >= client.secretExpiresAtSec * 1000;
}

// RegisterClient

export function registerClient(
  ctx: StateContext,
  input: RegisterClientInput,
): Outcome<RegisteredClient> {
  if (input.clientType !== 'public' && !ctx.faults.has('accept-confidential')) {
    return fail('InvalidClientMetadataException', 'Only clientType public is supported');
  }
  const grantTypes = input.grantTypes ?? SUPPORTED_GRANT_TYPES;
  if (!ctx.faults.has('accept-bad-grant-type')) {
    if (grantTypes.some((g) => !SUPPORTED_GRANT_TYPES.includes(g))) {
      return fail('UnsupportedGrantTypeException', 'Unsupported grant type in grantTypes');
    }
  }
  const redirectUris = input.redirectUris ?? [];
  if (!ctx.faults.has('accept-bad-redirect')) {
    const problem = redirectUris.map(redirectUriProblem).find((p) => p !== undefined);
    if (problem) return fail('InvalidRedirectUriException', `Invalid redirect URI: ${problem}`);
  }
  const scopes = input.scopes ?? [];
  const badScope = (s: string) => !SCOPE_TOKEN.test(s) || s.startsWith(DENIED_SCOPE_PREFIX);
  if (!ctx.faults.has('accept-bad-scope') && scopes.some(badScope)) {
    return fail('InvalidScopeException', 'Invalid scope in scopes');
  }

  const nowMs = ctx.clock.nowMs();
  const nowSec = epochSeconds(nowMs);
  const credentials = newCredentials(ctx, {
    clientName: input.clientName,
    scopes,
    // AWS's payload has microseconds; the registration's own figures are whole seconds.
    createdTimestamp: nowMs / 1000,
    expirationTimestamp: nowMs / 1000 + ctx.config.clientSecretLifetime,
  });
  const record: ClientRecord = {
    ...credentials,
    clientName: input.clientName,
    clientType: input.clientType,
    grantTypes: new Set(grantTypes),
    scopes,
    redirectUris,
    issuedAtSec: nowSec,
    secretExpiresAtSec: nowSec + ctx.config.clientSecretLifetime,
    ...(input.authMethodNone ? { authMethodNone: true } : {}),
  };
  ctx.store.clients.set(record.clientId, record);
  return ok({
    clientId: record.clientId,
    clientSecret: record.clientSecret,
    clientIdIssuedAt: record.issuedAtSec,
    clientSecretExpiresAt: record.secretExpiresAtSec,
  });
}

function newCredentials(
  ctx: StateContext,
  claims: AwsSecretClaims,
): { clientId: string; clientSecret: string } {
  if (ctx.faults.has('duplicate-client-id')) {
    ctx.store.sharedCredentials ??= { clientId: newClientId(), clientSecret: newClientSecret() };
    return ctx.store.sharedCredentials;
  }
  const next = () =>
    ctx.faults.has('aws-shaped-credentials') ? newAwsClientId(ctx.config.region) : newClientId();
  let clientId = next();
  while (ctx.store.clients.has(clientId)) clientId = next();
  return { clientId, clientSecret: newSecretFor(ctx, clientId, claims) };
}

/** Opaque, or a JWS shaped like AWS's that carries its own expiry (AWS-REG-SECRET-EXPIRY). */
function newSecretFor(ctx: StateContext, clientId: string, claims: AwsSecretClaims): string {
  // secret-expiry-mismatch: the secret says it expires a day after the registration does.
  if (ctx.faults.has('secret-expiry-mismatch'))
    return newAwsClientSecret(
      clientId,
      { ...claims, expirationTimestamp: claims.expirationTimestamp + 86_400 },
      ctx.store.secretKey,
      SECRET_KEY_ID,
    );
  if (ctx.faults.has('aws-shaped-credentials'))
    return newAwsClientSecret(clientId, claims, ctx.store.secretKey, SECRET_KEY_ID);
  return newClientSecret();
}

/** Client authentication shared by StartDeviceAuthorization and CreateToken. */
export function authenticate(
  ctx: StateContext,
  clientId: string,
  clientSecret: string,
  operation: 'StartDeviceAuthorization' | 'CreateToken',
): Outcome<ClientRecord> {
  const client = ctx.store.clients.get(clientId);
  if (!client) {
    if (ctx.faults.has('unknown-client-invalid-request'))
      return fail('InvalidRequestException', 'Unknown clientId');
    return fail('InvalidClientException', 'Invalid client credentials');
  }
  // registration-expiry-sda-only: the expiry is enforced where a flow starts, nowhere after.
  // expired-registration-starts-authorization (AWS, E7): the reverse, only where it starts.
  const enforced =
    operation === 'StartDeviceAuthorization'
      ? !ctx.faults.has('expired-registration-starts-authorization')
      : !ctx.faults.has('registration-expiry-sda-only');
  if (enforced && registrationExpired(ctx, client)) {
    return fail('InvalidClientException', 'Client registration has expired');
  }
  // missing-secret-invalid-request: no secret at all is a missing parameter, not a failed login.
  const missing = clientSecret === '' && client.clientSecret !== '' && !client.authMethodNone;
  if (missing && ctx.faults.has('missing-secret-invalid-request'))
    return fail('InvalidRequestException', 'client_secret is required');
  if (!ctx.faults.has('secret-not-checked') && !secretAccepted(ctx, client, clientSecret)) {
    if (operation === 'StartDeviceAuthorization' && ctx.faults.has('wrong-exception-for-op')) {
      return fail('InvalidGrantException', 'Invalid client secret');
    }
    return fail('InvalidClientException', 'Invalid client credentials');
  }
  return ok(client);
}

/**
 * Whether the secret sent authenticates the client: its own secret, compared in constant time.
 * Three faults loosen it as real servers have: any client's secret (secret-of-any-client), no
 * secret at all (secret-optional), or the secret in another case (secret-case-insensitive).
 */
function secretAccepted(ctx: StateContext, client: ClientRecord, sent: string): boolean {
  if (secretsEqual(sent, client.clientSecret)) return true;
  // A client registered with the method `none` needs no secret (oauth-register-none-with-secret).
  if (client.authMethodNone && sent === '') return true;
  if (ctx.faults.has('secret-optional') && sent === '') return true;
  if (
    ctx.faults.has('secret-case-insensitive') &&
    secretsEqual(sent.toLowerCase(), client.clientSecret.toLowerCase())
  )
    return true;
  if (ctx.faults.has('secret-of-any-client') && sent !== '')
    for (const other of ctx.store.clients.values())
      if (other.clientSecret !== '' && secretsEqual(sent, other.clientSecret)) return true;
  return false;
}

/** RFC 7591 §3.2.2 / RFC 9700 §2.6: absolute http(s), no fragment, plain http only on loopback. */
export function redirectUriProblem(uri: string): string | undefined {
  if (!/^https?:\/\//i.test(uri)) return 'not an absolute http or https URI';
  if (/[\s\x00-\x1f\x7f]/.test(uri)) return 'contains whitespace or control characters';
  if (uri.includes('#')) return 'contains a fragment';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not a valid URI';
  }
  if (url.username || url.password) return 'contains user information';
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return 'plain http is allowed only for loopback hosts';
  }
  return undefined;
}
