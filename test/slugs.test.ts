/**
 * A test's slug is its identity in the reports (JUnit testcase name and classname, results.json):
 * derived from its ID, plus a short `slug` of its own when it shares the ID with other tests.
 * CI tools track a test's history by that identity, so rewording a title must not change it,
 * and two tests must never share it (the registry refuses the second one).
 */
import { describe, expect, it, vi } from 'vitest';
import { defineSuite, registeredTests, slugOf } from '../harness/api/registry.ts';
import type { TestContext } from '../harness/api/context.ts';
import { resolveConfig } from '../harness/engine/config.ts';
import { runConformance } from '../harness/engine/runner.ts';
import { renderJunit } from '../harness/reporters/junit.ts';
import { buildResultsJson } from '../harness/reporters/results-json.ts';

const suite = defineSuite('slugs', 'Slug fakes');
/** A test body with one passing check of the test's own requirement. */
const pass = async (t: TestContext) => {
  t.check({
    requirement: 'DA-3.5-PENDING',
    description: 'c',
    ok: true,
    expected: 'x',
    actual: 'x',
  });
};

function registered(slug: string) {
  return registeredTests().find((t) => t.slug === slug)!;
}

describe('slugs', () => {
  it('a test with an ID of its own is identified by the ID; one sharing it adds its slug', () => {
    expect(slugOf({ id: 'DA-3.2-UNIQUE' })).toBe('DA-3.2-UNIQUE');
    expect(slugOf({ id: 'AWS-IAM-SIGV4', slug: 'stale' })).toBe('AWS-IAM-SIGV4/stale');
  });

  it('the registry refuses a second test with the same slug, naming both', () => {
    suite.test({ id: 'DA-3.4-DENIED', title: 'a denial is refused', level: 'MUST' }, pass);
    expect(() =>
      suite.test({ id: 'DA-3.4-DENIED', title: 'another denial is refused', level: 'MUST' }, pass),
    ).toThrow(
      /duplicate test slug DA-3\.4-DENIED: "DA-3\.4-DENIED another denial.*" and "DA-3\.4-DENIED a denial/,
    );
    // With a slug of its own, the second test is a different test.
    suite.test(
      { id: 'DA-3.4-DENIED', slug: 'another', title: 'another denial is refused', level: 'MUST' },
      pass,
    );
    expect(registered('DA-3.4-DENIED/another').name).toBe(
      'DA-3.4-DENIED another denial is refused',
    );
  });

  it('the registry refuses a slug that is not kebab-case', () => {
    for (const bad of ['Two Words', 'a/b', '-lead', 'trail-', ''])
      expect(() =>
        suite.test({ id: 'DA-3.4-EXPIRED', slug: bad, title: `slug ${bad}`, level: 'MUST' }, pass),
      ).toThrow(/is not kebab-case/);
  });

  it('the real suites register, every slug distinct (registration would throw otherwise)', async () => {
    const before = registeredTests().length;
    await import('../suites/index.ts');
    const real = registeredTests().slice(before);
    expect(real.length).toBeGreaterThan(100);
    expect(new Set(real.map((t) => t.slug)).size).toBe(real.length);
  });
});

describe('rewording a title', () => {
  /**
   * One version of a suite file, as a fresh program run would load it (a registry of its own):
   * registers the test under `title`, runs it, and returns its identity in the reports.
   */
  async function identityUnder(title: string) {
    vi.resetModules();
    const fresh = await import('../harness/api/registry.ts');
    fresh
      .defineSuite('create-token-device', 'CreateToken')
      .test({ id: 'DA-3.5-PENDING', slug: 'until-user-acts', title, level: 'MUST' }, pass);
    const config = resolveConfig({ flags: { reports: '/dev/null' } });
    const run = await runConformance(config, { tests: fresh.registeredTests() });
    const testcase = renderJunit(run).match(/<testcase name="([^"]*)" classname="([^"]*)"/)!;
    const json = buildResultsJson(run);
    return {
      name: json.tests[0]!.name,
      verdict: json.tests[0]!.verdict,
      junit: { name: testcase[1], classname: testcase[2] },
      json: { slug: json.tests[0]!.slug, index: json.requirements['DA-3.5-PENDING']!.tests },
    };
  }

  it('does not change the JUnit testcase name and classname, nor the test in results.json', async () => {
    const before = await identityUnder('until the user acts, polls get authorization_pending');
    const after = await identityUnder('polls before the approval get authorization_pending');
    expect(after.name).not.toBe(before.name);
    expect(after.verdict).toBe('passed');
    expect(before.junit).toEqual({
      name: 'DA-3.5-PENDING/until-user-acts',
      classname: 'sso-oidc-conformance.create-token-device',
    });
    expect(after.junit).toEqual(before.junit);
    expect(before.json).toEqual({
      slug: 'DA-3.5-PENDING/until-user-acts',
      index: ['DA-3.5-PENDING/until-user-acts'],
    });
    expect(after.json).toEqual(before.json);
  });
});
