import {
  defineSuite,
  describeOutcome,
  expectErrorCode,
  pollMargin,
  DEVICE_CODE_GRANT,
} from '../harness/api/conformance.ts';

/**
 * Rules of the plain OAuth wire that the AWS wire has no counterpart for: AWS clients send their
 * credentials in the body, never with HTTP Basic.
 */
const suite = defineSuite('oauth-wire', 'The plain OAuth 2.0 wire (RFC 6749)');

suite.test(
  {
    id: 'OA-5.2-401-HEADER',
    profiles: ['rfc8628'],
    title: 'a client refused after HTTP Basic authentication gets 401 with WWW-Authenticate',
    level: 'MUST',
  },
  async (t) => {
    const client = await t.client();
    if (client.clientSecret === undefined)
      return t.skip('not judged: the client has no secret, so it does not use HTTP Basic');
    // One character changed: still the client's id, no longer its secret.
    const last = client.clientSecret.at(-1) === 'A' ? 'B' : 'A';
    const wrong = { ...client, clientSecret: client.clientSecret.slice(0, -1) + last };
    const o = await t.profile.startDeviceAuthorization({ client: wrong });
    if (o.exchange.request.headers.authorization === undefined)
      return t.skip(
        'not judged: the client authenticates in the body (--client-auth), not with HTTP Basic',
      );
    expectErrorCode(t, o, {
      requirement: 'OA-5.2-401-HEADER',
      description: 'a wrong secret sent with HTTP Basic',
      codes: ['invalid_client'],
    });
    const challenge = o.headers['www-authenticate'];
    t.check({
      requirement: 'OA-5.2-401-HEADER',
      description: 'the refusal of HTTP Basic credentials challenges with the Basic scheme',
      ok: o.status === 401 && challenge !== undefined && /^\s*basic\b/i.test(challenge),
      expected: 'HTTP 401 with WWW-Authenticate: Basic …',
      actual: `${describeOutcome(o)}, WWW-Authenticate ${challenge === undefined ? 'absent' : JSON.stringify(challenge)}`,
      exchange: o.exchange,
    });
  },
);

/** A device code no server issued (43 characters, as RFC 8628's examples). */
const UNKNOWN_DEVICE_CODE = 'Zm9yZ2VkLWRldmljZS1jb2RlLXNzby1vaWRjLWNvbmY';

/** A repeated parameter refused (RFC 6749 §3.2), or read with its last value (AMB-15). */
const REFUSED_OR_LAST = ['invalid_request', 'authorization_pending', 'slow_down'];

suite.test(
  {
    id: 'OA-3.2-DUP-PARAM',
    profiles: ['rfc8628'],
    slug: 'form-parameter',
    title:
      'a token request repeating device_code is refused, or read with its last value, never with its first',
    level: 'SHOULD',
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    // The real code comes last: a server reading the first value sees a code it never issued.
    // A server reading the last polls the real one, so the interval is respected first (CL-1).
    await t.sleep(t.pollInterval(auth) + pollMargin(t.clock), 'the polling interval');
    const o = await t.oauth.createTokenRepeating(client, [
      ['grant_type', DEVICE_CODE_GRANT],
      ['device_code', UNKNOWN_DEVICE_CODE],
      ['device_code', auth.deviceCode],
    ]);
    const code = o.error?.code ?? '';
    t.check({
      requirement: 'OA-3.2-DUP-PARAM',
      description:
        'a device-code poll sending device_code twice, an unknown code then the real one',
      ok: o.kind === 'error' && o.status < 500 && REFUSED_OR_LAST.includes(code),
      expected: [
        'error invalid_request (parameter included more than once)',
        'error authorization_pending or slow_down (the last value, the real code; AMB-15)',
      ],
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    if (code !== 'invalid_request' && REFUSED_OR_LAST.includes(code))
      t.note('the server read the repeated device_code with its last value (AMB-15)');
  },
);
