import { defineSuite, describeOutcome } from '../harness/conformance.ts';

const suite = defineSuite(
  'refresh-token',
  'CreateToken with the refresh_token grant (RFC 6749 §6)',
);

suite.test(
  {
    id: 'OA-6-REFRESH',
    title: 'a refresh token obtained by the device flow yields a new access token',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    const { client, tokens } = await t.tokens();
    if (tokens.refreshToken === undefined)
      return t.skip(
        'the token response carried no refreshToken (registered with the refresh_token grant and sso:account:access)',
      );
    const o = await t.profile.createToken({
      client,
      grantType: 'refresh_token',
      refreshToken: tokens.refreshToken,
    });
    t.check({
      requirement: 'OA-6-REFRESH',
      description: 'CreateToken with grantType refresh_token and the issued refresh token',
      ok: o.kind === 'ok' && o.value !== undefined && o.value.accessToken.length > 0,
      expected: 'HTTP 200 with accessToken and tokenType',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);
