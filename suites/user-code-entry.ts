import { defineSuite, describeOutcome, show } from '../harness/api/conformance.ts';

/**
 * RFC 8628 §3.3: the user enters the code the device shows, and that code alone says which
 * authorization is approved. A page that is lenient with typos (§6.1 allows ignoring separators
 * and case, not wrong characters) lets a guess one character away approve someone's device,
 * and §5.1's brute-force arithmetic no longer holds.
 */
const suite = defineSuite('user-code-entry', 'What the verification page accepts (RFC 8628 §3.3)');

/** The 20 consonants of RFC 8628 §6.1's example alphabet. */
const CONSONANTS = 'BCDFGHJKLMNPQRSTVWXZ';

/** `code` with its first letter or digit replaced by another of the same kind. */
function mistype(code: string): string {
  const i = code.search(/[\p{L}\p{N}]/u);
  const c = code[i]!;
  const pool = /\p{N}/u.test(c) ? '0123456789' : CONSONANTS;
  const replacement = [...pool].find((x) => x !== c.toUpperCase())!;
  const typed = /\p{Ll}/u.test(c) ? replacement.toLowerCase() : replacement;
  return code.slice(0, i) + typed + code.slice(i + 1);
}

suite.test(
  {
    id: 'DA-3.3-UC-MATCH',
    title: 'a user code mistyped in one character approves nothing',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    t.needsPageApprover();
    const { client, auth } = await t.authorization();
    // Pending before the user types anything: a token after the typo is then the typo's doing.
    const before = await t.poll(client, auth);
    t.require({
      requirement: 'DA-3.5-PENDING',
      level: 'MUST',
      description: 'a poll before the user acts is pending (precondition)',
      ok:
        before.kind === 'error' &&
        ['authorization_pending', 'slow_down'].includes(before.error?.code ?? ''),
      expected: ['error authorization_pending', 'error slow_down'],
      actual: describeOutcome(before),
      exchange: before.exchange,
    });
    const typed = mistype(auth.userCode);
    const refused = await t.attemptDecision('approve', auth, { typed });
    t.note(
      refused === undefined
        ? `the approver reported ${show(typed)} approved`
        : `the page refused ${show(typed)} (${refused.message})`,
    );
    const o = await t.poll(client, auth);
    t.check({
      requirement: 'DA-3.3-UC-MATCH',
      description: `poll after the user entered ${show(typed)} for the displayed ${show(auth.userCode)}`,
      ok: o.kind === 'error',
      expected: 'no token: the authorization is still pending',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);
