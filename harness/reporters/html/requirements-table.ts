/**
 * The requirement table: every requirement the run cites, grouped as in the catalogue, with its
 * verdict from the checks citing it (results.json's `requirements` index: "not judged" when no
 * check of it counted, "known deviation" when every failure of it is listed), where it is
 * written, and the tests citing it. A requirement that did not pass shows the checks that did
 * not hold, Expected against Actual, so a reader needs not open the tests. Rows carry
 * id="req-<ID>" (compare.html links there), data-requirement and data-verdict.
 */
import { REQUIREMENTS, findRequirement, specLink } from '../../engine/catalogue.ts';
import type { CheckJson, ResultsJson } from '../results-json.ts';
import { anchor, catalogueText, hrefTo, text } from './escape.ts';
import { verdictLabel } from './verdicts.ts';

/** Failed checks shown in a requirement's row; the rest are in its tests. */
const CHECKS_SHOWN = 3;

interface FailedCheck {
  slug: string;
  check: CheckJson;
}

/** Requirement ID → its checks that did not hold, with the test of each, in run order. */
function failedChecksById(results: ResultsJson): Map<string, FailedCheck[]> {
  const byId = new Map<string, FailedCheck[]>();
  for (const t of results.tests)
    for (const check of t.checks) {
      if (check.ok) continue;
      if (!byId.has(check.requirement)) byId.set(check.requirement, []);
      byId.get(check.requirement)!.push({ slug: t.slug, check });
    }
  return byId;
}

function failedChecks(failed: FailedCheck[] | undefined): string {
  if (!failed?.length) return '';
  const shown = failed
    .slice(0, CHECKS_SHOWN)
    .map(
      ({ slug, check }) =>
        `<div class="failed-check"><a href="${hrefTo('test', slug)}">${text(slug)}</a>: ${text(check.description)}<br>Expected (any of): <code>${text(check.expected.join(' | ') || '(not specified)')}</code><br>Actual: <code>${text(check.actual)}</code>${check.known ? `<br>Known deviation: ${text(check.known.reason)}` : ''}</div>`,
    );
  const more =
    failed.length > CHECKS_SHOWN
      ? `<div class="muted">and ${failed.length - CHECKS_SHOWN} more in its tests</div>`
      : '';
  return shown.join('') + more;
}

/** The catalogue's group of an ID, or where the IDs this catalogue does not know go. */
const OTHER_GROUP = 'Not in this version’s catalogue';

const GROUP_RANK = new Map<string, number>();
for (const r of REQUIREMENTS)
  if (!GROUP_RANK.has(r.group)) GROUP_RANK.set(r.group, GROUP_RANK.size);
const groupRank = (group: string): number => GROUP_RANK.get(group) ?? GROUP_RANK.size;

export function requirementsTable(results: ResultsJson): string {
  const failed = failedChecksById(results);
  const groups = new Map<string, string[]>();
  for (const [id, entry] of Object.entries(results.requirements)) {
    const r = findRequirement(id);
    const group = r?.group ?? OTHER_GROUP;
    if (!groups.has(group)) groups.set(group, []);
    const spec = entry.spec ?? specLink(id);
    const idCell = spec
      ? `<a href="${text(spec)}" title="where it is written">${text(id)}</a>`
      : text(id);
    const tests = entry.tests.map((s) => `<a href="${hrefTo('test', s)}">${text(s)}</a>`);
    const counted = entry.checks ? `${entry.checks.passed} ✔ ${entry.checks.notPassed} ✘` : '';
    const shown = entry.verdict === 'passed' ? '' : failedChecks(failed.get(id));
    groups
      .get(group)!
      .push(
        `<tr id="${anchor('req', id)}" data-requirement="${text(id)}" data-verdict="${text(entry.verdict)}"><th>${idCell}</th><td class="verdict">${text(verdictLabel(entry.verdict))}</td><td>${text(r?.level ?? '')}</td><td>${catalogueText(r?.behaviour ?? '')}${shown}</td><td class="muted">${text(counted)}</td><td>${tests.join(', ')}</td></tr>`,
      );
  }
  // Groups in catalogue order, the IDs it does not know last.
  const order = [...groups.keys()].sort((a, b) => groupRank(a) - groupRank(b));
  const bodies = order.map(
    (g) =>
      `<tbody><tr><th class="group" colspan="6">${text(g)}</th></tr>\n${groups.get(g)!.join('\n')}</tbody>`,
  );
  return `<table id="requirements"><thead><tr><th>Requirement</th><th>Verdict</th><th>Level</th><th>What it asks</th><th>Checks</th><th>Tests citing it</th></tr></thead>
${bodies.join('\n')}</table>`;
}
