// The suite under --profile rfc8628 against oidc-provider 9 with dynamic client registration
// (RFC 7591) open, as a user with `--registration-endpoint` and `--client-auth none` runs it:
// every client is registered by the run, public, so no secret is issued. What the server does
// legitimately raises no failure and no error; its one deviation is found with the right ID.
// Real time: about the device code lifetime (30 s), the waits overlapping.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../suites/index.ts';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import type { RunResult } from '../../harness/engine/results.ts';
import { startOidcProvider, type RunningOidcProvider } from './oidc-provider-server.ts';

const APPROVER = fileURLToPath(new URL('./approve-oidc-provider.mjs', import.meta.url));

/**
 * oidc-provider registers a client whose redirect URI is plain http to a host that is not
 * loopback (`http://example.com/oauth/callback`, application_type web): RFC 9700 §2.6 says an
 * authorization server MUST NOT allow that. A real deviation of its default configuration,
 * found where it should be and nowhere else.
 */
const EXPECTED_FAILURES = ['DCR-3.2.2-REDIRECT/http-not-loopback'];
/** As in conformance-run.test.ts: the short test lifetime, and no Pragma (AMB-9). */
const EXPECTED_WARNINGS = ['DA-5.4-UC-LIFETIME', 'OA-5.1-NOSTORE'];

let idp: RunningOidcProvider;
let run: RunResult;

beforeAll(async () => {
  idp = await startOidcProvider({ deviceCodeLifetimeSeconds: 30, registration: true });
  run = await runConformance(
    resolveConfig({
      flags: {
        profile: 'rfc8628',
        issuer: idp.issuer,
        registrationEndpoint: `${idp.issuer}/reg`,
        clientAuth: 'none',
        approver: 'exec',
        approverCommand: `node ${APPROVER}`,
        scope: 'openid offline_access',
        reports: '/dev/null',
      },
      env: {},
    }),
  );
}, 180_000);

afterAll(() => idp?.close());

const ids = (verdict: string) =>
  [...new Set(run.tests.filter((t) => t.verdict === verdict).map((t) => t.slug))].sort();

describe('the rfc8628 profile against oidc-provider with dynamic registration', () => {
  it('registers its clients: the run reaches the flow and refresh tests through registration', () => {
    const passed = new Set(run.tests.filter((t) => t.verdict === 'passed').map((t) => t.id));
    for (const id of [
      'DCR-3.2.1-CLIENTID',
      'DA-3.5-SUCCESS',
      'DA-3.5-DENIED',
      'DA-5.2-DC-SINGLE-USE',
      'OA-6-REFRESH',
      'DA-3.4-CROSS-CLIENT',
      'OA-6-RT-BINDING',
    ])
      expect(passed.has(id), id).toBe(true);
  });

  it('fails only where the server deviates, and errors nowhere', () => {
    expect(ids('error')).toEqual([]);
    expect(ids('failed')).toEqual(EXPECTED_FAILURES);
    expect(run.exitCode).toBe(1);
  });

  it('warns exactly where the test server departs from a SHOULD', () => {
    expect(
      [...new Set(run.tests.filter((t) => t.verdict === 'warning').map((t) => t.id))].sort(),
    ).toEqual(EXPECTED_WARNINGS);
  });

  it('does not judge a secret a public client is not issued (RFC 7591 §3.2.1: OPTIONAL)', () => {
    for (const id of ['DCR-3.2.1-SECRET-UNIQUE', 'DCR-3.2.1-EXPIRES-AT']) {
      const tests = run.tests.filter((t) => t.id === id);
      expect(tests.length, id).toBeGreaterThan(0);
      for (const t of tests) {
        expect(t.verdict, id).toBe('skipped');
        expect(t.reason, id).toMatch(/no client secret/);
      }
    }
  });
});
