// The suite under --profile rfc8628 against a real identity provider, oidc-provider 9 (issue 12,
// part 4), approved by test/idp/approve-oidc-provider.mjs as a browser would: what the server
// does legitimately raises no failure and no error. Every verdict that is not a pass is listed
// here with why, so a change of verdict is a change of this file. Real time: the run lasts about
// the device code lifetime (30 s), its waits overlapping.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../suites/index.ts';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import type { RunResult } from '../../harness/engine/results.ts';
import { startOidcProvider, type RunningOidcProvider } from './oidc-provider-server.ts';

const APPROVER = fileURLToPath(new URL('./approve-oidc-provider.mjs', import.meta.url));

/**
 * The verdicts other than passed and skipped, each legitimate here:
 * - DA-5.4-UC-LIFETIME (SHOULD): the test server's device codes live 30 s, to keep the run
 *   short; RFC 8628 §5.4 suggests a lifetime that leaves the user time.
 * - OA-5.1-NOSTORE (SHOULD part): no `Pragma: no-cache` beside `Cache-Control: no-store` (AMB-9).
 * - One INFO observation.
 */
const EXPECTED_WARNINGS = ['DA-5.4-UC-LIFETIME', 'OA-5.1-NOSTORE'];

let idp: RunningOidcProvider;
let run: RunResult;

beforeAll(async () => {
  idp = await startOidcProvider({ deviceCodeLifetimeSeconds: 30 });
  const confidential = idp.clients.confidential;
  run = await runConformance(
    resolveConfig({
      flags: {
        profile: 'rfc8628',
        issuer: idp.issuer,
        clientId: confidential.clientId,
        clientId2: idp.clients.public.clientId,
        approver: 'exec',
        approverCommand: `node ${APPROVER}`,
        scope: 'openid offline_access',
        reports: '/dev/null',
      },
      env: { clientSecret: confidential.clientSecret },
    }),
  );
}, 180_000);

afterAll(() => idp?.close());

describe('the rfc8628 profile against oidc-provider', () => {
  it('raises no failure and no error on what it legitimately does', () => {
    const bad = run.tests.filter((t) => t.verdict === 'failed' || t.verdict === 'error');
    expect(bad.map((t) => `${t.verdict} ${t.name}: ${t.reason}`)).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  it('never shows the configured client secret in clear', () => {
    expect(JSON.stringify(run)).not.toContain(idp.clients.confidential.clientSecret);
  });

  it('warns exactly where the test server departs from a SHOULD', () => {
    const warned = run.tests.filter((t) => t.verdict === 'warning').map((t) => t.id);
    expect([...new Set(warned)].sort()).toEqual(EXPECTED_WARNINGS);
  });

  it('judges the RFC 8628 edge cases a plain server shows, and skips what it cannot reach', () => {
    const passed = new Set(run.tests.filter((t) => t.verdict === 'passed').map((t) => t.id));
    // The device flow, denial, expiry, single use, refresh; the cross-client tests with
    // --client-id-2; the Basic-auth challenge; the metadata.
    for (const id of [
      'DA-3.5-SUCCESS',
      'DA-3.5-DENIED',
      'DA-3.5-EXPIRED',
      'DA-5.2-DC-SINGLE-USE',
      'OA-6-REFRESH',
      'OA-6-RT-BINDING',
      'DA-3.4-CROSS-CLIENT',
      'OA-5.2-401-HEADER',
      'MD-8414-3.3-ISSUER',
      'DA-4-METADATA',
    ])
      expect(passed.has(id), id).toBe(true);
    // AWS-only tests are skipped with the reason, not run.
    const aws = run.tests.filter((t) => t.id.startsWith('AWS-'));
    expect(aws.every((t) => t.verdict === 'skipped' && /AWS-only/.test(t.reason ?? ''))).toBe(true);
    // No registration endpoint was given: the registration tests are skipped, saying so.
    const dcr = run.tests.filter((t) => t.id === 'DCR-3.2.1-EXPIRES-AT');
    expect(dcr.map((t) => t.verdict)).toEqual(['skipped']);
    expect(run.summary.requests).toBeGreaterThan(50);
  });
});
