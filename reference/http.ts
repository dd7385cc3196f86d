import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdmin, isAdminPath } from './admin.ts';
import { handleAuthorize, isAuthorizePath } from './authorize-page.ts';
import { readBody } from './body.ts';
import { newRequestId } from './codes.ts';
import type { ServerContext } from './context.ts';
import { oidcError, type OidcError } from './errors.ts';
import { coralRefuses } from './coral.ts';
import { frontDoorThrottles, registrationShed } from './front-door.ts';
import { createTokenWithIam } from './iam.ts';
import {
  decodeCreateToken,
  decodeRegisterClient,
  decodeStartDeviceAuthorization,
  parseJsonObject,
  withDecodingFaults,
  type JsonObject,
} from './requests.ts';
import { handleOauth, isOauthPath } from './oauth/front.ts';
import { verifySignature } from './sigv4.ts';
import { isVerificationPagePath, verificationPage } from './verification-page.ts';
import {
  cacheHeaders,
  errorResponse,
  jsonResponse,
  registerClientResponse,
  startDeviceAuthorizationResponse,
  tokenResponse,
  type ApiOperation,
  type WireResponse,
} from './wire.ts';

/**
 * The node:http binding of the reference server: routing, body reading, JSON decoding and
 * the headers every response carries. It never throws into node:http: an unexpected
 * exception becomes InternalServerException (500), which is a bug of ours.
 */

/** restJson1 routing (WIRE.md §1): CreateTokenWithIAM is /token with the literal aws_iam=t. */
export function apiOperation(pathname: string, query: URLSearchParams): ApiOperation | undefined {
  switch (pathname) {
    case '/client/register':
      return 'RegisterClient';
    case '/device_authorization':
      return 'StartDeviceAuthorization';
    case '/token':
      return query.get('aws_iam') === 't' ? 'CreateTokenWithIAM' : 'CreateToken';
    default:
      return undefined;
  }
}

/** Origin-form request targets only; anything unparsable routes nowhere. */
function requestUrl(target: string | undefined): URL | undefined {
  if (!target) return undefined;
  try {
    return target.startsWith('/') ? new URL(`http://reference.invalid${target}`) : new URL(target);
  } catch {
    return undefined;
  }
}

/** A request outside every operation: not a modelled exception, but still JSON and typed. */
export function routeError(status: 404 | 405, description: string): WireResponse {
  return jsonResponse(
    status,
    { error: 'invalid_request', error_description: description },
    { 'x-amzn-ErrorType': 'UnknownOperationException' },
  );
}

export function createRequestListener(
  ctx: ServerContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(ctx, req, res);
  };
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse) {
  const startedAt = performance.now();
  const requestId = newRequestId();
  let response: WireResponse;
  let closeConnection = false;
  try {
    const routed = await route(ctx, req);
    response = routed.response;
    closeConnection = routed.closeConnection;
  } catch {
    response = errorResponse(
      oidcError('InternalServerException', 'Unexpected error in the reference server'),
      ctx.faults,
    );
  }
  send(ctx, res, response, requestId, closeConnection);
  const url = requestUrl(req.url);
  const where = url ? url.pathname + url.search : '(unparsable target)';
  const type = response.errorShape ? ` ${response.errorShape}` : '';
  const ms = (performance.now() - startedAt).toFixed(1);
  try {
    ctx.log(`${req.method} ${where} ${response.status}${type} ${ms}ms`);
  } catch {
    // A failing logger must not take the server down.
  }
}

function send(
  ctx: ServerContext,
  res: ServerResponse,
  response: WireResponse,
  requestId: string,
  closeConnection: boolean,
) {
  if (res.headersSent || res.destroyed) return;
  let headers: Record<string, string | number> = { ...response.headers };
  if (!ctx.faults.has('no-request-id')) headers['x-amzn-RequestId'] = requestId;
  headers['Content-Length'] = Buffer.byteLength(response.body);
  if (closeConnection) headers.Connection = 'close';
  if (ctx.faults.has('aws-headers')) headers = awsHeaders(headers, res);
  try {
    res.writeHead(response.status, headers);
    res.end(response.body);
  } catch {
    res.destroy();
  }
}

/** AWS's header order (EXCHANGES.md X1, X2); the others (Cache-Control …) follow. */
const AWS_HEADER_ORDER = [
  'Date',
  'Content-Type',
  'Content-Length',
  'Connection',
  'x-amzn-RequestId',
  'x-amzn-ErrorType',
];

/**
 * aws-headers: the headers in the order AWS sends them, `Date` and `Connection: keep-alive`
 * written out, and no `Keep-Alive: timeout=…`, which node adds and AWS does not send (node
 * leaves it out once the response names its own Connection).
 */
function awsHeaders(
  headers: Record<string, string | number>,
  res: ServerResponse,
): Record<string, string | number> {
  res.sendDate = false;
  const all: Record<string, string | number> = {
    Date: new Date().toUTCString(),
    Connection: 'keep-alive',
    ...headers,
  };
  const ordered: Record<string, string | number> = {};
  for (const name of AWS_HEADER_ORDER) if (name in all) ordered[name] = all[name]!;
  return { ...ordered, ...all };
}

interface Routed {
  response: WireResponse;
  closeConnection: boolean;
}

async function route(ctx: ServerContext, req: IncomingMessage): Promise<Routed> {
  const url = requestUrl(req.url);
  if (!url) return { response: routeError(404, 'Unknown request target'), closeConnection: false };
  if (isAdminPath(url.pathname)) return handleAdmin(ctx, req, url.pathname);
  if (isAuthorizePath(url.pathname)) return handleAuthorize(ctx, req, url);
  // The plain OAuth front end (the rfc8628 profile) over the same state (reference/oauth/).
  if (isOauthPath(url.pathname)) return handleOauth(ctx, req, url);
  if (isVerificationPagePath(url.pathname) && (req.method === 'GET' || req.method === 'HEAD')) {
    return { response: verificationPage(ctx, url.searchParams), closeConnection: false };
  }
  const operation = apiOperation(url.pathname, url.searchParams);
  if (!operation) {
    return { response: routeError(404, 'No operation at this path'), closeConnection: false };
  }
  if (req.method !== 'POST') {
    const response = routeError(405, 'Operations accept only POST');
    response.headers.Allow = 'POST';
    return { response, closeConnection: false };
  }
  const body = await readBody(req);
  const throttled = frontDoorThrottles(ctx, operation, body.text);
  if (throttled) return { response: throttled, closeConnection: body.closeConnection };
  const shed = registrationShed(ctx, operation, body.text);
  if (shed) return { response: shed, closeConnection: body.closeConnection };
  const extra = cacheHeaders(operation, ctx.faults);
  const reply = (r: WireResponse): Routed => ({
    response: { ...r, headers: { ...extra, ...r.headers } },
    closeConnection: body.closeConnection,
  });
  if (body.tooLarge) {
    return reply(
      errorResponse(oidcError('InvalidRequestException', 'Request body is too large'), ctx.faults),
    );
  }
  if (operation === 'CreateTokenWithIAM') {
    // SigV4 first: nothing of an unauthenticated body is looked at.
    const signed = await verifySignature(
      {
        method: 'POST',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: body.bytes,
      },
      {
        region: ctx.iam.region,
        credentials: ctx.iam.credentials,
        nowMs: ctx.clock.nowMs(),
        faults: ctx.faults,
      },
    );
    if (!signed.ok) return reply(errorResponse(signed.error, ctx.faults));
  }
  const json = parseJsonObject(body.text, ctx.faults.has('duplicate-key-first-wins'));
  const refused = ctx.faults.has('coral-front-end-errors') && coralRefuses(operation, json);
  if (refused) return reply(refused);
  if (!json) {
    const err = ctx.faults.has('500-on-malformed-body')
      ? oidcError('InternalServerException', 'Could not process the request')
      : oidcError('InvalidRequestException', 'Request body must be a JSON object');
    return reply(errorResponse(err, ctx.faults));
  }
  if (operation === 'CreateTokenWithIAM') return reply(await createTokenWithIam(ctx, json));
  return reply(withDecodingFaults(ctx.faults, () => dispatch(ctx, operation, json)));
}

function dispatch(
  ctx: ServerContext,
  operation: Exclude<ApiOperation, 'CreateTokenWithIAM'>,
  body: JsonObject,
): WireResponse {
  const { state, faults } = ctx;
  const failed = (err: OidcError) => errorResponse(err, faults);
  switch (operation) {
    case 'RegisterClient': {
      // RFC 7591 §3.2.2: refusals are 400 (403 under the fault register-errors-403).
      const failed = (err: OidcError) => {
        const response = errorResponse(err, faults);
        if (faults.has('register-errors-403') && response.status === 400) response.status = 403;
        return response;
      };
      const input = decodeRegisterClient(body, ctx.faults);
      if (!input.ok) return failed(input.error);
      if (faults.has('long-client-name-crash') && input.value.clientName.length > 1024)
        return failed(oidcError('InternalServerException', 'Could not process the request'));
      const result = state.registerClient(input.value);
      return result.ok
        ? registerClientResponse(
            result.value,
            ctx.url,
            faults,
            (input.value.redirectUris ?? []).length > 0,
          )
        : failed(result.error);
    }
    case 'StartDeviceAuthorization': {
      const input = decodeStartDeviceAuthorization(body, faults);
      if (!input.ok) return failed(input.error);
      const result = state.startDeviceAuthorization(input.value);
      return result.ok
        ? startDeviceAuthorizationResponse(result.value, ctx.verificationUri, faults)
        : failed(result.error);
    }
    case 'CreateToken': {
      const input = decodeCreateToken(body, faults);
      if (!input.ok) return failed(input.error);
      const result = state.createToken(input.value);
      return result.ok ? tokenResponse(result.value, faults) : failed(result.error);
    }
  }
}
