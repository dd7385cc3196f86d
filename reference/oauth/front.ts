import type { IncomingMessage } from 'node:http';
import { readBody } from '../body.ts';
import type { ServerContext } from '../context.ts';
import { oidcError, type OidcError } from '../errors.ts';
import type { FaultSet } from '../faults.ts';
import { DEVICE_CODE_GRANT, parseJsonObject, type JsonObject } from '../requests.ts';
import { jsonResponse, type WireResponse } from '../wire.ts';
import { clientAuthentication, parseForm, scopeList, type FormParameters } from './form.ts';
import { METADATA_PATH, OAUTH_PATHS, OAUTH_PREFIX, metadataResponse } from './metadata.ts';
import {
  clientInformationResponse,
  deviceAuthorizationResponse,
  oauthErrorResponse,
  oauthTokenResponse,
} from './responses.ts';

/**
 * The plain OAuth 2.0 front end of the reference server (the `rfc8628` profile): RFC 8414
 * metadata, RFC 7591 registration, the RFC 8628 device authorization endpoint and the RFC 6749
 * token endpoint, over the same state machine as the AWS front end. Only confidential clients
 * (client_secret_basic or client_secret_post): the state layer authenticates every client by
 * its secret, as AWS does.
 */

/** The parameters the endpoints read; `oauth-unknown-param-refused` refuses any other. */
const KNOWN_PARAMETERS: ReadonlySet<string> = new Set([
  'client_id',
  'client_secret',
  'scope',
  'grant_type',
  'device_code',
  'refresh_token',
  'code',
  'redirect_uri',
  'code_verifier',
]);

export function isOauthPath(pathname: string): boolean {
  return pathname === METADATA_PATH || pathname.startsWith(OAUTH_PREFIX);
}

interface Routed {
  response: WireResponse;
  closeConnection: boolean;
}

const routed = (response: WireResponse, closeConnection = false): Routed => ({
  response,
  closeConnection,
});

export async function handleOauth(
  ctx: ServerContext,
  req: IncomingMessage,
  url: URL,
): Promise<Routed> {
  const answer = await route(ctx, req, url);
  if (url.pathname === OAUTH_PATHS.deviceAuthorization && answer.response.status >= 400)
    if (ctx.faults.has('oauth-device-errors-form-encoded'))
      answer.response = formEncodedError(answer.response);
  return answer;
}

/** Fault `oauth-device-errors-form-encoded`: the error's members as a form body, not JSON. */
function formEncodedError(response: WireResponse): WireResponse {
  const members = JSON.parse(response.body) as Record<string, string>;
  return {
    ...response,
    headers: { ...response.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(members).toString(),
  };
}

async function route(ctx: ServerContext, req: IncomingMessage, url: URL): Promise<Routed> {
  if (url.pathname === METADATA_PATH) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return routed(notAllowed('GET'));
    return routed(metadataResponse(ctx.url, ctx.faults));
  }
  const endpoint = Object.entries(OAUTH_PATHS).find(([, path]) => path === url.pathname)?.[0];
  if (endpoint === undefined) {
    return routed(
      jsonResponse(404, { error: 'invalid_request', error_description: 'No endpoint here' }),
    );
  }
  if (req.method !== 'POST') return routed(notAllowed('POST'));
  const body = await readBody(req);
  const refuse = (err: OidcError, basicAuth = false) =>
    routed(oauthErrorResponse(err, { basicAuth, faults: ctx.faults }), body.closeConnection);
  if (body.tooLarge) return refuse(oidcError('InvalidRequestException', 'Request body too large'));
  if (endpoint === 'registration') {
    const json = parseJsonObject(body.text);
    if (!json) {
      return refuse(oidcError('InvalidClientMetadataException', 'The body must be a JSON object'));
    }
    return routed(register(ctx, json), body.closeConnection);
  }
  const form = parseForm(req.headers['content-type'], body.text, {
    firstWins: ctx.faults.has('oauth-duplicate-param-first-wins'),
    keepEmpty: ctx.faults.has('oauth-empty-param-present'),
  });
  if (!form.ok) return refuse(form.error);
  const unknown = [...form.value.keys()].find((name) => !KNOWN_PARAMETERS.has(name));
  if (unknown !== undefined && ctx.faults.has('oauth-unknown-param-refused'))
    return refuse(oidcError('InvalidRequestException', `Unknown parameter ${unknown}`));
  const auth = clientAuthentication(
    req.headers,
    form.value,
    ctx.faults.has('oauth-two-auth-methods-accepted'),
  );
  if (!auth.ok) return refuse(auth.error, req.headers.authorization !== undefined);
  const basicAuth = auth.value.method === 'basic';
  if (basicAuth && ctx.faults.has('oauth-basic-refused')) {
    return refuse(oidcError('InvalidClientException', 'HTTP Basic is not supported'), true);
  }
  if (auth.value.clientId === undefined) {
    return refuse(oidcError('InvalidClientException', 'No client identified'), basicAuth);
  }
  const client = { clientId: auth.value.clientId, clientSecret: auth.value.clientSecret ?? '' };
  const response =
    endpoint === 'deviceAuthorization'
      ? deviceAuthorization(ctx, client, form.value, basicAuth)
      : token(ctx, client, form.value, basicAuth);
  return routed(response, body.closeConnection);
}

function notAllowed(allow: string): WireResponse {
  const response = jsonResponse(405, {
    error: 'invalid_request',
    error_description: `Only ${allow} is accepted here`,
  });
  response.headers.Allow = allow;
  return response;
}

interface Client {
  clientId: string;
  clientSecret: string;
}

/** RFC 8628 §3.1: client_id (or client authentication) and an optional scope. */
function deviceAuthorization(
  ctx: ServerContext,
  client: Client,
  params: FormParameters,
  basicAuth: boolean,
): WireResponse {
  const scope = params.get('scope');
  if (scope !== undefined && /[^\x21\x23-\x5B\x5D-\x7E ]/.test(scope)) {
    return oauthErrorResponse(oidcError('InvalidScopeException', 'Invalid scope'), { basicAuth });
  }
  const result = ctx.state.startDeviceAuthorization(client);
  return result.ok
    ? deviceAuthorizationResponse(result.value, ctx.verificationUri, ctx.faults)
    : oauthErrorResponse(result.error, { basicAuth, faults: ctx.faults });
}

/** RFC 6749 §4.1.3, §6 and RFC 8628 §3.4: the grant's parameters in snake_case. */
function token(
  ctx: ServerContext,
  client: Client,
  params: FormParameters,
  basicAuth: boolean,
): WireResponse {
  const grantType = params.get('grant_type');
  if (grantType === undefined) {
    return oauthErrorResponse(oidcError('InvalidRequestException', 'Missing grant_type'), {
      basicAuth,
    });
  }
  const result = ctx.state.createToken({
    ...client,
    grantType,
    deviceCode: params.get('device_code'),
    refreshToken: params.get('refresh_token'),
    code: params.get('code'),
    redirectUri: params.get('redirect_uri'),
    codeVerifier: params.get('code_verifier'),
    scope: scopeList(params),
  });
  return result.ok
    ? oauthTokenResponse(result.value, ctx.faults)
    : oauthErrorResponse(result.error, {
        basicAuth,
        faults: ctx.faults,
        devicePoll: grantType === DEVICE_CODE_GRANT,
      });
}

/** Metadata members of RFC 7591 §2 the registration reads; the rest is ignored. */
function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') && value.length > 0
    ? (value as string[])
    : undefined;
}

/**
 * RFC 7591 §3: JSON metadata in, 201 with the client information out. The server replaces
 * token_endpoint_auth_method `none` by client_secret_basic (§3.2.1 lets it substitute values):
 * its clients all authenticate.
 */
function register(ctx: ServerContext, metadata: JsonObject): WireResponse {
  const wrongType = ['client_name', 'token_endpoint_auth_method', 'scope'].find(
    (name) => metadata[name] !== undefined && typeof metadata[name] !== 'string',
  );
  const refused = (err: OidcError) => registrationRefused(err, ctx.faults);
  if (wrongType)
    return refused(oidcError('InvalidClientMetadataException', `${wrongType} must be a string`));
  if (ctx.faults.has('oauth-registration-strict-metadata')) {
    const refusal = strictMetadataRefusal(metadata);
    if (refusal) return refused(refusal);
  }
  const requested = metadata.token_endpoint_auth_method as string | undefined;
  // oauth-register-none-with-secret: every client is registered as public (`none`), and is
  // still handed a client_secret it never needs.
  const none = ctx.faults.has('oauth-register-none-with-secret');
  const authMethod = none
    ? 'none'
    : requested === 'client_secret_post' || ctx.faults.has('oauth-basic-refused')
      ? 'client_secret_post'
      : 'client_secret_basic';
  const scope = metadata.scope as string | undefined;
  const grantTypes = stringList(metadata.grant_types);
  const redirectUris = stringList(metadata.redirect_uris);
  const result = ctx.state.registerClient({
    clientName: (metadata.client_name as string | undefined) ?? 'OAuth client',
    // AWS's only client type; its clients still get a secret and authenticate with it.
    clientType: 'public',
    scopes: scope?.split(' ').filter((s) => s !== ''),
    grantTypes,
    redirectUris,
    authMethodNone: none,
  });
  if (!result.ok) return refused(result.error);
  // RFC 7591 §3.2.1: every registered member comes back, with the values the server chose.
  const echoed = ctx.faults.has('oauth-register-no-echo')
    ? {}
    : {
        client_name: metadata.client_name,
        token_endpoint_auth_method: authMethod,
        grant_types: grantTypes,
        response_types: Array.isArray(metadata.response_types)
          ? metadata.response_types.filter((v) => typeof v === 'string')
          : undefined,
        redirect_uris: redirectUris,
        scope,
      };
  return clientInformationResponse(result.value, echoed, ctx.faults);
}

/** The scopes the server supports under the variation oauth-registration-strict-metadata. */
const STRICT_SCOPES = ['openid', 'offline_access'];

/**
 * What a server that checks metadata consistency refuses (variation
 * oauth-registration-strict-metadata, after oidc-provider): RFC 7591 §2 makes `["code"]` the
 * default `response_types`, and the code response type needs a redirect URI.
 */
function strictMetadataRefusal(metadata: JsonObject): OidcError | undefined {
  const responseTypes = Array.isArray(metadata.response_types) ? metadata.response_types : ['code'];
  if (responseTypes.includes('code') && stringList(metadata.redirect_uris) === undefined)
    return oidcError('InvalidRedirectUriException', 'redirect_uris is mandatory property');
  const scopes = typeof metadata.scope === 'string' ? metadata.scope.split(' ') : [];
  if (scopes.some((s) => s !== '' && !STRICT_SCOPES.includes(s)))
    return oidcError(
      'InvalidClientMetadataException',
      'scope must only contain Authorization Server supported scope values',
    );
  return undefined;
}

/** RFC 7591 §3.2.2: a refused registration is 400 (403 under the fault register-errors-403). */
function registrationRefused(err: OidcError, faults: FaultSet): WireResponse {
  const response = oauthErrorResponse(err, { basicAuth: false });
  if (faults.has('register-errors-403')) response.status = 403;
  return response;
}
