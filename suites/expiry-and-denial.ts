import {
  defineSuite,
  describeOutcome,
  expectErrorCode,
  expectNoSuccess,
  expectStatus,
  pollMargin,
  type TestContext,
} from '../harness/api/conformance.ts';

/** RFC 8628 §3.2 (lifetime) and §3.5 (expired_token, access_denied). */
const suite = defineSuite('expiry-and-denial', 'Expiry and denial (RFC 8628 §3.2, §3.5)');

const CONTINUE = ['authorization_pending', 'slow_down'];

/**
 * The user tried to approve what should no longer be approvable (`what`: "expired", say): the
 * approver's answer is a note, since the verdict comes from the next poll.
 */
function noteApprovalAttempt(t: TestContext, what: string, refused: Error | undefined): void {
  t.note(
    refused === undefined
      ? `the approver reported the ${what} user code approved`
      : `the approver could not approve the ${what} user code (${refused.message})`,
  );
}

suite.test(
  {
    id: 'DA-3.5-EXPIRED',
    title: 'after expiresIn has passed, a poll gets expired_token and never authorization_pending',
    level: 'MUST',
    also: ['DA-3.5-STATUS-400', 'CL-17-EXPIRY-MARGIN', 'CL-3-STOP'],
    needs: { wait: 'expiry' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    // CL-17: expires_in counts from the response; poll no earlier than + max(interval + 5, 10).
    const wait = auth.expiresIn + Math.max(t.pollInterval(auth) + 5, 10);
    t.needsWait(wait, 'the device code lifetime plus a margin');
    await t.sleep(wait - t.age(auth), 'until the device code has expired');
    const o = await t.poll(client, auth, { expiryExpected: true });
    t.check({
      requirement: 'DA-3.5-EXPIRED',
      description: `poll ${wait} s after the authorization started (${t.wire('expiresIn')} ${auth.expiresIn} s)`,
      ok: o.kind === 'error' && !CONTINUE.includes(o.error?.code ?? ''),
      expected: ['error expired_token', 'error invalid_grant (AMB-4)'],
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    // AMB-4: invalid_grant (record purged) is a minor deviation, not a failure.
    if (o.kind === 'error' && o.error?.code !== undefined && !CONTINUE.includes(o.error.code))
      expectErrorCode(t, o, {
        requirement: 'DA-3.5-EXPIRED',
        level: 'SHOULD',
        description: 'the error after expiry is the one RFC 8628 names',
        codes: ['expired_token'],
      });
    if (o.kind === 'error')
      expectStatus(t, o, {
        requirement: 'DA-3.5-STATUS-400',
        level: 'MUST',
        description: 'status of the error after expiry',
        statuses: [400],
      });
  },
);

suite.test(
  {
    id: 'DA-3.2-LIFETIME',
    title: 'an authorization approved at 85 % of its lifetime still yields a token',
    level: 'MUST',
    also: ['CL-17-EXPIRY-MARGIN'],
    needs: { approver: true, wait: 'expiry' },
  },
  async (t) => {
    t.needsApprover();
    const { client, auth } = await t.authorization();
    const at = auth.expiresIn * 0.85;
    t.needsWait(at, '85 % of the device code lifetime');
    await t.sleep(at - t.age(auth), 'until 85 % of the lifetime');
    const refused = await t.attemptDecision('approve', auth);
    // The one poll must land inside the lifetime: nothing was polled since the start.
    const late = auth.expiresIn - t.age(auth) - pollMargin(t.clock);
    if (late < 0)
      return t.skip(
        `the approval took until ${t.age(auth).toFixed(1)} s of ${auth.expiresIn} s; inconclusive`,
      );
    // An approval may show a poll or two later (eventual consistency): polled through.
    const o =
      refused === undefined ? await t.pollForDecision(client, auth) : await t.poll(client, auth);
    if (refused !== undefined) {
      // The approver could not approve. If the server calls the code expired, it died early;
      // anything else leaves the approver's failure as the result.
      t.check({
        requirement: 'DA-3.2-LIFETIME',
        description: `poll at ${t.age(auth).toFixed(1)} s of ${auth.expiresIn} s after the approver failed (${refused.message})`,
        ok: o.error?.code !== 'expired_token',
        expected: 'a device code still alive (not expired_token)',
        actual: describeOutcome(o),
        exchange: o.exchange,
      });
      throw refused;
    }
    t.check({
      requirement: 'DA-3.2-LIFETIME',
      description: `poll right after an approval at ${t.age(auth).toFixed(1)} s of ${auth.expiresIn} s`,
      ok: o.kind === 'ok',
      expected: 'HTTP 200 token response',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'DA-3.5-DENIED',
    title: 'after the user denies, the poll gets access_denied, which ends the authorization',
    level: 'MUST',
    also: ['DA-3.5-STATUS-400', 'CL-3-STOP'],
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    t.needsApprover();
    const { client, auth } = await t.authorization();
    await t.deny(auth);
    // A denial may show a poll or two later (eventual consistency): polled through, bounded.
    const o = await t.pollForDecision(client, auth);
    t.check({
      requirement: 'DA-3.5-DENIED',
      description: 'polls after the user denied, until the denial shows',
      ok: o.kind === 'error' && !CONTINUE.includes(o.error?.code ?? ''),
      expected: ['error access_denied', 'another terminal error (AMB-5)'],
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    if (o.kind !== 'error' || CONTINUE.includes(o.error?.code ?? '')) return; // CL-3
    expectErrorCode(t, o, {
      requirement: 'DA-3.5-DENIED',
      level: 'SHOULD',
      description: 'the error after denial is the one RFC 8628 names (AMB-5)',
      codes: ['access_denied'],
    });
    expectStatus(t, o, {
      requirement: 'DA-3.5-STATUS-400',
      level: 'MUST',
      description: 'status of the error after denial',
      statuses: [400],
    });
    // One deliberate, labelled extra request (CL-3): a denied authorization never yields a token.
    const again = await t.poll(client, auth);
    expectNoSuccess(t, again, {
      requirement: 'DA-3.5-DENIED',
      description: 'a deliberate second poll after the denial',
    });
    if (again.kind === 'error')
      t.note(`second poll after denial: ${describeOutcome(again)} (AMB-22)`);
  },
);

suite.test(
  {
    id: 'DA-3.5-EXPIRED-UC',
    title: 'a user code approved after its authorization expired yields no token',
    level: 'MUST',
    also: ['CL-17-EXPIRY-MARGIN'],
    needs: { approver: true, wait: 'expiry' },
  },
  async (t) => {
    t.needsPageApprover();
    const { client, auth } = await t.authorization();
    // The same margin as DA-3.5-EXPIRED: well past the lifetime, whatever the clock skew.
    const wait = auth.expiresIn + Math.max(t.pollInterval(auth) + 5, 10);
    t.needsWait(wait, 'the device code lifetime plus a margin');
    await t.sleep(wait - t.age(auth), 'until the user code has expired');
    noteApprovalAttempt(t, 'expired', await t.attemptDecision('approve', auth));
    // Polled through pending: a late-visible approval must not yield a token either.
    const o = await t.pollForDecision(client, auth, { expiryExpected: true });
    expectNoSuccess(t, o, {
      requirement: 'DA-3.5-EXPIRED-UC',
      description: `poll after an approval attempted ${t.age(auth).toFixed(0)} s into a ${auth.expiresIn} s lifetime`,
    });
  },
);

suite.test(
  {
    id: 'DA-5.2-UC-SINGLE-USE',
    title: 'a user code the user denied cannot be approved afterwards',
    level: 'SHOULD',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    t.needsPageApprover();
    const { client, auth } = await t.authorization();
    await t.deny(auth);
    // The user enters the same code again and approves, before the device has polled.
    noteApprovalAttempt(t, 'denied', await t.attemptDecision('approve', auth));
    // Polled through pending: a late-visible approval must not yield a token either.
    const o = await t.pollForDecision(client, auth);
    expectNoSuccess(t, o, {
      requirement: 'DA-5.2-UC-SINGLE-USE',
      description: 'poll after the user denied, then approved the same user code',
    });
    if (o.kind === 'error') t.note(`the poll ended with ${describeOutcome(o)}`);
  },
);
