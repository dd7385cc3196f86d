import type { Level } from './levels.ts';
import type { ProfileName } from '../profiles/profile.ts';
import type { TestContext } from './context.ts';

/** What a test needs from the run, as data (shown by `list`). */
export interface TestNeeds {
  /** An approver must approve or deny. */
  approver?: boolean;
  /** The kind of wait: none, interval-scale polling, or about the device code lifetime. */
  wait?: 'none' | 'interval' | 'expiry';
  /** CreateTokenWithIAM: the target's application and AWS credentials (the embedded server has both). */
  iam?: boolean;
  /** New client registrations: the profile's server registers clients (RFC 7591, RegisterClient). */
  registration?: boolean;
}

export interface TestMeta {
  /** Primary requirement ID; the test name starts with it. */
  id: string;
  /**
   * Tells apart the tests that share their ID (kebab-case, a few words): the test's slug is then
   * `<id>/<slug>` instead of the bare ID. A slug never changes when the title is reworded.
   */
  slug?: string;
  /** The observable behaviour, completing the ID into a sentence. */
  title: string;
  /** Further IDs this test cites (checks may cite any of them). */
  also?: string[];
  /** The level of the behaviour under test; checks default to it. */
  level: Level;
  needs?: TestNeeds;
  /** Profiles the test applies to; default all. */
  profiles?: ProfileName[];
  /** Runs after every other test, over what they observed (wire-wide rules). */
  after?: boolean;
}

export interface SuiteInfo {
  key: string;
  title: string;
}

export interface TestDefinition {
  suite: SuiteInfo;
  meta: TestMeta;
  /** `<ID> <title>`: what a reader sees. */
  name: string;
  /**
   * The test's identity in the reports (JUnit testcase name, results.json): its ID, or
   * `<id>/<meta.slug>`. Unlike the name, it survives a reworded title.
   */
  slug: string;
  requirements: string[];
  run: (t: TestContext) => Promise<void>;
}

const registry: TestDefinition[] = [];

export function registeredTests(): readonly TestDefinition[] {
  return registry;
}

/** A slug's own part: lower-case words, digits and camelCase names joined by hyphens. */
const SLUG_PART = /^[a-z0-9][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$/;

/** The test's identity in the reports: its ID, or `<id>/<slug>` for tests sharing an ID. */
export function slugOf(meta: Pick<TestMeta, 'id' | 'slug'>): string {
  return meta.slug === undefined ? meta.id : `${meta.id}/${meta.slug}`;
}

export function defineSuite(key: string, title: string) {
  const suite: SuiteInfo = { key, title };
  return {
    test(meta: TestMeta, run: (t: TestContext) => Promise<void>): void {
      const name = `${meta.id} ${meta.title}`;
      if (registry.some((t) => t.name === name)) throw new Error(`duplicate test name: ${name}`);
      if (meta.slug !== undefined && !SLUG_PART.test(meta.slug))
        throw new Error(`test ${name}: slug ${JSON.stringify(meta.slug)} is not kebab-case`);
      const slug = slugOf(meta);
      const taken = registry.find((t) => t.slug === slug);
      if (taken)
        throw new Error(
          `duplicate test slug ${slug}: "${name}" and "${taken.name}" share an ID; give each a short \`slug\` of its own`,
        );
      registry.push({
        suite,
        meta,
        name,
        slug,
        requirements: [meta.id, ...(meta.also ?? [])],
        run,
      });
    },
  };
}
