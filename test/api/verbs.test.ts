import { describe, expect, it } from 'vitest';
import { TestAbort, TestContext, TestSkip } from '../../harness/api/context.ts';
import type { Clock } from '../../harness/engine/clock.ts';
import { fakeContext, startingProfile } from './fake-context.ts';

/**
 * One meaning per verb (the rule in harness/api/context.ts): every `needs…` member skips the
 * test when its need is unmet, every `require…` member records a failed check and stops it.
 * Each member of TestContext with such a name must have a row here, so a new one is classified.
 */
const realClock: Clock = {
  kind: 'real',
  monotonic: () => 0,
  epochSeconds: () => Date.now() / 1000,
  sleep: async () => {},
};

/** How to call each member with its need unmet (or its check failing). */
const UNMET: Record<string, (t: TestContext) => unknown> = {
  needsApprover: (t) => t.needsApprover(),
  needsPageApprover: (t) => t.needsPageApprover(),
  needsIam: (t) => t.needsIam(),
  needsWait: (t) => t.needsWait(t.config.maxWait + 1, 'a long wait'),
  needsLifetime: async (t) => {
    const { auth } = await t.authorization({ clientId: 'c' });
    t.needsLifetime(auth, auth.expiresIn + 1, 'a wait past the expiry');
  },
  needsPolls: async (t) => {
    const { auth } = await t.authorization({ clientId: 'c' });
    t.needsPolls(auth, 1000, 'many polls');
  },
  require: (t) =>
    t.require({
      requirement: 'DA-3.5-SUCCESS',
      description: 'd',
      ok: false,
      expected: 'e',
      actual: 'a',
    }),
};

function members(prefix: string): string[] {
  return Object.getOwnPropertyNames(TestContext.prototype).filter((n) => n.startsWith(prefix));
}

function unmetContext(): TestContext {
  return fakeContext({ profile: startingProfile, clock: realClock }, { maxWait: 10 });
}

describe('one meaning per verb', () => {
  it('every needs… and require… member of TestContext is classified here', () => {
    expect([...members('needs'), ...members('require')].sort()).toEqual(Object.keys(UNMET).sort());
  });

  for (const name of members('needs'))
    it(`${name} skips the test when its need is unmet`, async () => {
      const t = unmetContext();
      await expect(async () => UNMET[name]!(t)).rejects.toThrow(TestSkip);
      expect(t.checks.filter((c) => !c.ok)).toEqual([]);
    });

  for (const name of members('require'))
    it(`${name} records a failed check and stops the test`, async () => {
      const t = unmetContext();
      await expect(async () => UNMET[name]!(t)).rejects.toThrow(TestAbort);
      expect(t.checks.filter((c) => !c.ok)).toHaveLength(1);
    });
});
