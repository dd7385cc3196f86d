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
}

export interface TestMeta {
  /** Primary requirement ID; the test name starts with it. */
  id: string;
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
  name: string;
  requirements: string[];
  run: (t: TestContext) => Promise<void>;
}

const registry: TestDefinition[] = [];

export function registeredTests(): readonly TestDefinition[] {
  return registry;
}

export function defineSuite(key: string, title: string) {
  const suite: SuiteInfo = { key, title };
  return {
    test(meta: TestMeta, run: (t: TestContext) => Promise<void>): void {
      const name = `${meta.id} ${meta.title}`;
      if (registry.some((t) => t.name === name)) throw new Error(`duplicate test name: ${name}`);
      registry.push({ suite, meta, name, requirements: [meta.id, ...(meta.also ?? [])], run });
    },
  };
}
