import { describe, expect, it } from 'vitest';
import '../suites/index.ts';
import { registeredTests } from '../harness/api/registry.ts';
import { selectTests } from '../harness/engine/runner.ts';

// The profile seam (issue 11, part 2): a test that cites an AWS-* requirement judges AWS
// behaviour, so it must say so in its metadata, or a plain RFC 8628 server would fail it.
const tests = registeredTests();
const citesAws = (t: (typeof tests)[number]) => t.requirements.some((r) => r.startsWith('AWS-'));
const awsOnly = (t: (typeof tests)[number]) =>
  t.meta.profiles !== undefined && t.meta.profiles.length === 1 && t.meta.profiles[0] === 'aws';

describe('profile tags', () => {
  it('every test citing an AWS-* requirement is tagged AWS-only', () => {
    const untagged = tests.filter((t) => citesAws(t) && !awsOnly(t)).map((t) => t.name);
    expect(untagged).toEqual([]);
    expect(tests.filter(citesAws).length).toBeGreaterThan(0);
  });

  it('under another profile no AWS-only test is selected, and the generic ones still are', () => {
    // The configuration accepts only 'aws' today; the selection is what the next profile meets.
    const selected = selectTests({ profile: 'rfc8628' as never, grep: undefined }, tests);
    expect(selected.filter(awsOnly)).toEqual([]);
    expect(selected.length).toBe(tests.filter((t) => !awsOnly(t)).length);
    expect(selected.length).toBeGreaterThan(0);
  });

  it('under the AWS profile every test is selected', () => {
    expect(selectTests({ profile: 'aws', grep: undefined }, tests)).toHaveLength(tests.length);
  });
});
