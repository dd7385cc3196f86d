/**
 * An opt-in vitest adapter: each suite test becomes a vitest `it`, run alone against the embedded
 * reference server (or the configured target), so an author can run one test from an editor or in
 * watch mode, and the suites can sit inside a user's own vitest run. The CLI stays the product;
 * this file is never loaded by it (vitest is a devDependency).
 *
 * Known gaps (HOUSE.md §3.5): each test gets its own run, so `after` tests see only their own
 * sample and the circuit breaker counts per test.
 */
import { it } from 'vitest';
import type { TestDefinition } from './api/registry.ts';
import { resolveConfig, type Config } from './engine/config.ts';
import { runConformance } from './engine/runner.ts';
import { checkBlock } from './reporters/format.ts';

export interface VitestAdapterOptions {
  /** Settings as the CLI takes them (flags); the embedded server by default. */
  flags?: Record<string, unknown>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Registers one vitest test per suite test; a failed or error verdict fails it with its text. */
export function conformanceTests(
  tests: readonly TestDefinition[],
  options: VitestAdapterOptions = {},
): void {
  for (const def of tests) {
    it(def.name, async (ctx) => {
      const config: Config = resolveConfig({
        flags: { reports: '/dev/null', ...options.flags, grep: `^${escapeRegExp(def.name)}$` },
      });
      const run = await runConformance(config, { tests: [def] });
      const result = run.tests[0]!;
      if (result.verdict === 'skipped') ctx.skip(result.reason ?? 'skipped');
      if (result.verdict === 'failed' || result.verdict === 'error') {
        // The same Requirement / Check / Expected / Actual blocks the CLI prints.
        const failures = result.checks.filter((c) => !c.ok).flatMap(checkBlock);
        throw new Error([`${result.verdict}: ${result.reason ?? ''}`, ...failures].join('\n'));
      }
    });
  }
}
