import {
  defineSuite,
  expectErrorCode,
  expectStatus,
  describeOutcome,
  member,
  show,
  type ClientRegistration,
  type TestContext,
} from '../harness/api/conformance.ts';
import { carriesUserCode, normaliseUserCode as normalise } from '../harness/api/conformance.ts';

const suite = defineSuite(
  'start-device-authorization',
  'StartDeviceAuthorization (RFC 8628 §3.1-3.3, AWS StartDeviceAuthorization)',
);

const isPositiveInteger = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isHttpsUri = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
};
const isAbsoluteUri = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
};

suite.test(
  {
    id: 'DA-3.2-200-JSON',
    title: 'success is HTTP 200 with an application/json body',
    level: 'MUST',
  },
  async (t) => {
    const { outcome: o } = await t.authorization();
    expectStatus(t, o, {
      requirement: 'DA-3.2-200-JSON',
      description: 'status of a successful StartDeviceAuthorization',
      statuses: [200],
    });
    const type = o.headers['content-type'] ?? '';
    t.check({
      requirement: 'DA-3.2-200-JSON',
      description: 'Content-Type is application/json (parameters tolerated)',
      ok: /^application\/json\s*(;|$)/i.test(type),
      expected: 'application/json',
      actual: show(type || undefined),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'DA-3.2-REQ-FIELDS',
    title:
      'the response has deviceCode, userCode, verificationUri strings and a positive integer expiresIn',
    level: 'MUST',
  },
  async (t) => {
    const { outcome: o } = await t.authorization();
    // The members as sent, under the harness's names (the profile maps the wire's).
    for (const name of ['deviceCode', 'userCode', 'verificationUri'] as const) {
      const v = o.sent?.[name];
      t.check({
        requirement: 'DA-3.2-REQ-FIELDS',
        description: `${t.wire(name)} is a non-empty string`,
        ok: typeof v === 'string' && v.length > 0,
        expected: 'non-empty string',
        actual: typeof v === 'string' ? `string of ${v.length} characters` : show(v),
        exchange: o.exchange,
      });
    }
    // AMB-10: a pre-RFC name (Google's verification_url) was read for an absent RFC one: the
    // flow works with it, but the response does not use RFC 8628's name (strict: a failure).
    for (const alias of o.aliases ?? [])
      t.check({
        requirement: 'DA-3.2-REQ-FIELDS',
        level: 'SHOULD',
        description: `${alias.standard} is sent under its RFC 8628 name (${alias.amb}: read from ${alias.sent})`,
        ok: false,
        expected: alias.standard,
        actual: `${alias.sent} (a pre-RFC name), no ${alias.standard}`,
        exchange: o.exchange,
      });
    const e = o.sent?.expiresIn;
    t.check({
      requirement: 'DA-3.2-REQ-FIELDS',
      description: `${t.wire('expiresIn')} is a positive integer (JSON number)`,
      ok: isPositiveInteger(e),
      expected: 'integer > 0',
      actual: show(e),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'DA-3.2-OPT-FIELDS',
    title: 'interval and verificationUriComplete, when present, are well-typed',
    level: 'MUST',
  },
  async (t) => {
    const { outcome: o } = await t.authorization();
    const interval = o.sent?.interval;
    t.check({
      requirement: 'DA-3.2-OPT-FIELDS',
      description: `${t.wire('interval')} is absent or an integer >= 1`,
      ok:
        interval === undefined ||
        (typeof interval === 'number' && Number.isInteger(interval) && interval >= 1),
      expected: ['absent', 'integer >= 1'],
      actual: show(interval),
      exchange: o.exchange,
    });
    const complete = o.sent?.verificationUriComplete;
    t.check({
      requirement: 'DA-3.2-OPT-FIELDS',
      description: `${t.wire('verificationUriComplete')} is absent or an absolute URI`,
      ok: complete === undefined || isAbsoluteUri(complete),
      expected: ['absent', 'absolute URI'],
      actual: show(complete),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'AWS-SDA-FIELDS',
    profiles: ['aws'],
    title: 'all six members are present, interval and verificationUriComplete included',
    level: 'MUST',
  },
  async (t) => {
    const { outcome: o } = await t.authorization();
    const names = [
      'deviceCode',
      'userCode',
      'verificationUri',
      'verificationUriComplete',
      'expiresIn',
      'interval',
    ];
    const missing = names.filter((n) => member(o.body, n) === undefined);
    t.check({
      requirement: 'AWS-SDA-FIELDS',
      description: 'StartDeviceAuthorization response members',
      ok: missing.length === 0,
      expected: names.join(', '),
      actual: missing.length === 0 ? 'all present' : `missing ${missing.join(', ')}`,
      exchange: o.exchange,
    });
    const interval = member(o.body, 'interval');
    if (typeof interval === 'number')
      t.note(`interval ${interval} s; expiresIn ${show(member(o.body, 'expiresIn'))} s`);
  },
);

suite.test(
  { id: 'DA-3.2-VURI-HTTPS', title: 'end-user verification URIs use https', level: 'MUST' },
  async (t) => {
    const { outcome: o, auth } = await t.authorization();
    const uris: [string, string | undefined][] = [
      ['verificationUri', auth.verificationUri],
      ['verificationUriComplete', auth.verificationUriComplete],
    ];
    for (const [name, uri] of uris) {
      if (uri === undefined) continue;
      // A development target served over http on loopback (an IdP started by a test) has its
      // pages there too: said, not failed. Anywhere else http fails.
      const development = isLoopbackHttp(uri) && isLoopbackHttp(t.config.target);
      if (development)
        t.note(
          `${t.wire(name)} uses http on a loopback development target (${show(uri)}): https in production`,
        );
      t.check({
        requirement: 'DA-3.2-VURI-HTTPS',
        description: `${t.wire(name)} scheme`,
        ok: isHttpsUri(uri) || development,
        expected: 'https://…',
        actual: show(uri),
        exchange: o.exchange,
      });
    }
  },
);

/** An http URL whose host is a loopback address or localhost. */
function isLoopbackHttp(uri: string | undefined): boolean {
  if (uri === undefined || !URL.canParse(uri)) return false;
  const url = new URL(uri);
  return url.protocol === 'http:' && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(url.hostname);
}

suite.test(
  {
    id: 'DA-3.3-VURI-NO-UC',
    title: 'the plain verificationUri does not embed the user code',
    level: 'SHOULD',
  },
  async (t) => {
    const { outcome: o, auth } = await t.authorization();
    // Parsed, query and fragment alike (AWS: `…/start/#/device`): a code elsewhere in the URI
    // would be a coincidence of letters, not the code.
    t.check({
      requirement: 'DA-3.3-VURI-NO-UC',
      description: `${t.wire('verificationUri')} carries no user code (as a path segment or query value, of the URI or of its fragment)`,
      ok: !carriesUserCode(auth.verificationUri, auth.userCode),
      expected: `a URI without ${show(auth.userCode)}`,
      actual: show(auth.verificationUri),
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'DA-3.2-VURIC-UC',
    title:
      'verificationUriComplete differs from verificationUri (it carries the user code or a handle)',
    level: 'MUST',
  },
  async (t) => {
    const { outcome: o, auth } = await t.authorization();
    const complete = auth.verificationUriComplete;
    if (complete === undefined)
      return t.skip('the server sends no verificationUriComplete (optional)');
    t.check({
      requirement: 'DA-3.2-VURIC-UC',
      description: `${t.wire('verificationUriComplete')} differs from ${t.wire('verificationUri')}`,
      ok: complete !== auth.verificationUri,
      expected: 'a different URI',
      actual: show(complete),
      exchange: o.exchange,
    });
    // RFC 8628 §3.2: it "includes the user_code (or other information with the same
    // function as the user_code)": an opaque handle is allowed, so its absence is a note. The
    // code may sit in the query or in the query of the fragment (AWS's `#/device?user_code=`).
    t.note(
      carriesUserCode(complete, auth.userCode)
        ? 'verificationUriComplete carries the user code'
        : `verificationUriComplete carries no literal user code (${show(complete)}): taken as an opaque handle, which RFC 8628 §3.2 allows`,
    );
  },
);

suite.test(
  {
    id: 'DA-3.2-UNIQUE',
    title: 'each request yields a fresh device code and a distinct user code',
    level: 'MUST',
  },
  async (t) => {
    const client = await t.client();
    const seen = { device: new Set<string>(), user: new Set<string>() };
    const n = 10;
    for (let i = 0; i < n; i++) {
      const { auth } = await t.authorization(client);
      seen.device.add(auth.deviceCode);
      seen.user.add(normalise(auth.userCode));
    }
    t.check({
      requirement: 'DA-3.2-UNIQUE',
      description: `device codes of ${n} authorizations are all different`,
      ok: seen.device.size === n,
      expected: `${n} distinct device codes`,
      actual: `${seen.device.size} distinct`,
    });
    t.check({
      requirement: 'DA-3.2-UNIQUE',
      description: `user codes of ${n} concurrently active authorizations are all different`,
      ok: seen.user.size === n,
      expected: `${n} distinct user codes`,
      actual: `${seen.user.size} distinct`,
    });
  },
);

suite.test(
  {
    id: 'DA-3.2-NOSTORE',
    title: 'the device authorization response is not cacheable',
    level: 'SHOULD',
  },
  async (t) => {
    const { outcome: o } = await t.authorization();
    const cc = o.headers['cache-control'] ?? '';
    t.check({
      requirement: 'DA-3.2-NOSTORE',
      description: 'Cache-Control contains no-store',
      ok: /(^|,)\s*no-store\s*(,|$)/i.test(cc),
      expected: 'Cache-Control: no-store',
      actual: cc ? `Cache-Control: ${cc}` : 'no Cache-Control',
      exchange: o.exchange,
    });
  },
);

suite.test(
  {
    id: 'DA-5.4-UC-LIFETIME',
    title:
      'the user code lives long enough to be entered and not so long it helps phishing (120-1800 s)',
    level: 'SHOULD',
  },
  async (t) => {
    const { outcome: o, auth } = await t.authorization();
    t.check({
      requirement: 'DA-5.4-UC-LIFETIME',
      description: `${t.wire('expiresIn')} of the device authorization`,
      ok: auth.expiresIn >= 120 && auth.expiresIn <= 1800,
      expected: 'between 120 and 1800 seconds',
      actual: `${auth.expiresIn} s`,
      exchange: o.exchange,
    });
  },
);

for (const field of ['clientId', 'clientSecret', 'startUrl'] as const) {
  // A missing credential may also be reported as invalid_client (AMB-6, DA-3.1-CLIENTID).
  const codes = field === 'startUrl' ? ['invalid_request'] : ['invalid_request', 'invalid_client'];
  suite.test(
    {
      id: 'AWS-SDA-REQUIRED',
      profiles: ['aws'],
      slug: `no-${field}`,
      title: `a request without ${field} is refused with ${codes.join(' or ')}`,
      level: 'MUST',
    },
    async (t) => {
      const client = await t.client();
      const body: Record<string, unknown> = {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        startUrl: t.config.startUrl,
      };
      delete body[field];
      const o = await t.aws.send('StartDeviceAuthorization', { json: body });
      expectErrorCode(t, o, {
        requirement: 'AWS-SDA-REQUIRED',
        description: `StartDeviceAuthorization without ${field}`,
        codes,
      });
    },
  );
}

suite.test(
  {
    id: 'AWS-SDA-REQUIRED',
    profiles: ['aws'],
    slug: 'wrong-secret',
    title: 'a wrong clientSecret is refused with invalid_client and HTTP 401',
    level: 'MUST',
    also: ['DA-3.1-CONF-AUTH'],
  },
  async (t) => {
    const client = await t.client();
    const o = await t.profile.startDeviceAuthorization({
      client: t.withWrongSecret(client),
      startUrl: t.config.startUrl,
    });
    // RFC 8628 §3.1 (client authentication, RFC 6749 §5.2): invalid_client, 400 or 401 (AMB-6).
    expectErrorCode(t, o, {
      requirement: 'DA-3.1-CONF-AUTH',
      description: `StartDeviceAuthorization with a wrong ${t.wire('clientSecret')}`,
      codes: ['invalid_client'],
    });
    // The AWS model's InvalidClientException is 401.
    expectStatus(t, o, {
      requirement: 'AWS-SDA-REQUIRED',
      description: 'InvalidClientException status',
      statuses: [401],
    });
  },
);

/**
 * The client authentication of a device authorization request (RFC 8628 §3.1: a confidential
 * client authenticates here as at the token endpoint, RFC 6749 §3.2.1). On the AWS wire,
 * AWS-SDA-REQUIRED judges both (a wrong clientSecret; a missing required one).
 */
const CONF_AUTH_PROBES: {
  slug: string;
  title: string;
  probe: (t: TestContext, client: ClientRegistration) => ClientRegistration;
  what: string;
  codes: string[];
}[] = [
  {
    // A failure is invalid_client, 400 or 401 (AMB-6).
    slug: 'wrong-secret',
    title:
      'a device authorization request with a wrong client secret is refused with invalid_client',
    probe: (t, client) => t.withWrongSecret(client),
    what: 'a wrong client_secret',
    codes: ['invalid_client'],
  },
  {
    // Leaving the credentials out does not make a client public; §5.2 names invalid_client for
    // "no client authentication included", invalid_request for a missing parameter.
    slug: 'secret-left-out',
    title:
      'a device authorization request that leaves out the client secret is refused with invalid_client or invalid_request',
    probe: (t, client) => t.withoutSecret(client),
    what: 'the client_id alone, no client_secret',
    codes: ['invalid_client', 'invalid_request'],
  },
];

for (const p of CONF_AUTH_PROBES)
  suite.test(
    { id: 'DA-3.1-CONF-AUTH', profiles: ['rfc8628'], slug: p.slug, title: p.title, level: 'MUST' },
    async (t) => {
      const client = await t.client();
      const o = await t.profile.startDeviceAuthorization({
        client: p.probe(t, client),
        startUrl: t.config.startUrl,
      });
      expectErrorCode(t, o, {
        requirement: 'DA-3.1-CONF-AUTH',
        description: `device authorization request with ${p.what}`,
        codes: p.codes,
      });
    },
  );

suite.test(
  {
    id: 'DA-3.1-CLIENTID',
    title: 'an unknown clientId is refused with invalid_client',
    level: 'MUST',
  },
  async (t) => {
    const client = await t.client();
    const o = await t.profile.startDeviceAuthorization({
      client: { ...client, clientId: `${client.clientId}-unknown` },
      startUrl: t.config.startUrl,
    });
    expectErrorCode(t, o, {
      requirement: 'DA-3.1-CLIENTID',
      description: `StartDeviceAuthorization with a ${t.wire('clientId')} nobody registered`,
      codes: ['invalid_client'],
    });
    if (o.kind === 'error') t.note(`answered ${describeOutcome(o)}`);
  },
);
