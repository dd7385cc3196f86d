/**
 * The shipped AWS list end to end: the reference server with AWS's recorded Cache-Control
 * deviations seeded (no-cache-control, sda-cacheable) passes with --known-deviations aws (the two
 * requirements `known`, nothing failed) and, without the list, fails on exactly them.
 */
import { describe, expect, it } from 'vitest';
import { requirementVerdicts } from '../../harness/engine/requirement-verdicts.ts';
import { FAULTS } from '../../reference/faults.ts';
import { describeRun, failedIds, runEmbedded } from './run-embedded.ts';

const CACHE_FAULTS = ['no-cache-control', 'sda-cacheable'];
const CACHE_IDS = ['DA-3.2-NOSTORE', 'OA-5.1-NOSTORE'];
/** Seeded by the `--like aws` work: StartDeviceAuthorization accepts an expired registration. */
const EXPIRED_SDA = 'expired-registration-starts-authorization';
const EXPIRY_ENTRY = 'DCR-3.2.1-EXPIRY-ENFORCED (checks: "StartDeviceAuthorization")';

describe('--known-deviations aws against the recorded AWS Cache-Control deviations', () => {
  it('exit 0: the two requirements are known, nothing failed, no other warning', async () => {
    const expiredSda = EXPIRED_SDA in FAULTS;
    const faults = expiredSda ? [...CACHE_FAULTS, EXPIRED_SDA] : CACHE_FAULTS;
    const run = await runEmbedded({ faults, knownDeviations: 'aws', numRuns: 30 });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.summary.failed).toBe(0);
    expect(run.summary.error).toBe(0);
    const index = requirementVerdicts(run.tests, run.strict);
    for (const id of CACHE_IDS) expect(index.get(id)?.verdict, id).toBe('known');
    expect(run.knownDeviations!.confirmed).toEqual(expect.arrayContaining(CACHE_IDS));
    // The reference server enforces expiry unless the fault says otherwise: then the expiry
    // entry no longer deviates, and only its test warns.
    const warned = run.tests.filter((t) => t.verdict === 'warning');
    if (expiredSda) expect(warned.map((t) => t.name)).toEqual([]);
    else {
      expect(run.knownDeviations!.stale.map((s) => s.label)).toEqual([EXPIRY_ENTRY]);
      for (const t of warned) expect(t.reason).toMatch(/^no longer deviates: remove DCR-3\.2\.1/);
    }
  });

  it('without the list (--strict, DA-3.2-NOSTORE is a SHOULD) exactly those two fail', async () => {
    const run = await runEmbedded({ faults: CACHE_FAULTS, strict: true, numRuns: 30 });
    expect([...failedIds(run)].sort()).toEqual(CACHE_IDS);
    expect(run.summary.known).toBe(0);
    expect(run.exitCode).toBe(1);
  });
});
