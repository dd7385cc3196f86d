/**
 * The profile seam (issue 11, part 2), proven by the second profile itself: the whole default
 * test list runs through runConformance under `rfc8628` against the reference server's plain
 * OAuth front end (forms, snake_case, RFC 6749 errors, no x-amzn-* header, no front door). The
 * RFC 8628 / OAuth tests judge the normalised members and pass, the AWS-only tests are reported
 * skipped having sent nothing, and nothing fails or errs for wording reasons.
 */
import { describe, expect, it } from 'vitest';
import '../suites/index.ts';
import { registeredTests } from '../harness/api/registry.ts';
import { resolveConfig } from '../harness/engine/config.ts';
import { runConformance } from '../harness/engine/runner.ts';
import type { RunResult } from '../harness/engine/results.ts';

const awsOnly = new Set(
  registeredTests()
    .filter((t) => t.meta.profiles?.length === 1 && t.meta.profiles[0] === 'aws')
    .map((t) => t.name),
);

describe('the profile seam, through the rfc8628 profile', () => {
  let run: RunResult;

  it('runs the default test list to the end with nothing failed or in error', async () => {
    const config = resolveConfig({ flags: { profile: 'rfc8628', reports: '/dev/null' } });
    run = await runConformance(config, { tests: registeredTests() });
    const bad = run.tests.filter((t) => ['failed', 'warning', 'error'].includes(t.verdict));
    expect(bad.map((t) => `${t.verdict} ${t.name}: ${t.reason ?? ''}`)).toEqual([]);
    expect(run.tests).toHaveLength(registeredTests().length);
  }, 120_000);

  it('reports every AWS-only test skipped, with the reason, having sent nothing', () => {
    const skipped = run.tests.filter((t) => awsOnly.has(t.name));
    expect(skipped.length).toBe(awsOnly.size);
    for (const t of skipped) {
      expect(t.verdict, t.name).toBe('skipped');
      expect(t.reason, t.name).toBe('AWS-only: the target speaks rfc8628');
      expect(t.requestCount, t.name).toBe(0);
    }
  });

  it('judges the RFC 8628 field tests on the normalised members', () => {
    for (const id of [
      'DA-3.2-REQ-FIELDS',
      'DA-3.2-OPT-FIELDS',
      'OA-5.1-FIELDS',
      'OA-5.1-JSON',
      'DA-3.5-SUCCESS',
      'OA-6-RT-BINDING',
    ])
      expect(
        run.tests.filter((t) => t.id === id).map((t) => t.verdict),
        id,
      ).toEqual(['passed']);
    expect(run.summary.requirements.judged).toBeGreaterThan(40);
  });

  it('prints no AWS wire wording in what the other tests checked', () => {
    const wording = run.tests
      .filter((t) => !awsOnly.has(t.name))
      .flatMap((t) => t.checks.map((c) => `${t.name}: ${String(c.actual)} / ${String(c.expected)}`))
      .filter((line) => /x-amzn|AWS front/i.test(line));
    expect(wording).toEqual([]);
  });

  it('names response members as the plain OAuth wire does (expires_in, not expiresIn)', () => {
    const camel =
      /\b(deviceCode|userCode|verificationUri|verificationUriComplete|expiresIn|accessToken|tokenType|refreshToken|clientSecret|clientSecretExpiresAt|clientIdIssuedAt)\b/;
    const texts = run.tests
      .filter((t) => !awsOnly.has(t.name))
      .flatMap((t) => t.checks.flatMap((c) => [c.description, ...c.expected]))
      .filter((text) => camel.test(text));
    expect(texts).toEqual([]);
    const fields = run.tests.find((t) => t.id === 'DA-3.2-REQ-FIELDS')!;
    expect(fields.checks.map((c) => c.description)).toContain(
      'expires_in is a positive integer (JSON number)',
    );
  });
});
