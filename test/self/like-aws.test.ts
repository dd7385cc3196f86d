import { describe, expect, it } from 'vitest';
import { runEmbedded, failedIds, describeRun } from './run-embedded.ts';
import { FAULTS } from '../../reference/faults.ts';
import { PERSONAS } from '../../reference/personas.ts';
import { startServe } from '../cli/helpers.ts';
import { ConfigError, configFromEnv, resolveConfig } from '../../harness/engine/config.ts';
import '../../suites/index.ts';

/**
 * `--like aws`: the reference behaves like AWS as recorded (EVIDENCE.md, EXCHANGES.md). Its
 * variations must pass and its recorded deviations must fail, each on its own requirement: the
 * whole run fails exactly the union of the deviations' `breaks`, nothing else, no error.
 */
describe('the suite against the reference server --like aws', () => {
  const persona = PERSONAS.aws;
  const deviations = persona.faults.filter((f) => !FAULTS[f].variation);

  it('the bundle holds AWS variations and AWS deviations, each a seeded fault of the matrix', () => {
    expect(deviations.sort()).toEqual(
      ['expired-registration-starts-authorization', 'no-cache-control', 'sda-cacheable'].sort(),
    );
    expect(persona.faults.filter((f) => FAULTS[f].variation).length).toBeGreaterThanOrEqual(4);
  });

  it('fails exactly OA-5.1-NOSTORE, DA-3.2-NOSTORE and DCR-3.2.1-EXPIRY-ENFORCED, no error', async () => {
    const run = await runEmbedded({ like: 'aws', strict: true });
    const expected = [...new Set(deviations.flatMap((f) => FAULTS[f].breaks))].sort();
    expect(expected).toEqual(['DA-3.2-NOSTORE', 'DCR-3.2.1-EXPIRY-ENFORCED', 'OA-5.1-NOSTORE']);
    expect([...failedIds(run)].sort(), describeRun(run)).toEqual(expected);
    expect(
      run.tests.filter((t) => ['error', 'warning'].includes(t.verdict)).map((t) => t.name),
    ).toEqual([]);
    expect(run.exitCode).toBe(1);
    // The report names what the target was: the persona's faults.
    expect([...run.target.faults].sort()).toEqual([...persona.faults].sort());
    // DCR-3.2.1-EXPIRY-ENFORCED fails on its StartDeviceAuthorization check only (E7): the check
    // description a known-deviations file names.
    const expiry = run.tests
      .filter((t) => t.verdict === 'failed')
      .flatMap((t) => t.checks)
      .filter((c) => !c.ok && c.requirement === 'DCR-3.2.1-EXPIRY-ENFORCED')
      .map((c) => c.description);
    expect(expiry).toEqual([
      'StartDeviceAuthorization of an expired registration, 30 s after clientSecretExpiresAt (clock skew tolerated)',
    ]);
  });

  it('with --known-deviations aws: exit 0, the deviations known, nothing failed, stale or lost', async () => {
    const run = await runEmbedded({ like: 'aws', knownDeviations: 'aws', strict: true });
    expect(run.exitCode, describeRun(run)).toBe(0);
    const verdicts = new Set(run.tests.map((t) => t.verdict));
    for (const bad of ['failed', 'error', 'warning'] as const)
      expect(verdicts.has(bad)).toBe(false);
    const known = run.tests.filter((t) => t.verdict === 'known');
    expect(
      [
        ...new Set(known.flatMap((t) => t.checks.filter((c) => !c.ok).map((c) => c.requirement))),
      ].sort(),
    ).toEqual(['DA-3.2-NOSTORE', 'DCR-3.2.1-EXPIRY-ENFORCED', 'OA-5.1-NOSTORE']);
    expect(run.summary.known).toBe(known.length);
    // Every entry of the shipped list is confirmed by this run: none stale, none unreached.
    expect(run.knownDeviations?.stale).toEqual([]);
    expect(run.knownDeviations?.notReached).toEqual([]);
    expect(run.knownDeviations?.confirmed.length).toBe(run.knownDeviations?.entries);
  });

  it('is set by --like, SSOC_LIKE or the config key like, for the embedded server only', () => {
    expect(resolveConfig({ env: configFromEnv({ SSOC_LIKE: 'aws' }) }).like).toBe('aws');
    expect(resolveConfig({ file: { like: 'aws' } }).like).toBe('aws');
    expect(() => resolveConfig({ flags: { like: 'gcp' as 'aws' } })).toThrow(ConfigError);
    expect(() => resolveConfig({ flags: { like: 'aws', target: 'https://oidc.example' } })).toThrow(
      /--like configures the embedded reference server/,
    );
  });

  it('serve --like aws says what it is like', async () => {
    const served = await startServe(['--like', 'aws']);
    try {
      for (let i = 0; i < 50 && !/like aws/.test(served.output()); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(served.output()).toContain(`like aws: ${persona.description}`);
      expect(served.output()).toMatch(/interval 1 s, expiresIn 600 s/);
      expect(served.output()).toContain('faults: ' + persona.faults.join(', '));
    } finally {
      await served.stop();
    }
  });
});
