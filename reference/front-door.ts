import { createHash } from 'node:crypto';
import type { ServerContext } from './context.ts';
import { oidcError } from './errors.ts';
import { errorResponse, jsonResponse, type ApiOperation, type WireResponse } from './wire.ts';

/**
 * The `throttle-429` variation: a rate-limiting front door (a proxy or WAF before the service,
 * AMB-19) that answers HTTP 429 with Retry-After. It throttles about one request body in
 * THROTTLE_ONE_IN the first time the body is seen, and never again: deterministic whatever the
 * order of concurrent requests, and a client that retries the same request gets through.
 * The service never sees a throttled request.
 */
const THROTTLE_ONE_IN = 4;

/** Bodies already seen, per running server. */
const seen = new WeakMap<ServerContext, Set<string>>();

export function frontDoorThrottles(
  ctx: ServerContext,
  operation: ApiOperation,
  body: string,
): WireResponse | undefined {
  if (!ctx.faults.has('throttle-429')) return undefined;
  let bodies = seen.get(ctx);
  if (!bodies) seen.set(ctx, (bodies = new Set()));
  const digest = createHash('sha256').update(operation).update('\n').update(body).digest();
  const key = digest.toString('base64');
  if (bodies.has(key)) return undefined;
  bodies.add(key);
  if (digest[0]! % THROTTLE_ONE_IN !== 0) return undefined;
  // A front door's answer: not an operation's error shape, so no x-amzn-ErrorType.
  return jsonResponse(429, { message: 'Rate exceeded' }, { 'Retry-After': '1' });
}

/** RegisterClient bodies already seen, per running server (register-slow-down). */
const registrations = new WeakMap<ServerContext, Set<string>>();

/**
 * The `register-slow-down` variation: the service sheds registrations under load with
 * SlowDownException (in RegisterClient's error list since 2025, EVIDENCE.md E11), without
 * Retry-After. Every other new RegisterClient body, starting with the first, is shed the first
 * time it is seen; the same body again gets through, so a client that backs off and retries is
 * served, whatever the order of concurrent requests.
 */
export function registrationShed(
  ctx: ServerContext,
  operation: ApiOperation,
  body: string,
): WireResponse | undefined {
  if (operation !== 'RegisterClient' || !ctx.faults.has('register-slow-down')) return undefined;
  let bodies = registrations.get(ctx);
  if (!bodies) registrations.set(ctx, (bodies = new Set()));
  if (bodies.has(body)) return undefined;
  bodies.add(body);
  if (bodies.size % 2 === 0) return undefined;
  return errorResponse(oidcError('SlowDownException', 'Too many requests, slow down'), ctx.faults);
}
