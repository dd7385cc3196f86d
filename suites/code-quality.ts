import { defineSuite, describeOutcome, show } from '../harness/conformance.ts';
import { analyzeDeviceCodes, analyzeUserCodes } from '../harness/code-analysis.ts';

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
 * gets tokens. When the approver fails with the typed form, the code as displayed is tried: if
 * that works, the server refused the typed form; if not, the approver is at fault (an error).
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
      t.needsApprover();
      const { client, auth } = await t.authorization();
      const notApplicable = applies(auth.userCode);
      if (notApplicable !== undefined) t.skip(notApplicable);
      const typed = retype(auth.userCode);
      const refused = await t.tryApproveTyped(auth, typed);
      if (refused !== undefined) {
        const asDisplayed = await t.tryApprove(auth);
        if (asDisplayed !== undefined) throw refused;
      }
      const o = await t.poll(client, auth);
      t.check({
        requirement: id,
        description: `approval with the user code typed as ${show(typed)} (displayed ${show(auth.userCode)})`,
        ok: refused === undefined && o.kind === 'ok',
        expected: 'the approval accepted and the next poll answered with tokens',
        actual:
          refused !== undefined
            ? `the typed form was refused (${refused.message}); the displayed form was accepted`
            : describeOutcome(o),
        exchange: o.exchange,
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
