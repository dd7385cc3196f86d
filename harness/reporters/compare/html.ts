/**
 * compare.html: the comparison as one self-contained page (no script, no network: the CSP allows
 * inline style only), readable from disk or as a CI artifact. Every value from the runs is
 * escaped with escape-html; cells carry data-target, data-requirement and data-verdict so a
 * browser test (or a reader's script) can find them.
 */
import escapeHtml from 'escape-html';
import { LEGEND, verdictText } from './legend.ts';
import type { CompareRow, CompareTarget, Comparison } from './matrix.ts';
import { htmlDocument } from '../html/document.ts';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
th.group { background: #eef; }
td a { color: inherit; text-decoration: none; display: block; }
td a:hover { text-decoration: underline; }
.warning { background: #fff4ce; border-left: 4px solid #e0a800; padding: 4px 8px; }
[data-verdict="passed"] { background: #e6f4ea; }
[data-verdict="failed"] { background: #fce8e6; font-weight: bold; }
[data-verdict="warning"] { background: #fff4ce; }
[data-verdict="known"] { background: #e8f0fe; }
[data-verdict="info"] { background: #e4f7fb; }
[data-verdict="error"] { background: #f3e8fd; }
[data-verdict="not-judged"], [data-verdict="not-cited"] { color: #666; }
[data-verdict="n/a"] { color: #999; background: #f5f5f5; }
tr.differs > th { border-left: 4px solid #d93025; }
`;

/** Escaped text (escape-html: & < > " ' are entities). */
const e = (value: unknown): string => escapeHtml(String(value ?? ''));

function targetsTable(c: Comparison): string {
  const rows = c.targets.map(
    (t) => `<tr data-target="${e(t.name)}"><th><a href="${e(t.report)}">${e(t.name)}</a></th>
<td>${e(t.kind === 'embedded' ? 'embedded reference server' : t.url)}</td><td>${e(t.profile)}</td>
<td>${e(t.faults.join(', '))}</td><td>${e(t.tool)}</td><td>${t.strict ? 'yes' : 'no'}</td>
<td>${t.seed === undefined ? '' : e(t.seed)}</td><td>${e(t.startedAt)}</td><td>${judged(t)}</td>
<td><a href="${e(t.results)}">${e(t.results)}</a></td></tr>`,
  );
  return `<table id="targets"><thead><tr><th>Target</th><th>Where</th><th>Profile</th><th>Faults</th>
<th>Tool</th><th>Strict</th><th>Seed</th><th>Started</th><th>Requirements judged (failed)</th>
<th>results.json</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function judged(t: CompareTarget): string {
  return t.requirements ? `${t.requirements.judged} (${t.requirements.failed})` : '';
}

function head(c: Comparison): string {
  return `<tr><th>Requirement</th>${c.targets.map((t) => `<th>${e(t.name)}</th>`).join('')}</tr>`;
}

function rowHtml(c: Comparison, r: CompareRow): string {
  const title = [r.level, r.behaviour].filter(Boolean).join(': ');
  const id = r.spec ? `<a href="${e(r.spec)}">${e(r.id)}</a>` : e(r.id);
  const cells = r.cells.map(
    (cell, i) =>
      `<td data-target="${e(c.targets[i]!.name)}" data-requirement="${e(r.id)}" data-verdict="${e(cell.verdict)}"><a href="${e(cell.href)}">${e(verdictText(cell.verdict))}</a></td>`,
  );
  return `<tr data-requirement="${e(r.id)}"${r.differs ? ' class="differs"' : ''}><th title="${e(title)}">${id}</th>${cells.join('')}</tr>`;
}

function differences(c: Comparison): string {
  const rows = c.groups.flatMap((g) => g.rows).filter((r) => r.differs);
  const title = `<h2>Where the targets differ (${rows.length})</h2>`;
  if (rows.length === 0)
    return `${title}<p id="differences">The targets agree on every requirement that applies to more than one of them (n/a and not cited are not differences).</p>`;
  return `${title}<table id="differences"><thead>${head(c)}</thead><tbody>
${rows.map((r) => rowHtml(c, r)).join('\n')}</tbody></table>`;
}

function matrix(c: Comparison): string {
  const span = c.targets.length + 1;
  const bodies = c.groups.map(
    (g) => `<tbody><tr><th class="group" colspan="${span}">${e(g.title)}</th></tr>
${g.rows.map((r) => rowHtml(c, r)).join('\n')}</tbody>`,
  );
  const count = c.groups.reduce((n, g) => n + g.rows.length, 0);
  return `<h2>Every requirement (${count}), grouped as in the catalogue</h2>
<table id="matrix"><thead>${head(c)}</thead>${bodies.join('\n')}</table>`;
}

function legend(): string {
  const items = Object.entries(LEGEND).map(
    ([verdict, look]) =>
      `<li><span data-verdict="${e(verdict)}">${e(look.symbol ? `${look.symbol} ${look.label}` : look.label)}</span>: ${e(look.meaning)}</li>`,
  );
  return `<h2>Legend</h2><ul id="legend">${items.join('')}</ul>
<p>Each cell links to that run's report.html, at the requirement. A row differs when the targets it applies to gave it different verdicts.</p>`;
}

export function renderCompareHtml(c: Comparison): string {
  const warnings = c.warnings.map((w) => `<p class="warning" role="alert">⚠ ${e(w)}</p>`);
  return htmlDocument({
    csp: "default-src 'none'; style-src 'unsafe-inline'",
    title: `Conformance comparison: ${e(c.targets.map((t) => t.name).join(' · '))}`,
    style: STYLE,
    body: `<h1>Conformance comparison of ${c.targets.length} targets</h1>
${targetsTable(c)}
${warnings.join('\n')}
${differences(c)}
${matrix(c)}
${legend()}`,
  });
}
