import { defineSuite, describeOutcome, show, type Outcome } from '../harness/api/conformance.ts';
import { analyzeDeviceCodes, analyzeUserCodes } from '../harness/api/conformance.ts';

/**
 * RFC 8628 §5.1, §5.2, §6.1: user codes and device codes judged over a sample of
 * authorizations issued one after the other. Estimates are upper bounds (length × log2 of the
 * alphabet, less any structure found), so a figure below a threshold is a sure deviation.
 */
const suite = defineSuite(
  'code-quality',
  'User and device code quality (RFC 8628 §5.1, §5.2, §6.1)',
);

const SAMPLE = 20;
/** RFC 8628 §5.1: 8 base-20 characters ≈ 34.5 bits with rate limiting; below ~30 bits is weak. */
const USER_CODE_MIN_BITS = 30;
/** RFC 6749 §10.10: the probability of guessing a code MUST be ≤ 2^-128. */
const DEVICE_CODE_MIN_BITS = 128;

suite.test(
  {
    id: 'DA-5.1-UC-ENTROPY',
    title: 'user codes carry enough entropy (about 30 bits or more) and do not predict one another',
    level: 'SHOULD',
  },
  async (t) => {
    const sample = await t.sampleAuthorizations(SAMPLE);
    const a = analyzeUserCodes(sample.map((x) => x.userCode));
    t.check({
      requirement: 'DA-5.1-UC-ENTROPY',
      description: `entropy estimated over ${a.samples} user codes (format ${a.format}, alphabet of ${a.assumedAlphabetSize})`,
      ok: a.bits >= USER_CODE_MIN_BITS,
      expected: `>= ${USER_CODE_MIN_BITS} bits (RFC 8628 example: 8 base-20 characters, 34.5 bits)`,
      actual: `${a.bits.toFixed(1)} bits`,
    });
    t.check({
      requirement: 'DA-5.1-UC-ENTROPY',
      description: `user codes issued one after the other are unrelated (${a.samples} samples)`,
      ok: a.predictable === undefined,
      expected: 'no shared structure, counter or constant position',
      actual: a.predictable ?? 'none found',
    });
    t.note(
      `user codes: format ${a.format}, alphabet ${show(a.alphabet)}, about ${a.bits.toFixed(1)} bits`,
    );
  },
);

suite.test(
  {
    id: 'DA-6.1-CHARSET',
    title: 'the user-code alphabet avoids easily confused characters (0/O, 1/I/l)',
    level: 'SHOULD',
  },
  async (t) => {
    const sample = await t.sampleAuthorizations(SAMPLE);
    const a = analyzeUserCodes(sample.map((x) => x.userCode));
    t.check({
      requirement: 'DA-6.1-CHARSET',
      description: `characters seen in ${a.samples} user codes: ${show(a.alphabet)}`,
      ok: a.confusables.length === 0,
      expected: 'no confusable pair such as 0/O or 1/I/l',
      actual: a.confusables.length === 0 ? 'none' : a.confusables.join(', '),
    });
  },
);

suite.test(
  {
    id: 'DA-5.2-DC-ENTROPY',
    title: 'device codes carry 128 bits or more and share no prefix, counter or timestamp',
    level: 'MUST',
  },
  async (t) => {
    const sample = await t.sampleAuthorizations(SAMPLE);
    const a = analyzeDeviceCodes(
      sample.map((x) => x.deviceCode),
      t.clock.epochSeconds(),
    );
    t.check({
      requirement: 'DA-5.2-DC-ENTROPY',
      description: `entropy estimated over ${a.samples} device codes (shortest ${a.minLength} characters, alphabet of ${a.assumedAlphabetSize})`,
      ok: a.bits >= DEVICE_CODE_MIN_BITS,
      expected: `>= ${DEVICE_CODE_MIN_BITS} bits (RFC 6749 §10.10)`,
      actual: `${a.bits.toFixed(1)} bits`,
    });
    t.check({
      requirement: 'DA-5.2-DC-ENTROPY',
      description: `device codes issued one after the other are unrelated (${a.samples} samples)`,
      ok: a.predictable === undefined,
      expected: 'no shared prefix, counter or timestamp',
      actual: a.predictable ?? 'none found',
    });
  },
);

/**
 * RFC 8628 §6.1: the user approves by typing the code in another form. Passed when the next poll
 * gets tokens. Otherwise the code is approved again as displayed, as a control: if the poll then
 * gets tokens, the typed form did not work (the finding); if not, the flow itself is broken here
 * (DA-3.5-SUCCESS judges that) and the test is inconclusive. An approver that fails with both
 * forms is at fault (an error).
 */
function typedForm(
  id: string,
  title: string,
  applies: (displayed: string) => string | undefined,
  retype: (displayed: string) => string,
) {
  suite.test(
    { id, title, level: 'SHOULD', needs: { approver: true, wait: 'interval' } },
    async (t) => {
      t.needsPageApprover();
      const { client, auth } = await t.authorization();
      const notApplicable = applies(auth.userCode);
      if (notApplicable !== undefined) t.skip(notApplicable);
      const typed = retype(auth.userCode);
      const refused = await t.attemptDecision('approve', auth, { typed });
      // The approval may show a poll or two later (eventual consistency): polled through.
      const first = refused === undefined ? await t.pollForDecision(client, auth) : undefined;
      let control: Outcome<unknown> | undefined;
      if (first?.kind !== 'ok') {
        const asDisplayed = await t.attemptDecision('approve', auth);
        if (asDisplayed !== undefined) {
          if (refused !== undefined) throw refused;
          t.skip(
            `the approver could not approve the displayed form either (${asDisplayed.message})`,
          );
        }
        control = await t.pollForDecision(client, auth);
        if (control.kind !== 'ok')
          t.skip(
            `no token even after approving the code as displayed (${describeOutcome(control)}); DA-3.5-SUCCESS judges the flow`,
          );
      }
      t.check({
        requirement: id,
        description: `approval with the user code typed as ${show(typed)} (displayed ${show(auth.userCode)})`,
        ok: first?.kind === 'ok',
        expected: 'the approval accepted and the next poll answered with tokens',
        actual:
          first?.kind === 'ok'
            ? describeOutcome(first)
            : `${refused !== undefined ? `the typed form was refused (${refused.message})` : `the poll after it got ${describeOutcome(first!)}`}; approved as displayed, the next poll got tokens`,
        exchange: (first ?? control)?.exchange,
      });
    },
  );
}

typedForm(
  'DA-6.1-NORM-PUNCT',
  'a user code typed without its separators is accepted',
  (c) => (/[^\p{L}\p{N}]/u.test(c) ? undefined : `the user code ${show(c)} has no separator`),
  (c) => c.replace(/[^\p{L}\p{N}]/gu, ''),
);

typedForm(
  'DA-6.1-NORM-CASE',
  'a user code typed in lower case is accepted',
  (c) =>
    /\p{Lu}/u.test(c) && !/\p{Ll}/u.test(c)
      ? undefined
      : `the user code ${show(c)} is not upper-case letters (case may be significant)`,
  (c) => c.toLowerCase(),
);

typedForm(
  'DA-6.1-STRIP-OTHER',
  'a user code typed with spaces around and inside it is accepted',
  () => undefined,
  (c) => ` ${c.slice(0, Math.ceil(c.length / 2))} ${c.slice(Math.ceil(c.length / 2))} `,
);
