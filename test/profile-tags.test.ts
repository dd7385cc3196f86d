import { describe, expect, it } from 'vitest';
import '../suites/index.ts';
import { registeredTests, type TestDefinition } from '../harness/api/registry.ts';
import { resolveConfig } from '../harness/engine/config.ts';
import { runConformance, selectTests } from '../harness/engine/runner.ts';
import { profileSkipReason } from '../harness/engine/profile-skip.ts';

// The profile seam (issue 11, part 2): a test that cites an AWS-* requirement judges AWS
// behaviour, so it must say so in its metadata, or a plain RFC 8628 server would fail it.
// Under another profile such a test is reported as skipped, with the reason: never run, never
// failed, never silently dropped from the report.
const tests = registeredTests();
const citesAws = (t: TestDefinition) => t.requirements.some((r) => r.startsWith('AWS-'));
const awsOnly = (t: TestDefinition) =>
  t.meta.profiles !== undefined && t.meta.profiles.length === 1 && t.meta.profiles[0] === 'aws';

describe('profile tags', () => {
  it('every test citing an AWS-* requirement is tagged AWS-only', () => {
    const untagged = tests.filter((t) => citesAws(t) && !awsOnly(t)).map((t) => t.name);
    expect(untagged).toEqual([]);
    expect(tests.filter(citesAws).length).toBeGreaterThan(0);
  });

  it('under another profile each AWS-only test has a skip reason, and the generic ones none', () => {
    for (const t of tests)
      expect(profileSkipReason(t, 'rfc8628'), t.name).toBe(
        awsOnly(t) ? 'AWS-only: the target speaks rfc8628' : undefined,
      );
    expect(tests.filter((t) => !awsOnly(t)).length).toBeGreaterThan(0);
  });

  it('under the AWS profile only tests tagged for another profile have a skip reason', () => {
    const skipped = tests.filter((t) => profileSkipReason(t, 'aws') !== undefined);
    expect(skipped.filter((t) => t.meta.profiles?.includes('aws') !== false)).toEqual([]);
    expect(
      skipped.every((t) => profileSkipReason(t, 'aws') === 'RFC8628-only: the target speaks aws'),
    ).toBe(true);
  });

  it('the selection does not drop tests for another profile: the run reports them', () => {
    expect(selectTests({ grep: undefined }, tests)).toHaveLength(tests.length);
  });

  it('under another profile an AWS-only test is reported skipped with the reason, not run', async () => {
    let ran = 0;
    const fakes: TestDefinition[] = ['AWS-SDA-FIELDS', 'AWS-ERR-TYPE'].map((id) => ({
      suite: { key: 'fake', title: 'Fake suite' },
      meta: { id, title: 'an AWS-only fake', level: 'MUST', also: [], profiles: ['aws'] },
      name: `${id} an AWS-only fake`,
      slug: id,
      requirements: [id],
      run: async () => {
        ran++;
        throw new Error('an AWS-only test ran under another profile');
      },
    }));
    // The settings accept only 'aws' today; the next profile's name is set past them.
    const config = { ...resolveConfig({ flags: { reports: '/dev/null' } }), profile: 'rfc8628' };
    const run = await runConformance(config as never, { tests: fakes });
    expect(ran).toBe(0);
    expect(run.tests.map((t) => [t.verdict, t.reason, t.exchanges.length])).toEqual([
      ['skipped', 'AWS-only: the target speaks rfc8628', 0],
      ['skipped', 'AWS-only: the target speaks rfc8628', 0],
    ]);
    expect(run.summary.failed).toBe(0);
  });
});
