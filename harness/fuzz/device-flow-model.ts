import fc from 'fast-check';
import type { Clock } from '../engine/clock.ts';
import { DECISION_POLLS, Poller } from '../engine/poller.ts';
import type { ApproverError } from '../approvers/approver.ts';
import type {
  ClientRegistration,
  DeviceAuthorization,
  Outcome,
  Profile,
  TokenSet,
} from '../profiles/profile.ts';
import { describeOutcome } from '../api/describe.ts';
import { RateLimited } from './property.ts';

/**
 * A model of one device authorization and the refresh tokens it yields (RFC 8628 §3.5,
 * RFC 6749 §6, RFC 9700 §4.14.2), for fast-check's `commands`. Each command acts on the target
 * and on the model; the target's answer must be one the model allows in that state, or the
 * command throws a ModelViolation naming the requirement broken.
 */
export class ModelViolation extends Error {
  constructor(
    readonly requirement: string,
    readonly expected: string,
    readonly actual: string,
    readonly outcome?: Outcome<unknown>,
  ) {
    super(`${requirement}: expected ${expected}, got ${actual}`);
  }
}

export interface FlowModel {
  status: 'pending' | 'approved' | 'denied' | 'redeemed' | 'expired';
  /** Seconds since the authorization started (model time). */
  age: number;
  expiresIn: number;
  /** A terminal answer was seen: at most one more deliberate poll (CL-3). */
  terminalPolls: number;
  /** The refresh token in force, and whether the family was revoked by a replay. */
  refreshToken?: string;
  retired: string[];
  revoked: boolean;
  /** Another client polled this code: the server may have ended it (AMB-13). */
  crossPolled: boolean;
  /** Polls answered pending since the decision (it may show a little later: DECISION_POLLS). */
  latePolls?: number;
}

/** Seconds around expiry where either answer is legitimate: no poll is judged there. */
function expiryMargin(m: Readonly<FlowModel>): number {
  return Math.min(30, Math.max(2, m.expiresIn * 0.25));
}

export interface FlowReal {
  profile: Profile;
  poller: Poller;
  clock: Clock;
  signal: AbortSignal;
  client: ClientRegistration;
  other: ClientRegistration;
  auth: DeviceAuthorization;
  decide(decision: 'approve' | 'deny'): Promise<ApproverError | undefined>;
  /** The last outcome, for the report of a counterexample. */
  last?: Outcome<unknown>;
}

const CONTINUE = ['authorization_pending', 'slow_down'];
const isContinue = (o: Outcome<unknown>) =>
  o.kind === 'error' && CONTINUE.includes(o.error?.code ?? '');
const isTerminalError = (o: Outcome<unknown>) => o.kind === 'error' && !isContinue(o);

/**
 * Keep `o` for the report, and stop at HTTP 429: a rate limit (a front door's, CL-18, AMB-19)
 * says nothing about the flow's state, so it is no model violation; the property stops there.
 */
export function observe(r: FlowReal, o: Outcome<unknown>): void {
  r.last = o;
  if (o.status === 429)
    throw new RateLimited(`rate-limited: HTTP 429 during the model's sequence, no verdict`);
}

function expect(ok: boolean, requirement: string, expected: string, o: Outcome<unknown>): void {
  if (!ok) throw new ModelViolation(requirement, expected, describeOutcome(o), o);
}

/** Model time passes: the code expires at expiresIn unless it was redeemed. */
function age(m: FlowModel, seconds: number): void {
  m.age += seconds;
  if (m.age >= m.expiresIn && m.status !== 'redeemed') m.status = 'expired';
}

/** A decision may show a few polls late (eventual consistency): pending is allowed until then. */
function decisionNotYetVisible(m: FlowModel, o: Outcome<unknown>): boolean {
  if (o.error?.code !== 'authorization_pending' || (m.latePolls ?? 0) >= DECISION_POLLS - 1)
    return false;
  m.latePolls = (m.latePolls ?? 0) + 1;
  return true;
}

type Cmd = fc.AsyncCommand<FlowModel, FlowReal, false>;

class Poll implements Cmd {
  check(m: Readonly<FlowModel>) {
    const nearExpiry = m.status !== 'redeemed' && Math.abs(m.age - m.expiresIn) < expiryMargin(m);
    return m.terminalPolls < 2 && !nearExpiry;
  }
  async run(m: FlowModel, r: FlowReal) {
    const before = r.clock.monotonic();
    const o = await r.poller.poll(r.client, r.auth);
    observe(r, o);
    age(m, r.clock.monotonic() - before);
    switch (m.status) {
      case 'pending':
        if (m.crossPolled && isTerminalError(o)) return void (m.terminalPolls = 2);
        expect(isContinue(o), 'DA-3.5-PENDING', 'authorization_pending or slow_down', o);
        return;
      case 'approved':
        if (o.error?.code === 'slow_down' || decisionNotYetVisible(m, o)) return;
        if (m.crossPolled && isTerminalError(o)) return void (m.terminalPolls = 2);
        expect(o.kind === 'ok', 'DA-3.5-SUCCESS', 'a token', o);
        m.status = 'redeemed';
        m.refreshToken = (o.value as TokenSet | undefined)?.refreshToken;
        return;
      case 'denied':
        if (decisionNotYetVisible(m, o)) return;
        expect(
          isTerminalError(o),
          'DA-3.5-DENIED',
          'a terminal error (access_denied), never a token',
          o,
        );
        m.terminalPolls++;
        return;
      case 'redeemed':
        expect(isTerminalError(o), 'DA-5.2-DC-SINGLE-USE', 'an error: the code was redeemed', o);
        m.terminalPolls++;
        return;
      case 'expired':
        expect(
          isTerminalError(o),
          'DA-3.5-EXPIRED',
          'expired_token (or another terminal error), never pending',
          o,
        );
        m.terminalPolls++;
        return;
    }
  }
  toString() {
    return 'poll';
  }
}

class Decide implements Cmd {
  constructor(
    readonly decision: 'approve' | 'deny',
    /** Also approve a denied code: only through the verification page (approverUsesPage). */
    readonly overturn: boolean,
  ) {}
  check(m: Readonly<FlowModel>) {
    // Approving a denied code too: a server must not let that yield a token.
    return (
      m.status === 'pending' ||
      (this.overturn && this.decision === 'approve' && m.status === 'denied')
    );
  }
  async run(m: FlowModel, r: FlowReal) {
    const refused = await r.decide(this.decision);
    if (m.status === 'pending' && refused === undefined)
      m.status = this.decision === 'approve' ? 'approved' : 'denied';
  }
  toString() {
    return this.decision;
  }
}

class Wait implements Cmd {
  constructor(readonly seconds: number) {}
  check(m: Readonly<FlowModel>) {
    // Stay clear of the instant of expiry, where either answer is legitimate.
    const after = m.age + this.seconds;
    return Math.abs(after - m.expiresIn) > expiryMargin(m) || m.status === 'redeemed';
  }
  async run(m: FlowModel, r: FlowReal) {
    await r.clock.sleep(this.seconds, r.signal);
    age(m, this.seconds);
  }
  toString() {
    return `wait ${this.seconds}s`;
  }
}

class OtherClientPolls implements Cmd {
  check(m: Readonly<FlowModel>) {
    const nearExpiry = Math.abs(m.age - m.expiresIn) < expiryMargin(m);
    return m.status !== 'expired' && m.terminalPolls < 2 && !nearExpiry;
  }
  async run(m: FlowModel, r: FlowReal) {
    const before = r.clock.monotonic();
    const o = await r.poller.poll(r.other, r.auth);
    observe(r, o);
    age(m, r.clock.monotonic() - before);
    m.crossPolled = true;
    expect(
      isTerminalError(o),
      'DA-3.4-CROSS-CLIENT',
      'a terminal error for another client, never a token or pending',
      o,
    );
  }
  toString() {
    return 'poll as another client';
  }
}

class Refresh implements Cmd {
  check(m: Readonly<FlowModel>) {
    return m.refreshToken !== undefined;
  }
  async run(m: FlowModel, r: FlowReal) {
    const o = await r.profile.createToken({
      client: r.client,
      grantType: 'refresh_token',
      refreshToken: m.refreshToken,
    });
    observe(r, o);
    if (m.revoked) {
      expect(
        o.kind === 'error',
        'BCP-4.14.2-REUSE-REVOKE',
        'an error: a replay revoked the grant',
        o,
      );
      m.refreshToken = undefined;
      return;
    }
    expect(o.kind === 'ok', 'OA-6-REFRESH', 'a new access token', o);
    const next = (o.value as TokenSet).refreshToken;
    if (next !== undefined && next !== m.refreshToken) {
      m.retired.push(m.refreshToken!);
      m.refreshToken = next;
    }
  }
  toString() {
    return 'refresh';
  }
}

class ReplayRetired implements Cmd {
  check(m: Readonly<FlowModel>) {
    return m.retired.length > 0;
  }
  async run(m: FlowModel, r: FlowReal) {
    const o = await r.profile.createToken({
      client: r.client,
      grantType: 'refresh_token',
      refreshToken: m.retired[0],
    });
    observe(r, o);
    if (o.kind === 'ok') {
      // The retired token still works: for a client that holds a secret, as this one does, that
      // is a SHOULD finding of BCP-4.14.2-ROTATE's own tests (AMB-8), not a state the model can
      // judge at MUST. Which tokens are in force is then the server's policy: refreshes stop.
      m.retired = [];
      m.refreshToken = undefined;
      return;
    }
    m.revoked = true;
  }
  toString() {
    return 'replay a retired refresh token';
  }
}

/** The commands, as fast-check arbitraries; `virtual` allows the long waits that expire codes. */
export function flowCommands(opts: {
  interval: number;
  expiresIn: number;
  virtual: boolean;
  approver: boolean;
  /**
   * The approver uses the verification page as a user does: a back door may approve a denied
   * code the page would refuse, so that command is generated only then.
   */
  approverUsesPage: boolean;
  maxCommands: number;
}) {
  const waits = opts.virtual ? [1, opts.interval, 30, opts.expiresIn + 20] : [opts.interval];
  // Polls and decisions are listed more than once: they carry the flow forward.
  const list: fc.Arbitrary<Cmd>[] = [
    fc.constant(new Poll()),
    fc.constant(new Poll()),
    fc.constant(new Poll()),
    fc.constantFrom(...waits).map((s) => new Wait(s)),
    fc.constant(new OtherClientPolls()),
    fc.constant(new Refresh()),
    fc.constant(new ReplayRetired()),
  ];
  if (opts.approver) {
    const decide = fc
      .constantFrom<'approve' | 'deny'>('approve', 'deny')
      .map((d) => new Decide(d, opts.approverUsesPage));
    list.push(decide, decide);
  }
  return fc.commands(list, { maxCommands: opts.maxCommands, size: 'max' });
}

export function initialModel(auth: DeviceAuthorization): FlowModel {
  return {
    status: 'pending',
    age: 0,
    expiresIn: auth.expiresIn,
    terminalPolls: 0,
    retired: [],
    revoked: false,
    crossPolled: false,
  };
}

export { Poller };
