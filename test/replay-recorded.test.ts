import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExchangeLog } from '../harness/http/exchange.ts';
import { closeHttp, DEFAULT_LIMITS } from '../harness/http/http.ts';
import { AwsProfile, sanitizeErrorType } from '../harness/profiles/aws.ts';
import type { Outcome } from '../harness/profiles/profile.ts';
import { Redactor } from '../harness/http/redact.ts';
import { registeredTests } from '../harness/api/registry.ts';
import type { CheckResult } from '../harness/engine/results.ts';
import {
  validateAwsError,
  validateAwsResponse,
  type AwsOperation,
} from '../harness/aws/schemas.ts';
import { jwsExpiry } from '../harness/analysis/token-analysis.ts';
import { carriesUserCode } from '../harness/oauth/verification-uri.ts';
import type { TestContext } from '../harness/api/conformance.ts';
import '../suites/aws-wire.ts';

/**
 * Real AWS answers, as published (test/fixtures/aws-recorded-exchanges.json, from EXCHANGES.md
 * X1-X4 with fake secrets of the recorded shape), go through everything the suite judges a
 * response with: the schemas, the AWS profile's parsing (x-amzn-ErrorType's Coral suffix
 * included) and the after-run wire rules. AWS as it is must raise no failure there.
 */
interface Recorded {
  id: string;
  operation: AwsOperation;
  request: { path: string; body: Record<string, unknown> };
  response: { status: number; headers: [string, string][]; body: string };
}

const { exchanges } = JSON.parse(
  readFileSync(new URL('./fixtures/aws-recorded-exchanges.json', import.meta.url), 'utf8'),
) as { exchanges: Recorded[] };
const byId = (id: string) => exchanges.find((x) => x.id === id)!;

/** Answers each path with its recorded responses, in fixture order, byte for byte. */
let server: Server;
let baseUrl: string;
const queues = new Map<string, Recorded[]>();
function reloadQueues(): void {
  queues.clear();
  for (const x of exchanges) queues.set(x.request.path, [...(queues.get(x.request.path) ?? []), x]);
}
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const next = queues.get(req.url ?? '')?.shift();
    res.sendDate = false; // the recorded Date only
    if (!next) return void res.writeHead(404).end();
    req.on('end', () => {
      res.writeHead(next.response.status, next.response.headers.flat());
      res.end(next.response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeHttp();
});

/** Sends each recorded request through the AWS profile, in fixture order. */
async function replay(): Promise<Map<string, Outcome<unknown>>> {
  const http = { recorder: new ExchangeLog(), redactor: new Redactor(), limits: DEFAULT_LIMITS };
  const profile = new AwsProfile(baseUrl, http);
  reloadQueues();
  const out = new Map<string, Outcome<unknown>>();
  for (const x of exchanges) {
    const b = x.request.body as Record<string, string>;
    const client = { clientId: b.clientId!, clientSecret: b.clientSecret! };
    const outcome =
      x.operation === 'RegisterClient'
        ? await profile.registerClient({ clientName: b.clientName, clientType: b.clientType })
        : x.operation === 'StartDeviceAuthorization'
          ? await profile.startDeviceAuthorization({ client, startUrl: b.startUrl })
          : await profile.createToken({ client, grantType: b.grantType, deviceCode: b.deviceCode });
    out.set(x.id, outcome);
  }
  return out;
}

describe('recorded AWS exchanges replayed through the suite', () => {
  it('the fixture is what EXCHANGES.md recorded: X1-X4, lengths as recorded', () => {
    expect(exchanges.map((x) => x.id)).toEqual(['X1', 'X2', 'X3', 'X4']);
    const length = (x: Recorded) => x.response.headers.find(([n]) => n === 'Content-Length')![1];
    expect(length(byId('X1'))).toBe('86'); // recorded
    expect(length(byId('X2'))).toBe('311'); // recorded; the rebuilt body has it too
    for (const x of exchanges)
      expect(Buffer.byteLength(x.response.body), x.id).toBe(Number(length(x)));
  });

  it('the schemas accept every recorded body, nulls for unset members included (X4)', () => {
    for (const x of exchanges) {
      const body: unknown = JSON.parse(x.response.body);
      const problems =
        x.response.status === 200
          ? validateAwsResponse(x.operation, body)
          : validateAwsError(sanitizeErrorType(header(x, 'x-amzn-ErrorType'))!, body);
      expect(problems, x.id).toEqual([]);
    }
  });

  it("the AWS profile reads them as AWS's clients do", async () => {
    const o = await replay();
    for (const [id, outcome] of o) expect(outcome.schemaErrors, id).toEqual([]);
    expect(o.get('X1')).toMatchObject({
      kind: 'error',
      status: 400,
      error: { code: 'authorization_pending', type: 'AuthorizationPendingException' },
    });
    expect(o.get('X4')).toMatchObject({ kind: 'ok' });
    expect(o.get('X4')!.value).toMatchObject({ clientIdIssuedAt: 1767552707 });
    expect(o.get('X3')!.value).toMatchObject({ userCode: 'GPNW-SHFH', interval: 1 });
  });

  it('the after-run wire rules raise no failure on them', async () => {
    const observed = [...(await replay()).values()];
    // AWS's exchanges: the rules that apply to the aws profile (OA-5.2-ERR-URI is rfc8628's).
    const rules = registeredTests().filter(
      (t) => t.suite.key === 'aws-wire' && (t.meta.profiles ?? ['aws']).includes('aws'),
    );
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const rule of rules) {
      const checks: Omit<CheckResult, 'level'>[] = [];
      const t = {
        observed: () => observed,
        check: (c: Omit<CheckResult, 'level'>) => void checks.push(c),
        // Reached only when nothing applies: the rule would sample on its own.
        authorization: () => Promise.reject(new Error(`${rule.name}: nothing recorded to judge`)),
      } as unknown as TestContext;
      await rule.run(t);
      expect(checks.length, rule.name).toBeGreaterThan(0);
      expect(
        checks.filter((c) => !c.ok).map((c) => `${c.description}: ${c.actual}`),
        rule.name,
      ).toEqual([]);
    }
  });

  it('verification URIs: the code is read from the query (X2) and from the fragment (X3)', () => {
    for (const id of ['X2', 'X3']) {
      const body = JSON.parse(byId(id).response.body);
      expect(carriesUserCode(body.verificationUriComplete, body.userCode), id).toBe(true);
      expect(carriesUserCode(body.verificationUri, body.userCode), id).toBe(false);
    }
  });

  it("the client secret's own expiry agrees with clientSecretExpiresAt (X4, AWS-REG-SECRET-EXPIRY)", () => {
    const body = JSON.parse(byId('X4').response.body);
    expect(Math.abs(jwsExpiry(body.clientSecret)! - body.clientSecretExpiresAt)).toBeLessThan(1);
    expect(body.clientSecretExpiresAt - body.clientIdIssuedAt).toBe(7_776_000);
  });
});

function header(x: Recorded, name: string): string | undefined {
  return x.response.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}
