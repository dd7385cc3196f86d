import {
  defineSuite,
  describeOutcome,
  FIXTURE_REGISTRATION,
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
    if (!t.profile.sendsSecret(client) || client.clientSecret === undefined)
      return t.skip('not judged: the client sends no secret, so it does not use HTTP Basic');
    // One character changed: still the client's id, no longer its secret.
    const last = client.clientSecret.at(-1) === 'A' ? 'B' : 'A';
    const wrong = { ...client, clientSecret: client.clientSecret.slice(0, -1) + last };
    const o = await t.profile.startDeviceAuthorization({ client: wrong });
    if (o.exchange.request.headers.authorization === undefined)
      return t.skip(
        `not judged: the client authenticates in the body (${client.authMethod ? `registered ${client.authMethod}` : '--client-auth'}), not with HTTP Basic`,
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

/** The answers that let a device-code poll go on (RFC 8628 §3.5). */
const CONTINUE = ['authorization_pending', 'slow_down'];

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
    t.needsPolls(auth, 1, 'a poll sending device_code twice');
    // The real code comes last: a server reading the first value sees a code it never issued.
    // A server reading the last polls the real one, so the interval is respected first (CL-1).
    await t.sleep(t.pollInterval(auth) + pollMargin(t.clock), 'the polling interval');
    const o = await t.oauth.sendForm('createToken', client, [
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

suite.test(
  {
    id: 'OA-3.2-EMPTY-PARAM',
    profiles: ['rfc8628'],
    title: 'a parameter sent empty counts as absent: device_code= gets what no device_code gets',
    level: 'MUST',
  },
  async (t) => {
    const client = await t.client();
    const grant = ['grant_type', DEVICE_CODE_GRANT] as const;
    const missing = await t.oauth.sendForm('createToken', client, [grant]);
    const empty = await t.oauth.sendForm('createToken', client, [grant, ['device_code', '']]);
    const expected = missing.error?.code;
    t.check({
      requirement: 'OA-3.2-EMPTY-PARAM',
      description: 'a device-code poll with device_code sent empty, beside one without it',
      ok:
        missing.kind === 'error' &&
        empty.kind === 'error' &&
        expected !== undefined &&
        empty.error?.code === expected,
      expected: `error ${expected ?? '(the one without device_code)'}, as without device_code (${describeOutcome(missing)})`,
      actual: describeOutcome(empty),
      exchange: empty.exchange,
    });
  },
);

suite.test(
  {
    id: 'OA-3.2-UNKNOWN-PARAM',
    profiles: ['rfc8628'],
    title: 'a parameter the server does not know is ignored: a poll with one is still pending',
    level: 'MUST',
    needs: { wait: 'interval' },
  },
  async (t) => {
    const { client, auth } = await t.authorization();
    t.needsPolls(auth, 2, 'a poll without the parameter, then one with it');
    // Without the parameter first: the test judges only a code the server calls pending.
    const plain = await t.poll(client, auth);
    if (plain.kind !== 'error' || !CONTINUE.includes(plain.error?.code ?? ''))
      return t.skip(`not judged: the device code was not pending (${describeOutcome(plain)})`);
    await t.sleep(t.pollInterval(auth) + pollMargin(t.clock), 'the polling interval');
    const o = await t.oauth.sendForm('createToken', client, [
      ['grant_type', DEVICE_CODE_GRANT],
      ['device_code', auth.deviceCode],
      ['x_conformance', '1'],
    ]);
    t.check({
      requirement: 'OA-3.2-UNKNOWN-PARAM',
      description: 'the next poll of the pending device code, with x_conformance=1 added',
      ok: o.kind === 'error' && CONTINUE.includes(o.error?.code ?? ''),
      expected: [
        'error authorization_pending',
        'error slow_down',
        `as without it: ${describeOutcome(plain)}`,
      ],
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'OA-2.3.1-BASIC',
    profiles: ['rfc8628'],
    title: 'a client that holds a secret can authenticate with HTTP Basic',
    level: 'MUST',
  },
  async (t) => {
    // RFC 6749 §2.3.1 makes the server support Basic for every client issued a password. The
    // client is one registered asking for client_secret_basic (a server that registers it for
    // another method all the same, and refuses Basic, does not support Basic); where the run
    // cannot register, the configured one. A configured client the run says uses another
    // method (--client-auth) may be held to it (RFC 7591 §2; Ory Hydra and Authelia refuse
    // Basic then): that refusal is a SHOULD.
    const registers = t.profile.registration !== undefined;
    const client = registers
      ? await t.newClient({ ...FIXTURE_REGISTRATION, authMethod: 'client_secret_basic' })
      : await t.client();
    if (!t.profile.sendsSecret(client) || client.clientSecret === undefined)
      return t.skip('not judged: the client authenticates with no secret (a public client)');
    const asked = registers
      ? 'client_secret_basic'
      : (t.config.clientAuth ?? 'client_secret_basic');
    const o = await t.profile.startDeviceAuthorization({
      client: { ...client, authMethod: 'client_secret_basic' },
    });
    const registered = client.authMethod ? `, registered ${client.authMethod}` : '';
    t.check({
      requirement: 'OA-2.3.1-BASIC',
      level: asked === 'client_secret_basic' ? 'MUST' : 'SHOULD',
      description: `a device authorization with the client's secret in HTTP Basic (the client is for ${asked}${registered})`,
      ok: o.kind === 'ok',
      expected: 'HTTP 200 with a device authorization',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'OA-2.3-ONE-METHOD',
    profiles: ['rfc8628'],
    title: 'a request authenticating the client twice (HTTP Basic and the body) is refused',
    level: 'SHOULD',
  },
  async (t) => {
    const client = await t.client();
    if (!t.profile.sendsSecret(client))
      return t.skip('not judged: the client sends no secret, so none to send twice');
    const o = await t.oauth.sendForm('startDeviceAuthorization', client, [], { bothAuth: true });
    // AMB-14: many servers accept it (one method wins): a warning, a failure under --strict.
    expectErrorCode(t, o, {
      requirement: 'OA-2.3-ONE-METHOD',
      description: 'a device authorization with the secret in HTTP Basic and in client_secret',
      codes: ['invalid_request'],
    });
    if (o.kind === 'ok') t.note('the server accepted two client authentications (AMB-14)');
  },
);

suite.test(
  {
    id: 'DA-3.2-ERR-FORMAT',
    // The AWS wire's errors are judged by AWS-ERR-* (its front end answers without `error`).
    profiles: ['rfc8628'],
    title: "a refused device authorization answers in the token endpoint's error format",
    level: 'MUST',
  },
  async (t) => {
    const o = await t.profile.startDeviceAuthorization({
      client: { clientId: 'ssoc-conformance-unregistered-client' },
    });
    const code = o.error?.sent.code;
    t.check({
      requirement: 'DA-3.2-ERR-FORMAT',
      description: 'a device authorization for a client_id nobody registered',
      ok:
        o.kind === 'error' &&
        o.body !== null &&
        typeof o.body === 'object' &&
        typeof code === 'string',
      expected: 'a JSON object with a string error (RFC 6749 §5.2)',
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
    if (o.kind === 'error')
      t.check({
        requirement: 'DA-3.2-ERR-FORMAT',
        description: 'status of the refusal',
        ok: o.status === 400 || (o.status === 401 && code === 'invalid_client'),
        expected: ['HTTP 400', 'HTTP 401 with invalid_client'],
        actual: describeOutcome(o),
        exchange: o.exchange,
      });
  },
);
