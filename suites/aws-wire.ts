import {
  defineSuite,
  describeOutcome,
  member,
  AWS_ERROR_SHAPES,
  AWS_OPERATIONS,
  AWS_OPERATION_FOR,
  awsShapeForErrorCode,
  isFrontEndError,
  type Outcome,
  type TestContext,
} from '../harness/api/conformance.ts';

/**
 * Wire rules that hold for every response: these tests run after all the others and judge
 * everything the run received, plus a small sample of their own so they never judge nothing.
 */
const suite = defineSuite('aws-wire', 'AWS restJson1 wire rules on every response (WIRE.md §2-3)');

const MAX_REPORTED = 5;

/** Provoke one success and a few typical errors so the rule is never judged on nothing. */
async function sample(t: TestContext): Promise<void> {
  const { client, auth } = await t.authorization();
  await t.poll(client, auth);
  await t.profile.createToken({
    client: { clientId: client.clientId, clientSecret: 'wrong-secret-sso-oidc-conformance' },
    grantType: 'refresh_token',
    refreshToken: 'not-a-refresh-token',
  });
  await t.profile.createToken({ client, grantType: 'urn:example:sso-oidc-conformance:nope' });
}

/**
 * Judge every observed outcome selected by `applies` with `problem` (undefined = fine).
 * Records one failed check per offending response (at most MAX_REPORTED) and a summary check.
 */
async function judgeAll(
  t: TestContext,
  requirement: string,
  what: string,
  expected: string,
  applies: (o: Outcome<unknown>) => boolean,
  problem: (o: Outcome<unknown>) => string | undefined,
): Promise<void> {
  // The rule judges what the run received; it samples for itself only when that is nothing.
  if (t.observed().filter(applies).length === 0) await sample(t);
  const seen = t.observed().filter(applies);
  const bad = seen.map((o) => ({ o, p: problem(o) })).filter((x) => x.p !== undefined);
  for (const { o, p } of bad.slice(0, MAX_REPORTED)) {
    t.check({
      requirement,
      description: `${what}: ${o.op} answered ${describeOutcome(o)}`,
      ok: false,
      expected,
      actual: p!,
      exchange: o.exchange,
    });
  }
  t.check({
    requirement,
    description: `${what}, over ${seen.length} responses of the run`,
    ok: bad.length === 0 && seen.length > 0,
    expected: seen.length > 0 ? 'every response conforms' : 'at least one response to judge',
    actual: seen.length === 0 ? 'no response to judge' : `${bad.length} of ${seen.length} do not`,
  });
}

const isError = (o: Outcome<unknown>) => o.kind === 'error';
/** Errors of the service itself, not the AWS front end's (aws-common-errors.ts), on any operation. */
const isServiceError = (o: Outcome<unknown>) => o.kind === 'error' && !isFrontEndError(o);
const shapeOf = (o: Outcome<unknown>) => o.error?.type;

suite.test(
  {
    id: 'AWS-ERR-TYPE',
    profiles: ['aws'],
    title: 'every error response carries x-amzn-ErrorType naming the shape of its error code',
    level: 'MUST',
    after: true,
  },
  (t) =>
    judgeAll(
      t,
      'AWS-ERR-TYPE',
      'x-amzn-ErrorType',
      'x-amzn-ErrorType: <Shape>[:url] whose shape has the body error code',
      isServiceError,
      (o) => {
        const type = shapeOf(o);
        if (!type) return 'no x-amzn-ErrorType header';
        const info = AWS_ERROR_SHAPES[type];
        if (!info) return `x-amzn-ErrorType ${type} is not a modelled exception`;
        if (o.error?.code !== undefined && info.code !== o.error.code)
          return `header ${type} but body error ${o.error.code} (expected ${info.code})`;
        return undefined;
      },
    ),
);

suite.test(
  {
    id: 'AWS-ERR-STATUS',
    profiles: ['aws'],
    title: "every error is sent with its exception's modelled HTTP status",
    level: 'MUST',
    after: true,
  },
  (t) =>
    judgeAll(
      t,
      'AWS-ERR-STATUS',
      'error status',
      'the @httpError status of the exception',
      isServiceError,
      (o) => {
        const shapes =
          o.error?.type && AWS_ERROR_SHAPES[o.error.type]
            ? [o.error.type]
            : awsShapeForErrorCode(o.error?.code ?? '');
        if (shapes.length === 0) return undefined; // AWS-ERR-TYPE and OA-5.2-FORMAT report unknown errors
        const statuses = shapes.map((s) => AWS_ERROR_SHAPES[s]!.status);
        return statuses.includes(o.status)
          ? undefined
          : `HTTP ${o.status} for ${shapes.join('/')} (modelled ${[...new Set(statuses)].join('/')})`;
      },
    ),
);

suite.test(
  {
    id: 'AWS-ERR-SET',
    profiles: ['aws'],
    title: 'each operation raises only the exceptions modelled for it',
    level: 'MUST',
    after: true,
  },
  (t) =>
    judgeAll(
      t,
      'AWS-ERR-SET',
      'exception allowed for the operation',
      "an exception in the operation's modelled error list",
      isServiceError,
      (o) => {
        const allowed = AWS_OPERATIONS[AWS_OPERATION_FOR[o.op]].errors;
        const shapes =
          o.error?.type && AWS_ERROR_SHAPES[o.error.type]
            ? [o.error.type]
            : awsShapeForErrorCode(o.error?.code ?? '');
        if (shapes.length === 0) return undefined;
        return shapes.some((s) => allowed.includes(s))
          ? undefined
          : `${shapes.join('/')} is not in ${AWS_OPERATION_FOR[o.op]}'s errors`;
      },
    ),
);

suite.test(
  {
    id: 'OA-5.2-FORMAT',
    slug: 'error-member',
    title: 'every error response is a JSON object with a string error member and an error status',
    level: 'MUST',
    after: true,
  },
  (t) =>
    judgeAll(
      t,
      'OA-5.2-FORMAT',
      'error body format',
      'HTTP 4xx/5xx, JSON object, string error, optional string error_description',
      isServiceError,
      (o) => {
        if (o.body === undefined) return `body is not JSON (${o.parseError ?? 'empty'})`;
        if (typeof o.body !== 'object' || o.body === null || Array.isArray(o.body))
          return 'body is not a JSON object';
        // The body's own members: o.error.code may come from x-amzn-ErrorType alone.
        if (typeof o.error?.sent.code !== 'string') return 'no string error member';
        const d = o.error.sent.description;
        if (d !== undefined && d !== null && typeof d !== 'string')
          return 'error_description is not a string';
        if (o.status < 400)
          return `HTTP ${o.status} for an error (RFC 6749 §5.2: 400 unless specified)`;
        return undefined;
      },
    ),
);

const ERROR_CHARSET = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

suite.test(
  {
    id: 'DA-3.5-ERR-CHARSET',
    title: 'error and error_description use only the characters RFC 6749 §5.2 allows',
    level: 'MUST',
    after: true,
  },
  (t) =>
    judgeAll(
      t,
      'DA-3.5-ERR-CHARSET',
      'error character set',
      'printable ASCII without " and \\',
      (o) => o.kind === 'error' && o.error !== undefined,
      (o) => {
        const sent = { error: o.error!.sent.code, error_description: o.error!.sent.description };
        for (const [name, v] of Object.entries(sent)) {
          if (typeof v === 'string' && !ERROR_CHARSET.test(v))
            return `${name} has a character outside %x20-21 / %x23-5B / %x5D-7E`;
        }
        return undefined;
      },
    ),
);

/** RFC 6749 §5.2: the characters of error_uri. */
const ERROR_URI_CHARSET = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The error_uri member of an error body, if it has one. */
function errorUriOf(o: Outcome<unknown>): unknown {
  return o.kind === 'error' && o.body !== null && typeof o.body === 'object'
    ? (o.body as Record<string, unknown>).error_uri
    : undefined;
}

suite.test(
  {
    id: 'OA-5.2-ERR-URI',
    // AWS's errors carry no error_uri: the rule is judged where OAuth servers send one.
    profiles: ['rfc8628'],
    title: 'an error_uri, when sent, is a URI reference in the characters RFC 6749 §5.2 allows',
    level: 'MUST',
    after: true,
  },
  async (t) => {
    const hasUri = (o: Outcome<unknown>) => errorUriOf(o) !== undefined;
    if (!t.observed().some(hasUri))
      return t.skip('no error of the run carried error_uri (OPTIONAL): nothing to judge');
    await judgeAll(
      t,
      'OA-5.2-ERR-URI',
      'error_uri',
      'a URI reference of %x21 / %x23-5B / %x5D-7E',
      hasUri,
      (o) => {
        const uri = errorUriOf(o);
        if (typeof uri !== 'string') return 'error_uri is not a string';
        if (!ERROR_URI_CHARSET.test(uri))
          return `error_uri ${JSON.stringify(uri)} has a character outside %x21 / %x23-5B / %x5D-7E`;
        if (!URL.canParse(uri, 'https://base.invalid/'))
          return `error_uri ${JSON.stringify(uri)} is not a URI reference`;
        return undefined;
      },
    );
  },
);

/** ajv's line for a member the schema does not model (schemas are additionalProperties: false). */
const isExtraMember = (line: string) => line.endsWith('is not an allowed member');

suite.test(
  {
    id: 'AWS-WIRE-RESPONSE',
    profiles: ['aws'],
    slug: 'modelled-members',
    title: "every success body has its operation's modelled members with their JSON types",
    level: 'MUST',
    after: true,
  },
  (t) =>
    judgeAll(
      t,
      'AWS-WIRE-RESPONSE',
      'success body against the response schema',
      'a body valid against schemas/aws/<Operation>.response.json',
      (o) => o.kind === 'ok',
      (o) => {
        const wrong = o.schemaErrors.filter((e) => !isExtraMember(e));
        return wrong.length === 0 ? undefined : wrong.slice(0, 3).join('; ');
      },
    ),
);

suite.test(
  {
    id: 'AWS-WIRE-RESPONSE',
    profiles: ['aws'],
    slug: 'no-unmodelled-members',
    title: 'success bodies carry no members the model does not define',
    level: 'SHOULD',
    after: true,
  },
  // Clients ignore unknown members (CL-10), so an extra member only warns.
  (t) =>
    judgeAll(
      t,
      'AWS-WIRE-RESPONSE',
      'members outside the model',
      'only modelled members',
      (o) => o.kind === 'ok',
      (o) => {
        const extra = o.schemaErrors.filter(isExtraMember);
        return extra.length === 0 ? undefined : extra.slice(0, 3).join('; ');
      },
    ),
);

suite.test(
  {
    id: 'AWS-REQUEST-ID',
    profiles: ['aws'],
    title: 'every response carries an x-amzn-RequestId header',
    level: 'SHOULD',
    after: true,
  },
  (t) =>
    judgeAll(
      t,
      'AWS-REQUEST-ID',
      'x-amzn-RequestId',
      'a non-empty x-amzn-RequestId header',
      () => true,
      (o) =>
        (o.headers['x-amzn-requestid'] ?? '').trim() ? undefined : 'no x-amzn-RequestId header',
    ),
);

/**
 * A modelled sso-oidc error: one whose body names an OAuth `error`. The AWS front end's own
 * refusals (SerializationException and the like, `{"message": ...}`) have none and are exempt.
 */
const isModelledError = (o: Outcome<unknown>) =>
  isServiceError(o) && typeof member(o.body, 'error') === 'string';

suite.test(
  {
    id: 'AWS-ERR-DESCRIPTION',
    profiles: ['aws'],
    title: 'every modelled error body carries a readable error_description',
    level: 'SHOULD',
    after: true,
  },
  // RFC 6749 §5.2 makes it optional, but it is all a user sees: AWS sends one with every error
  // (EVIDENCE.md E1) and the SDKs and the CLI print it as the error's message.
  async (t) => {
    if (t.observed().filter(isModelledError).length === 0) await sample(t);
    if (t.observed().filter(isModelledError).length === 0)
      t.skip(
        'no error body with an error member to judge (OA-5.2-FORMAT judges error bodies without one)',
      );
    await judgeAll(
      t,
      'AWS-ERR-DESCRIPTION',
      'error_description',
      'a non-blank string error_description',
      isModelledError,
      (o) => {
        const d = member(o.body, 'error_description');
        if (d === undefined) return 'no error_description';
        if (typeof d !== 'string') return 'error_description is not a string';
        return d.trim() === '' ? 'error_description is blank' : undefined;
      },
    );
  },
);

suite.test(
  {
    id: 'AWS-NO-5XX',
    profiles: ['aws'],
    slug: 'observed-traffic',
    title: 'no request the suite sent, valid or broken, was answered with a 5xx',
    level: 'MUST',
    after: true,
  },
  // Every negative test sends a request the server must refuse: "any error" there still
  // excludes a crash, which this rule judges once for all of them.
  (t) =>
    judgeAll(
      t,
      'AWS-NO-5XX',
      'status below 500',
      'an answer with a status below 500',
      (o) => o.status > 0,
      (o) => (o.status >= 500 ? `HTTP ${o.status}` : undefined),
    ),
);

const JSON_MEDIA_TYPE = /^\s*application\/json\s*(;|$)/i;

suite.test(
  {
    id: 'OA-5.2-FORMAT',
    slug: 'content-type',
    title: 'every error response is labelled Content-Type: application/json',
    level: 'MUST',
    after: true,
  },
  // RFC 6749 §5.2 sends the error "using the application/json media type", as does restJson1.
  (t) =>
    judgeAll(
      t,
      'OA-5.2-FORMAT',
      'error Content-Type',
      'Content-Type: application/json',
      isServiceError,
      (o) => {
        const type = o.headers['content-type'];
        return type !== undefined && JSON_MEDIA_TYPE.test(type)
          ? undefined
          : type === undefined
            ? 'no Content-Type'
            : `Content-Type: ${type}`;
      },
    ),
);
