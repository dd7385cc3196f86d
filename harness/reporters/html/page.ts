/**
 * report.html: one self-contained page rendered from results.json alone (so that an old
 * results.json renders again, `sso-oidc-conformance report`). Inline style and one inline
 * script, allowed by hash in the page's Content-Security-Policy; nothing else may load (no
 * network, no CDN, no image), so the page opens from disk or as a CI artifact, and text a
 * hostile server sent, escaped everywhere, could not run even if it slipped through.
 * Secrets: the page shows only what results.json holds, which the harness already redacted.
 */
import { createHash } from 'node:crypto';
import type { ResultsJson } from '../results-json.ts';
import { effectiveVerdict } from '../format.ts';
import { text } from './escape.ts';
import { filtersForm, SCRIPT, type FilterCounts } from './filters.ts';
import { requirementsTable } from './requirements-table.ts';
import { runHeader } from './run-header.ts';
import { STYLE } from './styles.ts';
import { testDetailsHtml } from './test-details.ts';
import { htmlDocument } from './document.ts';

const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'`;

type ReportTest = ResultsJson['tests'][number];

/**
 * A results.json of any version as this renderer reads it: members later versions added
 * (slug in v4, the exchanges mode in v6) and lists a hand-edited file may lack get their
 * defaults. Nothing else changes.
 */
function readable(results: ResultsJson): ResultsJson {
  const tests = results.tests.map((t): ReportTest => ({
    ...t,
    slug: t.slug ?? t.id ?? t.name,
    requirements: t.requirements ?? [],
    checks: (t.checks ?? []).map((c) => ({ ...c, expected: c.expected ?? [] })),
    notes: t.notes ?? [],
    exchanges: t.exchanges ?? [],
    failedRequirements: t.failedRequirements ?? [],
  }));
  return { ...results, tests, requirements: results.requirements ?? {} };
}

function filterCounts(r: ResultsJson): FilterCounts {
  const counts: FilterCounts = {
    verdicts: new Map(),
    requirementVerdicts: new Map(),
    levels: new Map(),
    suites: new Map(),
  };
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const t of r.tests) {
    add(counts.verdicts, effectiveVerdict(t, r.strict));
    add(counts.levels, t.level);
    const suite = counts.suites.get(t.suite) ?? { title: t.suiteTitle ?? t.suite, count: 0 };
    suite.count++;
    counts.suites.set(t.suite, suite);
  }
  for (const entry of Object.values(r.requirements)) add(counts.requirementVerdicts, entry.verdict);
  return counts;
}

/** The tests by suite, in run order of each suite's first test. */
function testSections(r: ResultsJson): string {
  const suites = new Map<string, ReportTest[]>();
  for (const t of r.tests) {
    if (!suites.has(t.suite)) suites.set(t.suite, []);
    suites.get(t.suite)!.push(t);
  }
  return [...suites]
    .map(
      ([key, tests]) => `<section class="suite" data-suite="${text(key)}">
<h3>${text(tests[0]!.suiteTitle ?? key)} <span class="muted">(${text(key)}, ${tests.length} tests)</span></h3>
${tests.map((t) => testDetailsHtml(t, r.strict, r.exchanges ?? 'all')).join('\n')}
</section>`,
    )
    .join('\n');
}

function title(r: ResultsJson): string {
  const where = r.target.kind === 'embedded' ? 'embedded reference server' : r.target.url;
  const faults = r.target.faults?.length ? ` + ${r.target.faults.join(', ')}` : '';
  return `${where} (${r.target.profile}${faults})`;
}

/** The whole page, from a results.json (parsed) of this or an earlier version. */
export function renderHtmlReport(results: ResultsJson): string {
  const r = readable(results);
  return htmlDocument({
    csp: CSP,
    title: `Conformance report: ${text(title(r))}`,
    style: STYLE,
    body: `<h1>Conformance report: ${text(title(r))}</h1>
${runHeader(r)}
<h2>Requirements (${Object.keys(r.requirements).length})</h2>
<p class="muted">Each requirement’s verdict comes from the checks that cite it. Its ID links to where it is written.</p>
${filtersForm(filterCounts(r))}
${requirementsTable(r)}
<h2>Tests (${r.tests.length})</h2>
<p class="muted">Open a test to see its checks, notes, the curl line that reproduces it and its exchanges (redacted).</p>
<div id="tests">
${testSections(r)}
</div>
<script>${SCRIPT}</script>`,
  });
}
