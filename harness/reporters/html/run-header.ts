/**
 * The top of the page: what was tested and how (target, profile, settings, tool, time), the
 * outcome in one line, the run's problems, the known-deviations list and the totals. All from
 * results.json as written; nothing is recomputed.
 */
import type { ResultsJson } from '../results-json.ts';
import { hrefTo, text } from './escape.ts';
import { VERDICT_ORDER, verdictLabel } from './verdicts.ts';

/** What each exit code says about the target (README: exit codes). */
const OUTCOME: Record<number, string> = {
  0: 'conformant: no requirement failed',
  1: 'not conformant: a requirement failed',
  2: 'could not run to the end',
  3: 'ran, but judged no requirement',
};

function row(label: string, value: string): string {
  return `<tr><th>${text(label)}</th><td>${value}</td></tr>`;
}

function seconds(ms: number | undefined): string {
  return typeof ms === 'number' && Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '';
}

function settings(r: ResultsJson): string {
  const t = r.target;
  const where = t.kind === 'embedded' ? 'embedded reference server' : t.url;
  const rows = [
    row('Target', text(where)),
    row('Profile', text(t.profile)),
    row('Seeded faults', t.faults?.length ? text(t.faults.join(', ')) : 'none'),
    row('Clock', text(t.clock)),
    row('Approver', text(t.approver)),
    row('Strict (SHOULD fails)', r.strict ? 'yes' : 'no'),
    row('Exchanges kept', text(r.exchanges ?? 'all')),
    row('Seed', r.seed === undefined ? '' : text(r.seed)),
    row('Tool', text(`${r.tool.name} ${r.tool.version}, results.json v${r.schemaVersion}`)),
    row('Started', text(r.startedAt)),
    row('Finished', text(r.finishedAt)),
    row('Duration', text(seconds(r.durationMs))),
  ];
  return `<table id="settings">${rows.join('')}</table>`;
}

function problems(r: ResultsJson): string {
  if (!r.problems?.length) return '';
  return `<div class="problems" id="problems" role="alert"><strong>Problems of the run</strong><ul>${r.problems
    .map((p) => `<li>${text(p)}</li>`)
    .join('')}</ul></div>`;
}

function knownDeviations(r: ResultsJson): string {
  const k = r.knownDeviations;
  if (!k) return '';
  const list = (ids: string[]) => (ids.length ? text(ids.join(', ')) : 'none');
  const stale = k.stale.map(
    (s) =>
      `<li>${text(s.requirement)} (${text(s.label)}): passed in ${text(s.tests.join(', '))}</li>`,
  );
  const unverified = k.unverified.map(
    (u) =>
      `<li>${text(u.requirement)}: ${text(u.note)}; failed in ${text(u.tests.join(', '))}</li>`,
  );
  return `<h2>Known deviations</h2><table id="known-deviations">
${row('List', text(`${k.file}${k.vendor ? ` (${k.vendor})` : ''}, ${k.entries} entries`))}
${row('Still deviating', list(k.confirmed))}
${row('No longer deviating (remove them)', stale.length ? `<ul>${stale.join('')}</ul>` : 'none')}
${row('Not reached by this run', list(k.notReached))}
${row('Unverified for the vendor, failed here', unverified.length ? `<ul>${unverified.join('')}</ul>` : 'none')}
</table>`;
}

function totals(r: ResultsJson): string {
  const s = r.summary;
  const byVerdict = VERDICT_ORDER.filter((v) => v !== 'not-judged').map(
    (v) =>
      `<tr data-total="${v}" data-verdict="${v}"><th class="verdict">${text(verdictLabel(v))}</th><td>${s[v] ?? 0}</td></tr>`,
  );
  const req = s.requirements;
  const requirements = req
    ? [
        ['judged', req.judged],
        ['failed', req.failed],
        ['known', req.known],
        ['not-judged', req.notJudged],
      ].map(
        ([k, n]) =>
          `<tr data-total="requirements-${k}"><th>${k === 'judged' ? 'judged' : text(verdictLabel(String(k)))}</th><td>${n}</td></tr>`,
      )
    : [];
  return `<div><h2>Totals</h2><table id="totals">
<thead><tr><th>Tests</th><td data-total="tests">${s.total}</td></tr></thead>
<tbody>${byVerdict.join('')}</tbody>
<tbody><tr><th>Requests sent</th><td data-total="requests">${s.requests}</td></tr>${
    s.registrations === undefined
      ? ''
      : `<tr><th>Registrations</th><td data-total="registrations">${s.registrations}</td></tr>`
  }</tbody>
<tbody><tr><th colspan="2">Requirements</th></tr>${requirements.join('')}</tbody>
</table></div>`;
}

/** The requirements that did not pass, linked to their rows: what a reader looks at first. */
function attention(r: ResultsJson): string {
  const items = ATTENTION.flatMap((verdict) =>
    Object.entries(r.requirements)
      .filter(([, e]) => e.verdict === verdict)
      .map(([id]) => `<a href="${hrefTo('req', id)}" data-verdict="${verdict}">${text(id)}</a>`),
  );
  if (items.length === 0) return '';
  return `<p id="attention"><strong>Requirements that did not pass:</strong> ${items.join(', ')}</p>`;
}

/** Requirement verdicts listed at the top, worst first. */
const ATTENTION = ['failed', 'error', 'warning', 'known'];

export function runHeader(r: ResultsJson): string {
  const outcome = OUTCOME[r.exitCode] ?? `exit code ${r.exitCode}`;
  const verdict =
    ({ 0: 'passed', 1: 'failed', 3: 'not-judged' } as Record<number, string>)[r.exitCode] ??
    'error';
  return `<p class="outcome" id="outcome" data-exit-code="${text(r.exitCode)}" data-verdict="${verdict}"><span class="badge">Exit ${text(r.exitCode)}</span> ${text(outcome)}</p>
${problems(r)}
${attention(r)}
<div class="overview"><div><h2>Run</h2>${settings(r)}</div>
${totals(r)}</div>
${knownDeviations(r)}`;
}
