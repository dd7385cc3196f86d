import type { IncomingMessage } from 'node:http';
import { authorizeDirect } from './authorize-page.ts';
import { readBody } from './body.ts';
import { epochSeconds } from './clock.ts';
import type { ServerContext } from './context.ts';
import { mintAssertionFor } from './iam.ts';
import { parseJsonObject, type JsonObject } from './requests.ts';
import { jsonResponse, type WireResponse } from './wire.ts';

/**
 * Test-only control routes under /__admin/: approve or deny a user code (the end-user step of
 * the device flow), authorize (the browser step of the authorization code flow), assertion (a
 * jwt-bearer assertion of the trusted issuer), advance the virtual clock, health. They live apart from the API paths, answer only
 * loopback peers, and speak plain JSON (`{ ok, error, error_description }`), not the AWS
 * error protocol: they are not part of the server under test.
 */

export const ADMIN_PREFIX = '/__admin/';
/** Ten years: enough for any expiry, small enough to keep dates sane. */
const MAX_ADVANCE_SECONDS = 10 * 365 * 24 * 3600;

export function isAdminPath(pathname: string): boolean {
  return pathname === '/__admin' || pathname.startsWith(ADMIN_PREFIX);
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/**
 * A browser on another site could POST a simple (text/plain) request to a loopback admin
 * route; browsers always send Origin on such requests, so one that is not a loopback page of
 * this server is refused (the verification page's own requests pass).
 */
function originAllowed(origin: string | undefined, serverUrl: string): boolean {
  if (origin === undefined) return true;
  try {
    const o = new URL(origin);
    const s = new URL(serverUrl);
    const host = o.hostname.replace(/^\[|\]$/g, '');
    const loopback = host === 'localhost' || isLoopbackAddress(host);
    return o.protocol === 'http:' && loopback && o.port === s.port;
  } catch {
    return false;
  }
}

function adminError(status: number, error: string, description: string): WireResponse {
  return jsonResponse(status, { ok: false, error, error_description: description });
}

interface AdminReply {
  response: WireResponse;
  closeConnection: boolean;
}

export async function handleAdmin(
  ctx: ServerContext,
  req: IncomingMessage,
  pathname: string,
): Promise<AdminReply> {
  const done = (response: WireResponse, closeConnection = false): AdminReply => ({
    response,
    closeConnection,
  });
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    return done(adminError(403, 'forbidden', 'Admin routes answer loopback peers only'));
  }
  if (!originAllowed(req.headers.origin, ctx.url)) {
    return done(adminError(403, 'forbidden', 'Cross-origin admin requests are refused'));
  }
  const action = pathname.slice(ADMIN_PREFIX.length);
  if (action === 'health') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return done(methodNotAllowed('GET'));
    return done(
      jsonResponse(200, {
        ok: true,
        virtualClock: ctx.virtualClock !== undefined,
        now: epochSeconds(ctx.clock.nowMs()),
      }),
    );
  }
  const actions = ['approve', 'deny', 'advance', 'authorize', 'assertion'];
  if (!actions.includes(action)) {
    return done(adminError(404, 'not_found', 'Unknown admin route'));
  }
  if (req.method !== 'POST') return done(methodNotAllowed('POST'));
  const body = await readBody(req);
  if (body.tooLarge) {
    return done(adminError(400, 'invalid_request', 'Body too large'), body.closeConnection);
  }
  const json = parseJsonObject(body.text);
  if (!json) return done(adminError(400, 'invalid_request', 'Body must be a JSON object'));
  if (action === 'advance') return done(advance(ctx, json));
  if (action === 'authorize') return done(authorize(ctx, json));
  if (action === 'assertion') return done(await assertion(ctx, json));
  return done(decide(ctx, action as 'approve' | 'deny', json));
}

function methodNotAllowed(allow: string): WireResponse {
  const response = adminError(405, 'method_not_allowed', `Use ${allow}`);
  response.headers.Allow = allow;
  return response;
}

function decide(ctx: ServerContext, action: 'approve' | 'deny', json: JsonObject): WireResponse {
  const userCode = json.userCode;
  if (typeof userCode !== 'string' || userCode === '') {
    return adminError(400, 'invalid_request', 'userCode must be a non-empty string');
  }
  if (action === 'deny' && !ctx.state.offersDenial()) {
    return adminError(501, 'denial_unavailable', 'This server offers no way to deny');
  }
  const done = action === 'approve' ? ctx.state.approve(userCode) : ctx.state.deny(userCode);
  if (!done) {
    return adminError(404, 'unknown_user_code', 'No pending authorization has this user code');
  }
  return jsonResponse(200, { ok: true });
}

/** `{ url, decision? }` → 200 `{ status: 302, location }` or `{ status: 400 }` (or 404). */
function authorize(ctx: ServerContext, json: JsonObject): WireResponse {
  const { url, decision = 'approve' } = json;
  if (typeof url !== 'string' || url === '') {
    return adminError(400, 'invalid_request', 'url must be a non-empty string');
  }
  if (decision !== 'approve' && decision !== 'deny') {
    return adminError(400, 'invalid_request', "decision must be 'approve' or 'deny'");
  }
  return jsonResponse(200, authorizeDirect(ctx, url, decision));
}

/** The options of `server.mintAssertion` → 200 `{ assertion }`. */
async function assertion(ctx: ServerContext, json: JsonObject): Promise<WireResponse> {
  try {
    return jsonResponse(200, { assertion: await mintAssertionFor(ctx, json) });
  } catch (e) {
    if (e instanceof TypeError) return adminError(400, 'invalid_request', e.message);
    throw e;
  }
}

function advance(ctx: ServerContext, json: JsonObject): WireResponse {
  if (!ctx.virtualClock) {
    return adminError(409, 'real_clock', 'The server runs on the real clock; time cannot advance');
  }
  const seconds = json.seconds;
  if (
    typeof seconds !== 'number' ||
    !Number.isFinite(seconds) ||
    seconds < 0 ||
    seconds > MAX_ADVANCE_SECONDS
  ) {
    return adminError(400, 'invalid_request', 'seconds must be a number from 0 to 315360000');
  }
  ctx.virtualClock.advance(seconds);
  return jsonResponse(200, { now: epochSeconds(ctx.virtualClock.nowMs()) });
}
