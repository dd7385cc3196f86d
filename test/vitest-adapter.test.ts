/**
 * The opt-in vitest adapter (harness/vitest.ts) on two real suite tests against the embedded
 * reference server: each becomes one vitest test that passes when its verdict passes. (With
 * `{ flags: { faults: ['secret-not-checked'] } }` the client-auth one fails with the CLI's
 * Requirement / Expected / Actual text.)
 */
import '../suites/index.ts';
import { registeredTests } from '../harness/api/registry.ts';
import { conformanceTests } from '../harness/vitest.ts';

const firstOf = (id: string) => {
  const found = registeredTests().find((t) => t.meta.id === id);
  if (!found) throw new Error(`the adapter test found no suite test for ${id}`);
  return found;
};
conformanceTests([firstOf('DA-3.4-CLIENT-AUTH'), firstOf('DA-3.5-PENDING')]);
