import { defineSuite, describeOutcome, expectErrorCode } from '../harness/api/conformance.ts';

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
