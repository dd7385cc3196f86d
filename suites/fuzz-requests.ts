import fc from 'fast-check';
import {
  defineSuite,
  describeOutcome,
  AWS_ERROR_SHAPES,
  AWS_OPERATIONS,
  awsShapeForErrorCode,
  DEVICE_CODE_GRANT,
  isCommonSignedError,
  type Outcome,
  type TestContext,
} from '../harness/conformance.ts';
import { awsRequestSchema, type AwsOperation } from '../harness/schemas.ts';
import type { AwsSendOptions } from '../harness/profiles/aws.ts';
import { arbitraryFromSchema, type SchemaLike } from '../harness/fuzz/schema-arbitrary.ts';
import { mutationArbitrary, type MutatedRequest } from '../harness/fuzz/mutations.ts';
import { runProperty } from '../harness/fuzz/property.ts';

/**
 * Property-based request fuzzing (fast-check): arbitraries built from the request schemas,
 * then broken. A broken request gets a well-formed error from the operation's error set, never
 * a 5xx, a success or a token; a well-typed one never gets a 5xx. Seeded: the same seed
 * replays the same cases; a failure reports the seed, the path and the shrunk case.
 */
const suite = defineSuite('fuzz-requests', 'Request fuzzing from the schemas (fast-check)');

/** Operations fuzzed here, with the requirement a refused-but-accepted request breaks. */
const OPERATIONS: { op: AwsOperation; required: string }[] = [
  { op: 'RegisterClient', required: 'AWS-REG-REQUIRED' },
  { op: 'StartDeviceAuthorization', required: 'AWS-SDA-REQUIRED' },
  { op: 'CreateToken', required: 'AWS-CT-REQUIRED' },
  // Signed (SigV4) with the target's credentials; a refused request can never succeed here,
  // since the base presents an unknown refresh token.
  { op: 'CreateTokenWithIAM', required: 'AWS-NO-5XX' },
];

/** Options for sending to `op`: CreateTokenWithIAM requests are signed as they go. */
async function sendOptions(t: TestContext, op: AwsOperation): Promise<AwsSendOptions> {
  return op === 'CreateTokenWithIAM' ? { sign: await t.iamSigner() } : {};
}

/** What `list` shows: the CreateTokenWithIAM fuzzing needs the target's application. */
const needsOf = (op: AwsOperation) => (op === 'CreateTokenWithIAM' ? { iam: true } : undefined);

/** A body the operation accepts as well-formed, with the test's real credentials. */
async function validBase(t: TestContext, op: AwsOperation): Promise<Record<string, unknown>> {
  if (op === 'RegisterClient')
    return { clientName: 'sso-oidc-conformance-fuzz', clientType: 'public' };
  if (op === 'CreateTokenWithIAM')
    return {
      clientId: t.iam.applicationArn,
      grantType: 'refresh_token',
      refreshToken: 'sso-oidc-conformance-fuzz-unknown-refresh-token',
    };
  const client = await t.client();
  const credentials = { clientId: client.clientId, clientSecret: client.clientSecret };
  if (op === 'StartDeviceAuthorization') return { ...credentials, startUrl: t.config.startUrl };
  // An unknown device code: fuzzed requests must not poll a live code faster than its interval (CL-1).
  return {
    ...credentials,
    grantType: DEVICE_CODE_GRANT,
    deviceCode: 'sso-oidc-conformance-fuzz-unknown-device-code',
  };
}

interface Problem {
  requirement: string;
  actual: string;
}

/** What is wrong with the answer to `m`, if anything. */
function judge(
  op: AwsOperation,
  m: MutatedRequest,
  o: Outcome<unknown>,
  required: string,
): Problem | undefined {
  if (o.status >= 500) return { requirement: 'AWS-NO-5XX', actual: describeOutcome(o) };
  if (o.kind === 'ok')
    return m.invalid
      ? { requirement: required, actual: `${describeOutcome(o)} (accepted)` }
      : undefined;
  const body = o.body;
  if (
    body === null ||
    typeof body !== 'object' ||
    Array.isArray(body) ||
    typeof (body as { error?: unknown }).error !== 'string'
  )
    return { requirement: 'OA-5.2-FORMAT', actual: `${describeOutcome(o)}: no JSON error body` };
  const shapes =
    o.error?.type && AWS_ERROR_SHAPES[o.error.type]
      ? [o.error.type]
      : awsShapeForErrorCode(o.error?.code ?? '');
  // An AWS front end may answer a signed operation with its own errors (aws-common-errors.ts).
  if (!shapes.some((s) => AWS_OPERATIONS[op].errors.includes(s)) && !isCommonSignedError(o))
    return { requirement: 'AWS-ERR-SET', actual: `${describeOutcome(o)}: not an error of ${op}` };
  return undefined;
}

function budget(t: TestContext) {
  let sent = 0;
  const limit = t.config.requestBudget - 1; // one request is kept for the liveness check
  return { count: () => void sent++, left: () => limit - sent, sent: () => sent };
}

OPERATIONS.forEach(({ op, required }, index) => {
  suite.test(
    {
      id: 'AWS-NO-5XX',
      title: `broken ${op} requests get a well-formed error from its error set, never a 5xx or a success`,
      level: 'MUST',
      also: [...new Set(['OA-5.2-FORMAT', 'AWS-ERR-SET', required])].filter(
        (id) => id !== 'AWS-NO-5XX',
      ),
      needs: needsOf(op),
    },
    async (t) => {
      const schema = awsRequestSchema(op) as SchemaLike;
      const base = await validBase(t, op);
      const options = await sendOptions(t, op);
      const spend = budget(t);
      const quiet = t.quietAws(spend.count);
      const seed = t.config.seed + index;
      const send = (p: typeof quiet, m: MutatedRequest) =>
        p.send(op, { raw: m.body }, { ...options, headers: m.headers });
      const run = await runProperty(
        mutationArbitrary(schema, base),
        async (m) => judge(op, m, await send(quiet, m), required) === undefined,
        { seed, numRuns: t.config.numRuns, budgetLeft: spend.left },
      );
      if (run.counterexample) {
        // Replay the shrunk case through the recorded profile: its exchange and curl go to the report.
        const m = run.counterexample;
        const o = await send(t.aws, m);
        const p = judge(op, m, o, required) ?? {
          requirement: 'AWS-NO-5XX',
          actual: `${describeOutcome(o)} (did not fail again on replay)`,
        };
        t.check({
          requirement: p.requirement,
          description: `${op} ${m.what} [${m.kind}; shrunk counterexample, seed ${run.seed}, path ${run.path}]`,
          ok: false,
          expected: m.invalid
            ? 'a 4xx error of the operation, with a JSON error body'
            : 'any well-formed answer below 500',
          actual: p.actual,
          exchange: o.exchange,
        });
        t.note(`replay: --seed ${t.config.seed} --grep "${op} requests"`);
      }
      if (!run.counterexample)
        t.check({
          requirement: 'AWS-NO-5XX',
          description: `${run.numRuns} generated broken ${op} requests (seed ${run.seed}${run.interrupted ? `, ${run.interrupted}` : ''})`,
          ok: run.error === undefined,
          expected: 'every answer well-formed',
          actual: run.error ?? 'all well-formed',
        });
      // The server still answers a valid request afterwards.
      const after = await t.aws.send(op, { json: base }, options);
      t.check({
        requirement: 'AWS-NO-5XX',
        description: `a valid ${op} after the fuzzing`,
        ok: after.status < 500 && (op.startsWith('CreateToken') || after.kind === 'ok'),
        expected: op.startsWith('CreateToken') ? 'an answer below 500' : 'HTTP 200',
        actual: describeOutcome(after),
        exchange: after.exchange,
      });
      t.note(`${spend.sent() + 1} requests (budget ${t.config.requestBudget})`);
    },
  );
});

OPERATIONS.forEach(({ op }, index) => {
  suite.test(
    {
      id: 'AWS-NO-5XX',
      title: `well-typed generated ${op} requests never get a 5xx`,
      level: 'MUST',
      also: ['AWS-ERR-SET'],
      needs: needsOf(op),
    },
    async (t) => {
      const schema = awsRequestSchema(op) as SchemaLike;
      const options = await sendOptions(t, op);
      const spend = budget(t);
      const quiet = t.quietAws(spend.count);
      const arbitrary = arbitraryFromSchema(schema) as fc.Arbitrary<Record<string, unknown>>;
      const ok = (o: Outcome<unknown>) =>
        o.status < 500 &&
        (o.kind === 'ok' || judge(op, { invalid: false } as MutatedRequest, o, '') === undefined);
      const run = await runProperty(
        arbitrary,
        async (body) => ok(await quiet.send(op, { json: body }, options)),
        {
          seed: t.config.seed + 100 + index,
          numRuns: t.config.numRuns,
          budgetLeft: spend.left,
        },
      );
      if (run.counterexample) {
        const o = await t.aws.send(op, { json: run.counterexample }, options);
        const problem = judge(op, { invalid: false } as MutatedRequest, o, '');
        t.check({
          requirement: problem?.requirement ?? 'AWS-NO-5XX',
          description: `a well-typed ${op} [shrunk counterexample, seed ${run.seed}, path ${run.path}]`,
          ok: false,
          expected: 'an answer below 500: a success or an error of the operation',
          actual: describeOutcome(o),
          exchange: o.exchange,
        });
      }
      if (!run.counterexample)
        t.check({
          requirement: 'AWS-NO-5XX',
          description: `${run.numRuns} generated well-typed ${op} requests (seed ${run.seed}${run.interrupted ? `, ${run.interrupted}` : ''})`,
          ok: run.error === undefined,
          expected: 'no 5xx',
          actual: run.error ?? 'none',
        });
    },
  );
});

suite.test(
  {
    id: 'OA-3.2-DUP-PARAM',
    title:
      'a body repeating a member is refused, or read with its last value, never with its first',
    level: 'SHOULD',
  },
  async (t) => {
    // RFC 8259 leaves duplicate names undefined; JSON parsers take the last. A server that takes
    // the first value reads a request other than the one every client library sees (AMB-15).
    const alone = await t.profile.registerClient({
      clientName: 'sso-oidc-conformance',
      clientType: 'confidential',
    });
    if (alone.kind === 'ok')
      return t.skip(
        'the server accepts clientType "confidential" on its own: the probe cannot tell which value it reads',
      );
    const raw =
      '{"clientName":"sso-oidc-conformance","clientType":"public","clientType":"confidential"}';
    const o = await t.aws.send('RegisterClient', { raw });
    t.check({
      requirement: 'OA-3.2-DUP-PARAM',
      description: 'RegisterClient with clientType "public" then "confidential"',
      ok: o.kind === 'error' && o.status < 500,
      expected: [
        'error invalid_request (duplicate member)',
        'error invalid_client_metadata (the last value, confidential)',
      ],
      actual: describeOutcome(o),
      exchange: o.exchange,
    });
  },
);
