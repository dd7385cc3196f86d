import {
  defineSuite,
  describeOutcome,
  expectErrorCode,
  expectNoSuccess,
  DEVICE_CODE_GRANT,
  CLOCK_SKEW_TOLERANCE,
} from '../harness/conformance.ts';

/** RFC 7591 §3.2.1 (secret expiry) and the AWS rule that registered grant types restrict flows. */
const suite = defineSuite(
  'registration-lifecycle',
  'Client registration lifecycle (RFC 7591 §3.2.1, AWS RegisterClient)',
);

suite.test(
  {
    id: 'DCR-3.2.1-EXPIRY-ENFORCED',
    title: 'a registration past clientSecretExpiresAt no longer authenticates',
    level: 'MUST',
    also: ['AWS-CT-INVALID-CLIENT-401'],
    needs: { wait: 'expiry' },
  },
  async (t) => {
    const client = await t.newClient();
    const at = client.clientSecretExpiresAt;
    if (at === undefined || at === 0)
      return t.skip(`clientSecretExpiresAt is ${at ?? 'absent'}: the secret does not expire`);
    // The target's clock may be a little behind ours: wait past the expiry on its side too.
    const wait = at - t.clock.epochSeconds() + CLOCK_SKEW_TOLERANCE;
    t.requireWait(wait, 'until clientSecretExpiresAt');
    await t.sleep(wait, 'until the registration expires');
    const o = await t.profile.startDeviceAuthorization({ client, startUrl: t.config.startUrl });
    expectErrorCode(t, o, {
      requirement: 'DCR-3.2.1-EXPIRY-ENFORCED',
      description: `StartDeviceAuthorization ${Math.ceil(wait)} s later, ${CLOCK_SKEW_TOLERANCE} s after clientSecretExpiresAt (clock skew tolerated)`,
      codes: ['invalid_client'],
    });
  },
);

suite.test(
  {
    id: 'AWS-CT-GRANT-RESTRICT',
    title: 'a client registered without the device grant cannot start a device authorization',
    level: 'MUST',
    also: ['DA-3.1-UNAUTH-CLIENT'],
  },
  async (t) => {
    const client = await t.newClient({
      clientName: 'sso-oidc-conformance',
      clientType: 'public',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1:53682/oauth/callback'],
    });
    const o = await t.profile.startDeviceAuthorization({ client, startUrl: t.config.startUrl });
    expectNoSuccess(t, o, {
      requirement: 'AWS-CT-GRANT-RESTRICT',
      description: 'StartDeviceAuthorization by a client registered for authorization_code only',
    });
    if (o.kind === 'error')
      expectErrorCode(t, o, {
        requirement: 'DA-3.1-UNAUTH-CLIENT',
        level: 'SHOULD',
        description: 'the error says the client is not allowed the grant (AMB-13)',
        codes: ['unauthorized_client'],
      });
  },
);

suite.test(
  {
    id: 'AWS-CT-GRANT-RESTRICT',
    title: 'a client registered without the refresh_token grant cannot refresh',
    level: 'MUST',
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    const client = await t.newClient({
      clientName: 'sso-oidc-conformance',
      clientType: 'public',
      grantTypes: [DEVICE_CODE_GRANT],
      scopes: ['sso:account:access'],
    });
    const { tokens } = await t.tokens(client);
    // Either no refresh token is issued, or the one issued cannot be used.
    const o =
      tokens.refreshToken === undefined ? undefined : await t.refresh(client, tokens.refreshToken);
    t.check({
      requirement: 'AWS-CT-GRANT-RESTRICT',
      description: 'refresh by a client registered without the refresh_token grant',
      ok: o === undefined || o.kind === 'error',
      expected: ['no refreshToken issued', 'the refresh refused'],
      actual: o === undefined ? 'no refreshToken issued' : describeOutcome(o),
      exchange: o?.exchange,
    });
    if (o === undefined) return;
    if (o.kind === 'error') t.note(`refused with ${describeOutcome(o)}`);
  },
);
