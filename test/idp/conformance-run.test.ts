// The suite under --profile rfc8628 against a real identity provider, oidc-provider 9 (issue 12,
// part 4), approved by test/idp/approve-oidc-provider.mjs as a browser would: what the server
// does legitimately raises no failure and no error. Every verdict that is not a pass is listed
// here with why, so a change of verdict is a change of this file. Both client authentications
// of RFC 6749 §2.3.1 are run (client_secret_basic, client_secret_post), side by side against one
// provider. Real time: the two runs last about the device code lifetime (30 s), their waits
// overlapping.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../suites/index.ts';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import type { RunResult } from '../../harness/engine/results.ts';
import { startOidcProvider, type RunningOidcProvider } from './oidc-provider-server.ts';

const APPROVER = fileURLToPath(new URL('./approve-oidc-provider.mjs', import.meta.url));

/**
 * Every verdict other than passed, the same under both client authentications but where noted:
 * - warning DA-5.4-UC-LIFETIME (SHOULD): the test server's device codes live 30 s, to keep the
 *   run short; RFC 8628 §5.4 suggests a lifetime that leaves the user time.
 * - warning OA-5.1-NOSTORE (SHOULD part): no `Pragma: no-cache` beside `Cache-Control: no-store`
 *   (AMB-9).
 * - info BCP-2.6-METADATA: the metadata is published at a well-known location (an observation).
 * - info BCP-4.14.2-CONCURRENT: of two simultaneous refreshes with one token, one succeeds
 *   (strict rotation, observed).
 * - skipped, not reachable here (SKIP_REASONS): the registration tests (DCR-*: no registration
 *   endpoint); DCR-3.2.1-EXPIRY-ENFORCED (client_secret_expires_at absent: the secret never
 *   expires); the slow_down tests (oidc-provider never sends slow_down, AMB-2);
 *   BCP-4.14.2-INTEGRITY (opaque refresh tokens); under client_secret_post, OA-5.2-401-HEADER (no HTTP Basic to
 *   challenge); OA-5.2-ERR-URI (its errors carry no error_uri, an OPTIONAL member); every
 *   AWS-only test.
 */
const EXPECTED_WARNINGS = ['DA-5.4-UC-LIFETIME', 'OA-5.1-NOSTORE'];
const EXPECTED_INFO = ['BCP-2.6-METADATA', 'BCP-4.14.2-CONCURRENT'];
const SKIP_REASONS = [
  /^AWS-only: /,
  /^needs a new client registration, which the rfc8628 profile cannot make here/,
  /^client_secret_expires_at is absent: the secret does not expire$/,
  /slow_down/,
  /^not judged: the refresh token is not a JWS/,
  /^not judged: the client authenticates in the body/,
  /^no error of the run carried error_uri \(OPTIONAL\)/,
  // Under client_secret_post, the other client is the public one.
  /there is no secret to borrow, not judged$/,
];

const METHODS = ['client_secret_basic', 'client_secret_post'] as const;
type Method = (typeof METHODS)[number];

let idp: RunningOidcProvider;
const runs = new Map<Method, RunResult>();

/** One run of the whole list, the confidential client authenticating with `clientAuth`. */
function runWith(clientAuth: Method): Promise<RunResult> {
  const confidential = idp.clients.confidential;
  // The other client of the cross-client tests: a confidential one under Basic (its secret is
  // what DA-3.4-CLIENT-AUTH/another-clients-secret presents), the public one under post.
  const other =
    clientAuth === 'client_secret_basic' ? idp.clients.confidential2 : idp.clients.public;
  return runConformance(
    resolveConfig({
      flags: {
        profile: 'rfc8628',
        issuer: idp.issuer,
        clientId: confidential.clientId,
        clientId2: other.clientId,
        clientAuth,
        approver: 'exec',
        approverCommand: `node ${APPROVER}`,
        // The approver types codes into oidc-provider's own user-code page, as a user does: the
        // tests of what that page accepts (DA-3.3-UC-MATCH, DA-6.1-*) are judged.
        approverUsesPage: true,
        scope: 'openid offline_access',
        reports: '/dev/null',
      },
      env: { clientSecret: confidential.clientSecret, clientSecret2: other.clientSecret },
    }),
  );
}

beforeAll(async () => {
  idp = await startOidcProvider({ deviceCodeLifetimeSeconds: 30 });
  const results = await Promise.all(METHODS.map((m) => runWith(m)));
  METHODS.forEach((m, i) => runs.set(m, results[i]!));
}, 240_000);

afterAll(() => idp?.close());

describe.each(METHODS)('the rfc8628 profile against oidc-provider, %s', (method) => {
  const run = () => runs.get(method)!;

  it('authenticates the client as asked, on every request that carries its secret', () => {
    // The exchanges the report keeps; a wrong-secret probe changes the secret, not the method.
    const carrying = run()
      .tests.flatMap((t) => t.exchanges)
      .filter(
        (e) =>
          e.request.headers.authorization !== undefined ||
          /(^|&)client_secret=/.test(e.request.body ?? ''),
      );
    expect(carrying.length).toBeGreaterThan(0);
    const basic = carrying.filter((e) => e.request.headers.authorization !== undefined);
    expect(basic.length).toBe(method === 'client_secret_basic' ? carrying.length : 0);
  });

  it('raises no failure and no error on what it legitimately does', () => {
    const bad = run().tests.filter((t) => t.verdict === 'failed' || t.verdict === 'error');
    expect(bad.map((t) => `${t.verdict} ${t.name}: ${t.reason}`)).toEqual([]);
    expect(run().exitCode).toBe(0);
  });

  it('never shows the configured client secret in clear', () => {
    expect(JSON.stringify(run())).not.toContain(idp.clients.confidential.clientSecret);
  });

  it('warns exactly where the test server departs from a SHOULD', () => {
    const warned = run()
      .tests.filter((t) => t.verdict === 'warning')
      .map((t) => t.id);
    expect([...new Set(warned)].sort()).toEqual(EXPECTED_WARNINGS);
  });

  it('observes (info) exactly what is listed', () => {
    const info = run()
      .tests.filter((t) => t.verdict === 'info')
      .map((t) => t.id);
    expect([...new Set(info)].sort()).toEqual(EXPECTED_INFO);
  });

  it('skips only for the reasons listed', () => {
    const unlisted = run()
      .tests.filter((t) => t.verdict === 'skipped')
      .filter((t) => !SKIP_REASONS.some((r) => r.test(t.reason ?? '')))
      .map((t) => `${t.name}: ${t.reason}`);
    expect(unlisted).toEqual([]);
  });

  it('judges the RFC 8628 edge cases a plain server shows, and skips what it cannot reach', () => {
    const passed = new Set(
      run()
        .tests.filter((t) => t.verdict === 'passed')
        .map((t) => t.id),
    );
    // The device flow, denial, expiry, single use, refresh, the state machine; the cross-client
    // tests with --client-id-2; a wrong secret; repeated, empty and unknown parameters, two
    // client authentications at once; the device endpoint's error format; the metadata.
    for (const id of [
      'DA-3.5-SUCCESS',
      'DA-3.5-DENIED',
      'DA-3.5-EXPIRED',
      'DA-5.2-DC-SINGLE-USE',
      'DA-3.5-STATE-MACHINE',
      'DA-3.4-CLIENT-AUTH',
      'OA-3.2-DUP-PARAM',
      'OA-3.2-EMPTY-PARAM',
      'OA-3.2-UNKNOWN-PARAM',
      'OA-2.3-ONE-METHOD',
      'DA-3.2-ERR-FORMAT',
      'OA-6-REFRESH',
      'OA-6-RT-BINDING',
      'DA-3.4-CROSS-CLIENT',
      'MD-8414-3.3-ISSUER',
      'DA-4-METADATA',
      // What its user-code page accepts, typed by the approver.
      'DA-3.3-UC-MATCH',
      'DA-3.5-EXPIRED-UC',
      'DA-5.2-UC-SINGLE-USE',
      'DA-6.1-NORM-PUNCT',
      'DA-6.1-NORM-CASE',
      'DA-6.1-STRIP-OTHER',
    ])
      expect(passed.has(id), id).toBe(true);
    // Another client's secret is presented where the other client holds one (the Basic run).
    const borrowed = run().tests.filter(
      (t) => t.slug === 'DA-3.4-CLIENT-AUTH/another-clients-secret',
    );
    expect(borrowed.map((t) => t.verdict)).toEqual([
      method === 'client_secret_basic' ? 'passed' : 'skipped',
    ]);
    // The Basic-auth challenge is judged only when the client uses HTTP Basic.
    const challenge = run().tests.filter((t) => t.id === 'OA-5.2-401-HEADER');
    expect(challenge.map((t) => t.verdict)).toEqual([
      method === 'client_secret_basic' ? 'passed' : 'skipped',
    ]);
    // AWS-only tests are skipped with the reason, not run.
    const aws = run().tests.filter((t) => t.id.startsWith('AWS-'));
    expect(aws.every((t) => t.verdict === 'skipped' && /AWS-only/.test(t.reason ?? ''))).toBe(true);
    // No registration endpoint was given: the registration tests are skipped, saying so.
    const dcr = run().tests.filter((t) => t.id === 'DCR-3.2.1-EXPIRES-AT');
    expect(dcr.map((t) => t.verdict)).toEqual(['skipped']);
    expect(run().summary.requests).toBeGreaterThan(50);
  });
});
