import {
  CONFUSABLE_ALPHABET,
  USER_CODE_ALPHABET,
  displayUserCode,
  newAwsDeviceCode,
  newDeviceCode,
  newUserCode,
  normalizeUserCode,
  randomCode,
  sequentialCode,
} from '../codes.ts';
import { fail, ok, type Outcome } from '../errors.ts';
import { DEVICE_CODE_GRANT, type StartDeviceAuthorizationInput } from '../requests.ts';
import { allows, authenticate } from './registration.ts';
import type {
  ClientRecord,
  DeviceAuthorizationRecord,
  IssuedTokens,
  StartedAuthorization,
  StateContext,
  UserCodeInfo,
} from './store.ts';
import { issueTokens, newFamily, startSession } from './tokens.ts';

/**
 * The device authorization grant (RFC 8628): StartDeviceAuthorization, the user's step at
 * /device and the admin routes (approve, deny), and the device's polls of CreateToken.
 */

const SLOW_DOWN_INCREMENT = 5;
/** `short-lifetime`: two polls at the interval do not fit in the lifetime. */
const SHORT_LIFETIME = { expiresIn: 8, interval: 5 };
/** Polls that do not yet see a decision under `decision-visible-late`. */
const DECISION_HIDDEN_POLLS = 2;

// StartDeviceAuthorization

export function startDeviceAuthorization(
  ctx: StateContext,
  input: StartDeviceAuthorizationInput,
): Outcome<StartedAuthorization> {
  const auth = authenticate(ctx, input.clientId, input.clientSecret, 'StartDeviceAuthorization');
  if (!auth.ok) return auth;
  const client = auth.value;
  if (!allows(ctx, client, DEVICE_CODE_GRANT)) {
    return ctx.faults.has('unauthorized-client-as-invalid-client')
      ? fail('InvalidClientException', 'Client is not registered for the device grant')
      : fail('UnauthorizedClientException', 'Client is not registered for the device grant');
  }
  if (ctx.faults.has('start-slow-down-once') && !ctx.store.shedOnce.has(client.clientId)) {
    ctx.store.shedOnce.add(client.clientId);
    return fail('SlowDownException', 'Too many requests, slow down');
  }

  const previous = ctx.faults.has('device-code-reused')
    ? ctx.store.lastAuthorizationOf.get(client.clientId)
    : undefined;
  const record: DeviceAuthorizationRecord = previous ?? {
    deviceCode: uniqueDeviceCode(ctx),
    userCode: uniqueUserCode(ctx),
    clientId: client.clientId,
    createdAtMs: 0,
    expiresIn: 0,
    intervalSec: 0,
    status: 'pending',
    redeemed: false,
  };
  // (Re)start the authorization; under `device-code-reused` the old codes come back to life.
  record.startUrl = input.startUrl;
  record.createdAtMs = ctx.clock.nowMs();
  record.expiresIn = ctx.faults.has('user-code-lifetime-day') ? 86_400 : ctx.config.expiresIn;
  record.intervalSec = ctx.config.interval;
  if (ctx.faults.has('short-lifetime')) {
    record.expiresIn = SHORT_LIFETIME.expiresIn;
    record.intervalSec = SHORT_LIFETIME.interval;
  }
  record.lastPollMs = undefined;
  record.polls = 0;
  record.killed = false;
  record.shed = false;
  record.slowDowns = 0;
  record.status = ctx.faults.has('auto-approve') ? 'approved' : 'pending';
  record.redeemed = false;
  ctx.store.byDeviceCode.set(record.deviceCode, record);
  ctx.store.byUserCode.set(record.userCode, record);
  if (ctx.faults.has('device-code-reused'))
    ctx.store.lastAuthorizationOf.set(client.clientId, record);

  return ok({
    deviceCode: record.deviceCode,
    userCode: displayUserCode(record.userCode),
    expiresIn: record.expiresIn,
    interval: record.intervalSec,
  });
}

function uniqueDeviceCode(ctx: StateContext): string {
  const next = () =>
    // A fixed prefix and a counter: guessable, and only 32 bits of anything.
    ctx.faults.has('weak-device-codes')
      ? `dc-${(ctx.store.issued++).toString(16).padStart(8, '0')}`
      : ctx.faults.has('aws-shaped-credentials')
        ? newAwsDeviceCode()
        : newDeviceCode();
  let code = next();
  while (ctx.store.byDeviceCode.has(code)) code = next();
  return code;
}

/** Strict slow_down mode, or a fault that only makes sense with it. */
function enforcesInterval(ctx: StateContext): boolean {
  return (
    ctx.config.slowDown === 'strict' ||
    ctx.faults.has('slow-down-double-penalty') ||
    ctx.faults.has('slow-down-terminal') ||
    ctx.faults.has('second-slow-down-terminal')
  );
}

/** The alphabet user codes are drawn from (and normalised with). */
function userCodeAlphabet(ctx: StateContext): string {
  return ctx.faults.has('confusable-user-codes') ? CONFUSABLE_ALPHABET : USER_CODE_ALPHABET;
}

function normalize(ctx: StateContext, userCode: string): string {
  // user-code-exact-match: only the code exactly as displayed (dash, upper case) is found.
  if (ctx.faults.has('user-code-exact-match')) {
    const canonical = userCode.replace('-', '');
    return displayUserCode(canonical) === userCode ? canonical : `!${userCode}`;
  }
  return normalizeUserCode(userCode, userCodeAlphabet(ctx));
}

function uniqueUserCode(ctx: StateContext): string {
  const next = () => {
    if (ctx.faults.has('sequential-user-codes'))
      return sequentialCode(1_000 + ctx.store.userCodesIssued++, USER_CODE_ALPHABET, 8);
    if (ctx.faults.has('short-user-codes')) return randomCode(USER_CODE_ALPHABET, 4);
    if (ctx.faults.has('confusable-user-codes')) return randomCode(CONFUSABLE_ALPHABET, 8);
    return newUserCode();
  };
  let code = next();
  for (let tries = 0; ctx.store.byUserCode.has(code) && tries < 1000; tries++) code = next();
  return code;
}

function isExpired(ctx: StateContext, record: DeviceAuthorizationRecord): boolean {
  if (ctx.faults.has('no-expiry')) return false;
  // early-expiry: the codes die at half the lifetime they advertise.
  const lifetimeMs = record.expiresIn * 1000 * (ctx.faults.has('early-expiry') ? 0.5 : 1);
  return ctx.clock.nowMs() >= record.createdAtMs + lifetimeMs;
}

// The end-user step (admin routes, verification page)

/** False when the code is unknown, expired, already decided or redeemed. */
export function approve(ctx: StateContext, userCode: string): boolean {
  const known = ctx.store.byUserCode.get(normalize(ctx, userCode));
  // Approving what is already approved (and not yet redeemed) is idempotent.
  if (known?.status === 'approved' && !known.redeemed && !isExpired(ctx, known)) return true;
  // approve-after-deny: a denial the device has already seen can be overturned.
  if (ctx.faults.has('approve-after-deny') && known?.status === 'denied' && known.deniedSeen) {
    known.status = 'approved';
    return true;
  }
  // denied-code-reapprovable: a denial the device has not seen yet can be overturned.
  if (
    ctx.faults.has('denied-code-reapprovable') &&
    known?.status === 'denied' &&
    !known.deniedSeen
  ) {
    known.status = 'approved';
    return true;
  }
  // approval-revives-expired: approving an expired code restarts its lifetime.
  if (
    ctx.faults.has('approval-revives-expired') &&
    known?.status === 'pending' &&
    !known.redeemed
  ) {
    if (isExpired(ctx, known)) known.createdAtMs = ctx.clock.nowMs();
  }
  const record = decidable(ctx, userCode);
  if (!record) return false;
  if (!ctx.faults.has('approval-ignored')) record.status = 'approved';
  hideDecision(ctx, record);
  record.session = startSession(ctx, record.clientId);
  if (ctx.faults.has('approve-approves-all')) {
    // The bug: approval keyed by client, not by user code.
    for (const other of ctx.store.byDeviceCode.values())
      if (other.clientId === record.clientId && other.status === 'pending')
        other.status = 'approved';
  }
  return true;
}

export function deny(ctx: StateContext, userCode: string): boolean {
  const known = ctx.store.byUserCode.get(normalize(ctx, userCode));
  // Under auto-approve the user can still deny before the device redeems the code.
  const autoApproved =
    ctx.faults.has('auto-approve') && known?.status === 'approved' && !known.redeemed;
  const record = autoApproved ? known : decidable(ctx, userCode);
  if (!record) return false;
  record.status = ctx.faults.has('deny-approves') ? 'approved' : 'denied';
  hideDecision(ctx, record);
  return true;
}

/** decision-visible-late: the decision reaches the token endpoint two polls later. */
function hideDecision(ctx: StateContext, record: DeviceAuthorizationRecord): void {
  if (ctx.faults.has('decision-visible-late')) record.decisionHiddenFor = DECISION_HIDDEN_POLLS;
}

function decidable(ctx: StateContext, userCode: string): DeviceAuthorizationRecord | undefined {
  const record = ctx.store.byUserCode.get(normalize(ctx, userCode)) ?? typoMatch(ctx, userCode);
  if (!record || record.status !== 'pending' || record.redeemed || isExpired(ctx, record)) {
    return undefined;
  }
  return record;
}

/** user-code-typo-tolerant: a code one character away from a pending one is taken for it. */
function typoMatch(ctx: StateContext, userCode: string): DeviceAuthorizationRecord | undefined {
  if (!ctx.faults.has('user-code-typo-tolerant')) return undefined;
  const typed = normalize(ctx, userCode);
  for (const [code, record] of ctx.store.byUserCode) {
    if (code.length !== typed.length || record.status !== 'pending') continue;
    let differences = 0;
    for (let i = 0; i < code.length; i++) if (code[i] !== typed[i]) differences++;
    if (differences === 1) return record;
  }
  return undefined;
}

export function describeUserCode(ctx: StateContext, userCode: string): UserCodeInfo | undefined {
  const record = ctx.store.byUserCode.get(normalize(ctx, userCode));
  if (!record) return undefined;
  const client = ctx.store.clients.get(record.clientId);
  let state: UserCodeInfo['state'] = record.status;
  if (record.redeemed) state = 'redeemed';
  else if (isExpired(ctx, record)) state = 'expired';
  return {
    userCode: displayUserCode(record.userCode),
    clientName: client?.clientName ?? '',
    state,
  };
}

// The device code grant at CreateToken (RFC 8628 §3.4-3.5)

export function redeemDeviceCode(
  ctx: StateContext,
  client: ClientRecord,
  deviceCode: string | undefined,
): Outcome<IssuedTokens> {
  if (deviceCode === undefined) {
    const shape = ctx.faults.has('missing-device-code-invalid-grant')
      ? 'InvalidGrantException'
      : 'InvalidRequestException';
    return fail(shape, 'Missing deviceCode for the device code grant');
  }
  if (!allows(ctx, client, DEVICE_CODE_GRANT)) {
    return fail('UnauthorizedClientException', 'Client is not registered for the device grant');
  }
  const record =
    ctx.store.byDeviceCode.get(deviceCode) ??
    prefixMatch(ctx, deviceCode) ??
    // user-code-redeems: one lookup for both codes, as `device_code = ? OR user_code = ?`.
    (ctx.faults.has('user-code-redeems')
      ? ctx.store.byUserCode.get(normalize(ctx, deviceCode))
      : undefined);
  if (!record) {
    if (ctx.faults.has('unknown-device-code-pending')) {
      return fail('AuthorizationPendingException', 'Authorization is still pending');
    }
    return fail('InvalidGrantException', 'Invalid device code');
  }
  if (record.clientId !== client.clientId && !ctx.faults.has('cross-client-redeem')) {
    if (ctx.faults.has('cross-client-poll-500'))
      return fail('InternalServerException', 'Device code belongs to another client');
    return fail('InvalidGrantException', 'Invalid device code');
  }
  if (record.redeemed && !ctx.faults.has('device-code-reusable')) {
    return fail('InvalidGrantException', 'Device code has already been used');
  }
  if (ctx.faults.has('slow-down-first-poll') && !record.shed) {
    // Load shedding comes before the state is looked at: an approved, denied or expired code
    // gets it too. The code's interval grows by 5 s as RFC 8628 §3.5 says.
    record.shed = true;
    record.lastPollMs = ctx.clock.nowMs();
    record.intervalSec += SLOW_DOWN_INCREMENT;
    return fail('SlowDownException', 'Too many requests, slow down');
  }
  if (isExpired(ctx, record)) {
    if (ctx.faults.has('pending-after-expiry'))
      return fail('AuthorizationPendingException', 'Authorization is still pending');
    if (ctx.faults.has('expired-as-invalid-grant'))
      return fail('InvalidGrantException', 'Invalid device code');
    return fail('ExpiredTokenException', 'Device code has expired');
  }
  if (record.killed) return fail('ExpiredTokenException', 'Device code has expired');
  const now = ctx.clock.nowMs();
  const previousPoll = record.lastPollMs;
  record.lastPollMs = now;
  record.polls = (record.polls ?? 0) + 1;
  // --slow-down strict: the interval holds whatever the code's state (a server may answer
  // slow_down at any time), so a client that polls a decided code too early is seen too.
  const early = previousPoll !== undefined && now - previousPoll < record.intervalSec * 1000;
  if (early && record.status !== 'pending' && ctx.config.slowDown === 'strict') {
    record.intervalSec += SLOW_DOWN_INCREMENT;
    return fail('SlowDownException', 'Client is polling too fast');
  }
  if (record.status !== 'pending' && (record.decisionHiddenFor ?? 0) > 0) {
    record.decisionHiddenFor! -= 1;
    return fail('AuthorizationPendingException', 'Authorization is still pending');
  }
  switch (record.status) {
    case 'pending': {
      const tooFast = previousPoll !== undefined && now - previousPoll < record.intervalSec * 1000;
      if (tooFast && ctx.faults.has('fast-poll-expires')) {
        record.killed = true;
        return fail('ExpiredTokenException', 'Device code has expired');
      }
      if (tooFast && enforcesInterval(ctx)) {
        // RFC 8628 §3.5: the client must add 5 s for this and all later polls. The
        // double-penalty fault demands 10 s per slow_down while clients add 5.
        record.intervalSec += ctx.faults.has('slow-down-double-penalty')
          ? 2 * SLOW_DOWN_INCREMENT
          : SLOW_DOWN_INCREMENT;
        record.slowDowns = (record.slowDowns ?? 0) + 1;
        if (ctx.faults.has('slow-down-terminal')) record.killed = true;
        if (ctx.faults.has('second-slow-down-terminal') && record.slowDowns >= 2)
          record.killed = true;
        return fail('SlowDownException', 'Client is polling too fast');
      }
      if (ctx.faults.has('pending-limit') && record.polls > 3)
        return fail('AccessDeniedException', 'Too many polls');
      return fail('AuthorizationPendingException', 'Authorization is still pending');
    }
    case 'denied':
      record.deniedSeen = true;
      if (ctx.faults.has('denial-as-invalid-grant'))
        return fail('InvalidGrantException', 'Invalid device code');
      return fail('AccessDeniedException', 'The user denied the authorization request');
    case 'approved':
      record.redeemed = true;
      record.familyId = newFamily(ctx, client.clientId, client.scopes, {
        session: record.session,
      });
      return ok(issueTokens(ctx, client, record.familyId));
  }
}

/** device-code-prefix-match: a code that differs only after its 20th character still matches. */
function prefixMatch(ctx: StateContext, deviceCode: string): DeviceAuthorizationRecord | undefined {
  if (!ctx.faults.has('device-code-prefix-match') || deviceCode.length < 20) return undefined;
  for (const [code, record] of ctx.store.byDeviceCode)
    if (code.slice(0, 20) === deviceCode.slice(0, 20)) return record;
  return undefined;
}
