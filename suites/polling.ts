import {
  defineSuite,
  describeOutcome,
  expectErrorCode,
  expectStatus,
  pollMargin,
  type ClientRegistration,
  type DeviceAuthorization,
  type Outcome,
  type TestContext,
  type TokenSet,
} from '../harness/api/conformance.ts';

/**
 * RFC 8628 §3.5: polling, authorization_pending and slow_down. The server MAY send slow_down
 * (AMB-2); these tests fail only what the RFC requires of a server that does.
 */
const suite = defineSuite(
  'polling',
  'Polling, authorization_pending and slow_down (RFC 8628 §3.5)',
);

const CONTINUE = ['authorization_pending', 'slow_down'];
const MAX_EARLY_POLLS = 5;

/** Gap between deliberately early polls (AMB-11: AWS intervals can be 1 s). */
function earlyGap(t: TestContext, auth: DeviceAuthorization): number {
  return Math.max(0.2, t.pollInterval(auth) / 2);
}

/**
 * Poll early (breaking CL-1 on purpose) until the server has sent `wanted` slow_downs, at most
 * MAX_EARLY_POLLS times. Returns every answer.
 */
async function provokeSlowDown(
  t: TestContext,
  client: ClientRegistration,
  auth: DeviceAuthorization,
  wanted: number,
): Promise<{ answers: Outcome<TokenSet>[]; slowDowns: number }> {
  const answers: Outcome<TokenSet>[] = [];
  let slowDowns = 0;
  for (let i = 0; i < MAX_EARLY_POLLS && slowDowns < wanted; i++) {
    // Early polls stay inside the lifetime, with room for the compliant poll that follows.
    const room = auth.expiresIn - t.age(auth) - (t.pollInterval(auth) + pollMargin(t.clock));
    if (i > 0 && earlyGap(t, auth) > room) break;
    if (i > 0) await t.sleep(earlyGap(t, auth), 'gap between early polls');
    const o = await t.pollEarly(client, auth);
    answers.push(o);
    if (o.error?.code === 'slow_down') slowDowns += 1;
    if (!(o.kind === 'error' && CONTINUE.includes(o.error?.code ?? ''))) break;
  }
  return { answers, slowDowns };
}

/** Over-eager polling may be slowed down but never ends the authorization or yields a token. */
function checkEarlyAnswers(
  t: TestContext,
  answers: Outcome<TokenSet>[],
  requirement: string,
): void {
  for (const [i, o] of answers.entries()) {
    t.check({
      requirement,
      level: 'MUST',
      description: `early poll ${i + 1}: the authorization goes on (slow_down is a variant of authorization_pending)`,
      ok: o.kind === 'error' && CONTINUE.includes(o.error?.code ?? ''),
      expected: CONTINUE.map((c) => `error ${c}`),
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    if (o.error?.code === 'slow_down')
      expectStatus(t, o, {
        requirement: 'DA-3.5-STATUS-400',
        level: 'MUST',
        description: 'status of slow_down',
        statuses: [400],
      });
  }
}

suite.test(
  {
    id: 'DA-3.5-PENDING-STABLE',
    title: 'polling at the interval never ends the authorization, which can still be approved',
    level: 'MUST',
    also: ['CL-1-INTERVAL', 'CL-4-TIMEOUT-BACKOFF'],
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    const step = t.pollInterval(auth) + pollMargin(t.clock);
    // Keep 40 % of the lifetime for the approval that follows (DA-3.2-LIFETIME is tested apart).
    const polls = Math.max(2, Math.min(4, Math.floor((auth.expiresIn * 0.6) / step)));
    // The polls and the one after the approval must fit in the lifetime, or prove nothing.
    t.needsPolls(auth, polls + 1, 'polling, then redeeming the approval');
    for (let i = 1; i <= polls; i++) {
      const o = await t.poll(client, auth);
      t.check({
        requirement: 'DA-3.5-PENDING-STABLE',
        description: `compliant poll ${i} of ${polls}, nobody has acted`,
        ok: o.kind === 'error' && CONTINUE.includes(o.error?.code ?? ''),
        expected: CONTINUE.map((c) => `error ${c}`),
        actual: describeOutcome(o),
        exchange: o.exchange,
      });
      if (!(o.kind === 'error' && CONTINUE.includes(o.error?.code ?? ''))) return; // CL-3
    }
    if (!t.hasApprover) return t.note('no approver: the approval after polling was not tried');
    await t.approve(auth);
    const { outcome } = await t.pollUntilDone(client, auth);
    t.check({
      requirement: 'DA-3.5-PENDING-STABLE',
      description: `approval after ${polls} compliant polls`,
      ok: outcome.kind === 'ok',
      expected: 'HTTP 200 token response',
      actual: describeOutcome(outcome),
      exchange: outcome.exchange,
    });
  },
);

suite.test(
  {
    id: 'DA-3.5-PENDING',
    slug: 'other-authorization',
    title: 'approving one user code leaves another authorization of the same client pending',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    t.needsApprover();
    const client = await t.client();
    const { auth: a } = await t.authorization(client);
    const { auth: b } = await t.authorization(client);
    await t.approve(a);
    // A slow_down (load shedding, AMB-2) is followed by a later poll inside t.poll.
    const o = await t.poll(client, b);
    expectErrorCode(t, o, {
      requirement: 'DA-3.5-PENDING',
      description: 'poll of authorization B after only A was approved',
      codes: ['authorization_pending'],
    });
  },
);

suite.test(
  {
    id: 'DA-3.5-SLOWDOWN-EMIT',
    profiles: ['aws'],
    title:
      'over-eager polling gets authorization_pending or slow_down (whether slow_down is sent is recorded)',
    level: 'INFO',
    also: ['DA-3.5-STATUS-400', 'AWS-SLOWDOWN-LOAD'],
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    const gap = earlyGap(t, auth).toFixed(1);
    const { answers, slowDowns } = await provokeSlowDown(t, client, auth, 1);
    checkEarlyAnswers(t, answers, 'DA-3.5-SLOWDOWN-EMIT');
    t.note(
      slowDowns > 0
        ? `the server sent slow_down after ${answers.length} polls ${gap} s apart (interval ${auth.interval ?? 'absent'})`
        : `the server never sent slow_down to ${answers.length} polls ${gap} s apart (allowed: AMB-2)`,
    );
  },
);

suite.test(
  {
    id: 'DA-3.5-SLOWDOWN-INC',
    slug: 'add-5s',
    title: 'a client that adds 5 s after slow_down is not slowed down again',
    level: 'SHOULD',
    also: ['CL-2-SLOWDOWN'],
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    const { answers, slowDowns } = await provokeSlowDown(t, client, auth, 1);
    checkEarlyAnswers(t, answers, 'DA-3.5-SLOWDOWN-INC');
    if (slowDowns === 0) return t.skip('the server sent no slow_down to early polls (AMB-2)');
    const wait = t.pollInterval(auth) + pollMargin(t.clock);
    t.needsLifetime(auth, wait, 'a compliant poll after slow_down');
    // Raw: another slow_down is the very answer this test judges.
    const o = await t.poll(client, auth, { raw: true });
    expectErrorCode(t, o, {
      requirement: 'DA-3.5-SLOWDOWN-INC',
      description: `poll ${t.pollInterval(auth)} s + margin after the slow_down (interval + 5)`,
      codes: ['authorization_pending'],
    });
  },
);

suite.test(
  {
    id: 'DA-3.5-SLOWDOWN-INC',
    slug: 'cumulative-10s',
    title: 'after two slow_downs a client that adds 10 s is not slowed down again (cumulative)',
    level: 'SHOULD',
    also: ['CL-2-SLOWDOWN', 'DA-3.5-SLOWDOWN-NONTERMINAL'],
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    const { answers, slowDowns } = await provokeSlowDown(t, client, auth, 2);
    checkEarlyAnswers(t, answers, 'DA-3.5-SLOWDOWN-INC');
    if (slowDowns < 2)
      return t.skip(
        `the server sent ${slowDowns} slow_down to ${answers.length} early polls, not 2`,
      );
    const wait = t.pollInterval(auth) + pollMargin(t.clock);
    t.needsLifetime(auth, wait, 'a compliant poll after two slow_downs');
    // Raw: another slow_down is the very answer this test judges.
    const o = await t.poll(client, auth, { raw: true });
    // Slowing a client down never ends its authorization (RFC 8628 §3.5: slow_down is "a
    // variant of authorization_pending"): a terminal answer to a compliant poll is a MUST failure.
    t.check({
      requirement: 'DA-3.5-SLOWDOWN-NONTERMINAL',
      level: 'MUST',
      description: `compliant poll (interval + 10) after two slow_downs: the authorization goes on`,
      ok: o.kind === 'error' && CONTINUE.includes(o.error?.code ?? ''),
      expected: CONTINUE.map((c) => `error ${c}`),
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    expectErrorCode(t, o, {
      requirement: 'DA-3.5-SLOWDOWN-INC',
      description: `poll ${t.pollInterval(auth)} s + margin after the second slow_down (interval + 10)`,
      codes: ['authorization_pending'],
    });
  },
);

suite.test(
  {
    id: 'DA-3.5-SLOWDOWN-NONTERMINAL',
    title: 'after slow_down the authorization can still be approved and redeemed',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    t.needsApprover();
    const { client, auth } = await t.authorization();
    const { answers, slowDowns } = await provokeSlowDown(t, client, auth, 1);
    checkEarlyAnswers(t, answers, 'DA-3.5-SLOWDOWN-NONTERMINAL');
    if (slowDowns === 0) return t.skip('the server sent no slow_down to early polls (AMB-2)');
    t.needsLifetime(auth, t.pollInterval(auth) + pollMargin(t.clock), 'redeeming after slow_down');
    await t.approve(auth);
    const { outcome } = await t.pollUntilDone(client, auth);
    t.check({
      requirement: 'DA-3.5-SLOWDOWN-NONTERMINAL',
      description: 'approve after slow_down, then poll at interval + 5',
      ok: outcome.kind === 'ok',
      expected: 'HTTP 200 token response',
      actual: describeOutcome(outcome),
      exchange: outcome.exchange,
    });
  },
);
