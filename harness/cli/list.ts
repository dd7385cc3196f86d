import { REQUIREMENTS } from '../engine/catalogue.ts';
import { registeredTests, type TestDefinition } from '../api/registry.ts';
import { FAULTS } from '../../reference/faults.ts';
import { RFC8628_BREAKS } from '../../reference/faults-rfc8628.ts';
import { profileSkipReason } from '../engine/profile-skip.ts';
import type { ProfileName } from '../profiles/profile.ts';

/**
 * Text for `list`: one line per test, its IDs, level, needs and profiles (an untagged test runs
 * under any, shown as the configured one), and why a run under `profile` would skip it.
 */
export function listTests(opts: {
  json: boolean;
  tests?: readonly TestDefinition[];
  faults?: boolean;
  /** The configured profile (default aws). */
  profile?: ProfileName;
}): string {
  const profile = opts.profile ?? 'aws';
  if (opts.faults) {
    const rows = Object.entries(FAULTS).map(([name, f]) => ({
      name,
      breaks: f.breaks,
      description: f.description,
    }));
    if (opts.json) return JSON.stringify(rows, null, 2) + '\n';
    return (
      rows
        .map(
          (r) =>
            `${r.name.padEnd(36)} breaks ${r.breaks.join(', ')}\n${' '.repeat(37)}${r.description}`,
        )
        .join('\n') + '\n'
    );
  }
  const tests = opts.tests ?? registeredTests();
  const rows = tests.map((t) => ({
    name: t.name,
    slug: t.slug,
    suite: t.suite.key,
    requirements: t.requirements,
    level: t.meta.level,
    needs: {
      approver: t.meta.needs?.approver ?? false,
      wait: t.meta.needs?.wait ?? 'none',
      iam: t.meta.needs?.iam ?? false,
    },
    profiles: t.meta.profiles ?? [profile],
    after: t.meta.after ?? false,
    skipped: profileSkipReason(t, profile),
  }));
  if (opts.json) return JSON.stringify(rows, null, 2) + '\n';
  const lines = rows.map((r) => {
    const needs = [
      r.needs.approver ? 'approver' : '',
      r.needs.wait !== 'none' ? `wait:${r.needs.wait}` : '',
      r.needs.iam ? 'iam' : '',
    ]
      .filter(Boolean)
      .join(',');
    const skipped = r.skipped ? `\n       skipped: ${r.skipped}` : '';
    return `${r.level.padEnd(6)} ${r.name}\n       requirements ${r.requirements.join(', ')}; needs ${needs || 'nothing'}; profiles ${r.profiles.join(',')}${skipped}`;
  });
  return `${lines.join('\n')}\n${rows.length} tests\n`;
}

/**
 * Catalogue requirements the suite does not cover (`list --uncovered`). Covered means some check
 * can fail it: a seeded fault of the reference server makes the suite fail that ID (the
 * self-test matrix proves each fault fails exactly the IDs it declares). An ID a test cites but
 * no fault fails is listed too, as "cited, never failed": a citation alone proves nothing.
 */
/**
 * The catalogue requirements no seeded fault fails under `profile`: only faults that act on that
 * profile's front end count (the self-test runs each under its own profile). Left out, as never
 * judged there: a requirement that only tests of another profile cite; AWS's own rows (AWS-*)
 * under another profile; and a requirement only INFO tests cite (they observe, their checks
 * cannot fail: no fault could ever fail it), listed apart as observed.
 */
export function listUncovered(opts: { json: boolean; profile?: ProfileName }): string {
  const profile = opts.profile ?? 'aws';
  const provable = new Set([
    ...Object.values(FAULTS)
      .filter((f) => (f.profile ?? 'aws') === profile)
      .flatMap((f) => f.breaks),
    ...(profile === 'rfc8628' ? Object.values(RFC8628_BREAKS).flat() : []),
  ]);
  const applies = (t: TestDefinition) => profileSkipReason(t, profile) === undefined;
  const cited = new Set(
    registeredTests()
      .filter(applies)
      .flatMap((t) => t.requirements),
  );
  const elsewhere = new Set(
    registeredTests()
      .filter((t) => !applies(t))
      .flatMap((t) => t.requirements)
      .filter((id) => !cited.has(id)),
  );
  const judged = new Set(
    registeredTests()
      .filter((t) => applies(t) && t.meta.level !== 'INFO')
      .flatMap((t) => t.requirements),
  );
  const observed = [...cited].filter((id) => !judged.has(id)).sort();
  const vendorElsewhere = (id: string) => id.startsWith('AWS-') && profile !== 'aws';
  const requirements = REQUIREMENTS.filter(
    (r) =>
      r.kind === 'requirement' &&
      !elsewhere.has(r.id) &&
      !vendorElsewhere(r.id) &&
      !observed.includes(r.id),
  );
  const missing = requirements
    .filter((r) => !provable.has(r.id))
    .map((r) => ({
      id: r.id,
      level: r.level,
      behaviour: r.behaviour,
      status: cited.has(r.id) ? 'cited, never failed' : 'not cited',
    }));
  if (opts.json) return JSON.stringify(missing, null, 2) + '\n';
  return (
    missing
      .map(
        (r) =>
          `${r.id.padEnd(28)} ${r.level.padEnd(10).slice(0, 10)} ${r.status.padEnd(19)} ${r.behaviour}`,
      )
      .join('\n') +
    `\n${missing.length} of ${requirements.length} requirements not covered under the ${profile} profile: no seeded fault makes a check of them fail (${missing.filter((r) => r.status !== 'not cited').length} of them cited by a test)\n` +
    (observed.length > 0
      ? `not counted, observed by INFO tests only (never judged): ${observed.join(', ')}\n`
      : '')
  );
}
