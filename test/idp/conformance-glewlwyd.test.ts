// The suite under --profile rfc8628 against a second real identity provider, glewlwyd 2.7.5
// (the Debian package; issue 12, part 4), approved by test/idp/approve-glewlwyd.mjs through its
// API as its login page does. Unlike oidc-provider, glewlwyd deviates from RFC 6749 §5.2 in
// several places: each deviation must be found under the right requirement ID, and nothing it
// does legitimately may fail. Every verdict that is not a pass is listed here with why (the
// evidence is in test/idp/GLEWLWYD.md), so a change of verdict is a change of this file.
// Real time: about the device code lifetime (30 s) plus a margin, its waits overlapping.
// Skipped, saying why, where glewlwyd is not installed (`apt-get install glewlwyd`).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../suites/index.ts';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import type { RunResult } from '../../harness/engine/results.ts';
import {
  glewlwydInstallation,
  startGlewlwyd,
  DEVICE_SCOPE,
  type RunningGlewlwyd,
} from './glewlwyd-server.ts';

const APPROVER = fileURLToPath(new URL('./approve-glewlwyd.mjs', import.meta.url));
const installation = glewlwydInstallation();
const missing = typeof installation === 'string' ? installation : undefined;

/**
 * Real deviations of glewlwyd (GLEWLWYD.md, "Findings"), each a MUST of RFC 6749 §5.2:
 * - OA-5.2-401-HEADER: a wrong secret sent with Basic gets 403 `unauthorized_client`, no
 *   WWW-Authenticate (401 + WWW-Authenticate required).
 * - DA-3.1-CLIENTID, DA-3.1-CONF-AUTH, DA-3.4-CLIENT-AUTH: unknown client, wrong or missing
 *   secret: `unauthorized_client`, not `invalid_client`.
 * - OA-6-CLIENT-AUTH, OA-6-RT-INVALID, OA-5.2-UNSUPPORTED-GT, OA-5.2-FORMAT: every token
 *   endpoint error outside the device grant is an empty body without Content-Type.
 * - DA-3.4-MISSING-DC: no device_code gets `access_denied`, not `invalid_request`.
 * - DA-3.2-ERR-FORMAT: the device authorization endpoint refuses an unknown client with 403
 *   (RFC 6749 §5.2: 400, or 401 for invalid_client).
 */
const EXPECTED_FAILURES = [
  'DA-3.1-CLIENTID',
  'DA-3.1-CONF-AUTH',
  'DA-3.2-ERR-FORMAT',
  'DA-3.4-CLIENT-AUTH',
  'DA-3.4-MISSING-DC',
  'OA-5.2-401-HEADER',
  'OA-5.2-FORMAT',
  'OA-5.2-UNSUPPORTED-GT',
  'OA-6-CLIENT-AUTH',
  'OA-6-RT-INVALID',
];

/**
 * Warnings:
 * - DA-5.4-UC-LIFETIME: our 30 s device codes (glewlwyd's default is 600 s).
 * - DA-6.1-CHARSET: user codes use 0 and O, 1 and L (RFC 8628 §6.1 recommends against).
 * - DA-3.4-BAD-DC: an unknown code is refused (terminal) but named `access_denied`.
 * - BCP-2.4-NO-ROPC, OA-6-RT-BINDING, BCP-4.14.2-ROTATE, BCP-4.14.2-REUSE-REVOKE: refused as
 *   they must be (password grant off, refresh token bound, rotated, family revoked), with an
 *   empty body instead of the error RFC 6749 §5.2 names (the MUST failures above count that).
 * - OA-2.3-ONE-METHOD: a client authenticating with HTTP Basic and in the body at once is
 *   accepted (RFC 6749 §2.3 MUST NOT use more than one; accepting it is common, AMB-14).
 * - OA-3.2-DUP-PARAM: a poll sending device_code twice is read with its first value (an unknown
 *   code: access_denied) instead of refused (AMB-15).
 */
const EXPECTED_WARNINGS = [
  'BCP-2.4-NO-ROPC',
  'BCP-4.14.2-REUSE-REVOKE',
  'BCP-4.14.2-ROTATE',
  'DA-3.4-BAD-DC',
  'DA-5.4-UC-LIFETIME',
  'DA-6.1-CHARSET',
  'OA-2.3-ONE-METHOD',
  'OA-3.2-DUP-PARAM',
  'OA-6-RT-BINDING',
];

describe.skipIf(missing)(
  `the rfc8628 profile against glewlwyd${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let idp: RunningGlewlwyd;
    let run: RunResult;

    beforeAll(async () => {
      idp = await startGlewlwyd({ deviceCodeLifetimeSeconds: 30 });
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
            // The approver speaks to the API as glewlwyd's login page does.
            approverUsesPage: true,
            scope: `openid ${DEVICE_SCOPE}`,
            reports: '/dev/null',
          },
          env: { clientSecret: confidential.clientSecret },
        }),
      );
    }, 180_000);

    afterAll(() => idp?.close());

    it('raises no error, and fails exactly on its deviations from RFC 6749 §5.2', () => {
      const errors = run.tests.filter((t) => t.verdict === 'error');
      expect(errors.map((t) => `${t.name}: ${t.reason}`)).toEqual([]);
      const failed = run.tests.filter((t) => t.verdict === 'failed').map((t) => t.id);
      expect([...new Set(failed)].sort(), glewlwydSaid()).toEqual(EXPECTED_FAILURES);
      expect(run.exitCode).toBe(1);
    });

    it('warns exactly where it departs from a SHOULD or names a refusal wrongly', () => {
      const warned = run.tests.filter((t) => t.verdict === 'warning').map((t) => t.id);
      expect([...new Set(warned)].sort()).toEqual(EXPECTED_WARNINGS);
    });

    it('skips the denial tests, saying glewlwyd offers no way to deny', () => {
      const denial = run.tests.filter((t) =>
        ['DA-3.5-DENIED', 'DA-5.2-UC-SINGLE-USE'].includes(t.id),
      );
      expect(denial.map((t) => t.verdict)).toEqual(['skipped', 'skipped']);
      for (const t of denial) expect(t.reason).toMatch(/offers no way to deny/);
    });

    it('judges the RFC 8628 edge cases it shows', () => {
      const passed = new Set(run.tests.filter((t) => t.verdict === 'passed').map((t) => t.id));
      for (const id of [
        'DA-3.5-SUCCESS',
        'DA-3.5-PENDING',
        'DA-3.5-EXPIRED',
        'DA-3.5-EXPIRED-UC',
        'DA-3.5-SLOWDOWN-NONTERMINAL',
        'DA-5.2-DC-SINGLE-USE',
        'DA-3.4-CROSS-CLIENT',
        'DA-6.1-NORM-CASE',
        'OA-6-REFRESH',
        'BCP-2.2.2-RT-PUBLIC',
        'BCP-4.14.2-ROTATE-CHAIN',
        'MD-8414-3.3-ISSUER',
        'DA-4-METADATA',
      ])
        expect(passed.has(id), id).toBe(true);
      expect(run.summary.requests).toBeGreaterThan(100);
    });

    it('never shows the configured client secret in clear', () => {
      expect(JSON.stringify(run)).not.toContain(idp.clients.confidential.clientSecret);
    });

    // glewlwyd's log, for a failing expectation: a 5xx would show there.
    function glewlwydSaid(): string {
      return `glewlwyd's log:\n${idp.output()}`;
    }
  },
);
