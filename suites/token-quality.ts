import { defineSuite, expectErrorCode, type TestContext } from '../harness/api/conformance.ts';
import { analyzeTokens, TOKEN_MIN_BITS } from '../harness/api/conformance.ts';

/**
 * RFC 6749 §10.3, §10.4, §10.10 and RFC 9700 §4.14.2: access and refresh tokens cannot be
 * guessed or forged. Judged over the tokens of one grant and its refresh chain (one approval),
 * in issue order. Entropy figures are upper bounds, so a figure below 128 bits is a sure
 * deviation; a JWT is judged by its signature instead.
 */
const suite = defineSuite(
  'token-quality',
  'Access and refresh token quality (RFC 6749 §10.3, §10.4, §10.10; RFC 9700 §4.14.2)',
);

/** One device flow and up to 19 refreshes: enough samples to see a counter or a constant. */
const SAMPLE = 20;
const NEEDS = { approver: true } as const;

/** The entropy or signature checks of one kind of token, under `requirement`. */
function judge(
  t: TestContext,
  tokens: string[],
  what: 'access tokens' | 'refresh tokens',
  requirement: string,
  integrity: string[],
): void {
  const a = analyzeTokens(tokens, t.clock.epochSeconds());
  if (a.form === 'jwt') {
    for (const id of integrity)
      t.check({
        requirement: id,
        description: `signature of ${a.samples} ${what} in JWS form (alg ${a.algorithms.join(', ')})`,
        ok: a.unsigned === 0,
        expected: 'every token signed (alg other than none, a non-empty signature)',
        actual:
          a.unsigned === 0
            ? 'all signed'
            : `${a.unsigned} of ${a.samples} unsigned: anyone can forge one`,
      });
    return;
  }
  if (integrity.length > 1)
    t.note(`${what} are opaque handles, not self-contained: no signature to judge`);
  t.check({
    requirement,
    description: `entropy estimated over ${a.samples} ${what} (shortest ${a.minLength} characters, alphabet of ${a.assumedAlphabetSize})`,
    ok: a.bits >= TOKEN_MIN_BITS,
    expected: `>= ${TOKEN_MIN_BITS} bits (RFC 6749 §10.10)`,
    actual: `${a.bits.toFixed(1)} bits${a.structure ? `; structure: ${a.structure}` : ''}`,
  });
}

suite.test(
  {
    id: 'OA-10.3-AT-GUESS',
    title: 'access tokens cannot be guessed (128 bits or more) or forged (signed when JWTs)',
    level: 'MUST',
    needs: NEEDS,
  },
  async (t) => {
    const s = await t.sampleTokens(SAMPLE);
    if (s.stopped) t.note(`sample of ${s.accessTokens.length} access tokens: ${s.stopped}`);
    judge(t, s.accessTokens, 'access tokens', 'OA-10.3-AT-GUESS', ['OA-10.3-AT-GUESS']);
  },
);

suite.test(
  {
    id: 'OA-10.4-RT-GUESS',
    title: 'refresh tokens cannot be guessed (128 bits or more) or forged (signed when JWTs)',
    level: 'MUST',
    needs: NEEDS,
  },
  async (t) => {
    const s = await t.sampleTokens(SAMPLE);
    if (s.refreshTokens.length === 0)
      t.skip(`no refresh token was issued (${s.stopped ?? 'none in the token response'})`);
    if (s.stopped) t.note(`sample of ${s.refreshTokens.length} refresh tokens: ${s.stopped}`);
    judge(t, s.refreshTokens, 'refresh tokens', 'OA-10.4-RT-GUESS', ['OA-10.4-RT-GUESS']);
  },
);

/**
 * A JWS whose payload gained a claim, header and signature kept: what a client forging grant
 * data would send. Undefined when `token` is no JWS with a JSON object payload.
 */
function tamperedJws(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return undefined;
  const altered = { ...claims, scope: 'sso:account:access sso-oidc-conformance:forged' };
  return `${parts[0]}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${parts[2]}`;
}

suite.test(
  {
    id: 'BCP-4.14.2-INTEGRITY',
    title: 'a self-contained refresh token altered in its payload is refused',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    const { client, tokens } = await t.refreshable();
    const tampered = tamperedJws(tokens.refreshToken);
    if (tampered === undefined)
      return t.skip(
        'not judged: the refresh token is not a JWS, so it carries no grant data to alter (OA-6-RT-INVALID refuses a garbled one)',
      );
    const o = await t.refresh(client, tampered);
    expectErrorCode(t, o, {
      requirement: 'BCP-4.14.2-INTEGRITY',
      description:
        'refresh with the issued refresh token whose JWT payload gained a scope claim (header and signature kept)',
      codes: ['invalid_grant'],
    });
  },
);
