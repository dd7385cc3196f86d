import {
  defineSuite,
  describeOutcome,
  expectErrorCode,
  expectNoSuccess,
  DEVICE_CODE_GRANT,
  CLOCK_SKEW_TOLERANCE,
  type ClientRegistration,
  type TestContext,
} from '../harness/api/conformance.ts';

/** RFC 7591 §3.2.1 (secret expiry) and the AWS rule that registered grant types restrict flows. */
const suite = defineSuite(
  'registration-lifecycle',
  'Client registration lifecycle (RFC 7591 §3.2.1, AWS RegisterClient)',
);

/**
 * Seconds until `client`'s registration expires, or a skip when it never does. Every grant of
 * an expired registration must fail, not only StartDeviceAuthorization (RFC 7591 §3.2.1: the
 * secret no longer authenticates; RFC 6749 §5.2: invalid_client).
 */
function secondsToExpiry(t: TestContext, client: ClientRegistration): number {
  const at = client.clientSecretExpiresAt;
  if (at === undefined || at === 0)
    return t.skip(
      `${t.wire('clientSecretExpiresAt')} is ${at ?? 'absent'}: the secret does not expire`,
    );
  const left = at - t.clock.epochSeconds();
  // Milliseconds, say: waiting for that would judge nothing (DCR-3.2.1-EXPIRES-AT judges it).
  if (left > PLAUSIBLE_LIFETIME)
    return t.skip(
      `clientSecretExpiresAt ${at} is more than 10 years away: not an epoch in seconds (DCR-3.2.1-EXPIRES-AT)`,
    );
  return left;
}

/** Ten years, in seconds: a longer secret lifetime is taken for a unit error. */
const PLAUSIBLE_LIFETIME = 10 * 365 * 86_400;

/** Credentials obtained this long before the registration expires are still fresh then. */
const LEAD = 120;

/** Sleep until `lead` seconds before the registration expires (the whole wait is declared now). */
async function sleepUntilBefore(t: TestContext, client: ClientRegistration, lead: number) {
  const left = secondsToExpiry(t, client);
  t.needsWait(left + MARGIN, 'until clientSecretExpiresAt');
  if (left > lead) await t.sleep(left - lead, 'until shortly before the registration expires');
}

/**
 * Past the expiry by this much: the target's clock may be a little behind ours (servers run NTP,
 * not perfection), and credentials obtained LEAD seconds before expiry are still within their own
 * lifetimes then.
 */
const MARGIN = CLOCK_SKEW_TOLERANCE;

/** Sleep until safely after the registration expired. */
async function sleepUntilExpired(t: TestContext, client: ClientRegistration): Promise<number> {
  const wait = Math.max(0, secondsToExpiry(t, client)) + MARGIN;
  await t.sleep(wait, 'until the registration expires');
  return wait;
}

/** When the expired registration is used, in the wire's words. */
const expired = (t: TestContext) =>
  `${MARGIN} s after ${t.wire('clientSecretExpiresAt')} (clock skew tolerated)`;

suite.test(
  {
    id: 'DCR-3.2.1-EXPIRY-ENFORCED',
    slug: 'secret',
    title: 'a registration past clientSecretExpiresAt no longer authenticates',
    level: 'MUST',
    needs: { wait: 'expiry' },
  },
  async (t) => {
    const client = await t.newClient();
    const wait = await sleepUntilExpired(t, client);
    t.note(`waited ${Math.ceil(wait)} s for the registration to expire`);
    const o = await t.profile.startDeviceAuthorization({ client, startUrl: t.config.startUrl });
    // A fixed description: a known-deviations file names this check (AWS, EVIDENCE.md E7).
    expectErrorCode(t, o, {
      requirement: 'DCR-3.2.1-EXPIRY-ENFORCED',
      description: `StartDeviceAuthorization of an expired registration, ${expired(t)}`,
      codes: ['invalid_client'],
    });
  },
);

suite.test(
  {
    id: 'DCR-3.2.1-EXPIRY-ENFORCED',
    slug: 'refresh-and-device-code',
    title:
      "an expired registration's refresh token and approved device code no longer yield tokens",
    level: 'MUST',
    needs: { approver: true, wait: 'expiry' },
  },
  async (t) => {
    t.needsApprover();
    const client = await t.newClient();
    await sleepUntilBefore(t, client, LEAD);
    // Shortly before expiry: an approved authorization not yet redeemed, and a refresh token.
    // The refresh token's approval comes last: on a registration that holds one session (AWS,
    // EVIDENCE.md E12) a later approval would end its refresh for another reason than expiry.
    const { auth } = await t.authorization(client);
    await t.approve(auth);
    const { tokens } = await t.tokens(client);
    await sleepUntilExpired(t, client);
    if (tokens.refreshToken !== undefined) {
      const refreshed = await t.refresh(client, tokens.refreshToken);
      expectErrorCode(t, refreshed, {
        requirement: 'DCR-3.2.1-EXPIRY-ENFORCED',
        description: `refresh with a refresh token issued before expiry, ${expired(t)}`,
        codes: ['invalid_client'],
      });
    } else t.note('the token response had no refreshToken: no refresh to try');
    const polled = await t.poll(client, auth);
    expectErrorCode(t, polled, {
      requirement: 'DCR-3.2.1-EXPIRY-ENFORCED',
      description: `poll of a device code approved before expiry, ${expired(t)}`,
      codes: ['invalid_client'],
    });
  },
);

suite.test(
  {
    id: 'DCR-3.2.1-EXPIRY-ENFORCED',
    slug: 'authorization-code',
    title: "an expired registration's authorization code no longer yields tokens",
    level: 'MUST',
    needs: { approver: true, wait: 'expiry' },
    // The AWS CLI's code flow (suites/authorization-code.ts): not in the plain OAuth profile.
    profiles: ['aws'],
  },
  async (t) => {
    t.needsApprover();
    const client = await t.codeClient();
    await sleepUntilBefore(t, client, LEAD);
    const { code, verifier, redirectUri } = await t.issuedCode(client);
    await sleepUntilExpired(t, client);
    const o = await t.redeemCode(client, { code, redirectUri, codeVerifier: verifier });
    expectErrorCode(t, o, {
      requirement: 'DCR-3.2.1-EXPIRY-ENFORCED',
      description: `redemption of an authorization code issued before expiry, ${expired(t)}`,
      codes: ['invalid_client'],
    });
  },
);

suite.test(
  {
    id: 'AWS-CT-GRANT-RESTRICT',
    profiles: ['aws'],
    slug: 'no-device-grant',
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
      issuerUrl: t.config.startUrl,
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
    profiles: ['aws'],
    slug: 'no-refresh-grant',
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
