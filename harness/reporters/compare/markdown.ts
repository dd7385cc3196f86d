/**
 * compare.md: the comparison as a pull-request comment (GitHub-flavoured Markdown). The
 * differences first, the full matrix folded in `<details>`; the whole under GitHub's comment
 * limit, cutting the full matrix (then the differences) with a note when it would not fit.
 */
import { cutChars } from '../format.ts';
import { LEGEND, verdictText } from './legend.ts';
import type { Comparison, CompareRow } from './matrix.ts';

/** GitHub refuses a comment longer than this (characters; we count UTF-16 units, more). */
export const COMMENT_LIMIT = 65_536;

/** Longest target URL shown (compare.html and compare.json have it whole). */
const URL_MAX = 120;

/** Room kept for the notes that say what was cut. */
const NOTE_ROOM = 400;

/**
 * Text from the runs (names, URLs, IDs) shown as text: no Markdown or HTML of its own, one line,
 * no `|` closing a table cell.
 */
export function mdText(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[\\`*_[\]<>|&!#~$]/g, (c) => `\\${c}`);
}

function tableHead(c: Comparison): string[] {
  return [
    `| Requirement | ${c.targets.map((t) => mdText(t.name)).join(' | ')} |`,
    `| --- | ${c.targets.map(() => '---').join(' | ')} |`,
  ];
}

function cells(r: CompareRow): string {
  return r.cells.map((cell) => `[${mdText(verdictText(cell.verdict))}](${cell.href})`).join(' | ');
}

/** A row; `linked`: the ID links to the requirement's text (the differences, where room allows). */
function rowLine(r: CompareRow, linked: boolean): string {
  const id = linked && r.spec ? `[${mdText(r.id)}](${r.spec})` : mdText(r.id);
  return `| ${id} | ${cells(r)} |`;
}

/** Adds `lines` to the output while they fit in `budget`; returns them and how many were cut. */
function fit(lines: readonly string[], budget: number): { kept: string[]; cut: number } {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    kept.push(line);
    used += line.length + 1;
  }
  return { kept, cut: lines.length - kept.length };
}

function header(c: Comparison): string[] {
  const lines = [`## Conformance comparison of ${c.targets.length} targets`, ''];
  lines.push(
    '| Target | Where | Profile | Faults | Tool | Strict | Requirements judged (failed) |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const t of c.targets) {
    const judged = t.requirements ? `${t.requirements.judged} (${t.requirements.failed})` : '';
    // A URL can be long: cut, so that the table of targets never crowds out the matrix.
    const where = mdText(
      cutChars(t.kind === 'embedded' ? 'embedded reference server' : (t.url ?? ''), URL_MAX),
    );
    lines.push(
      `| [${mdText(t.name)}](${t.report}) | ${where} | ${mdText(t.profile)} | ${mdText(t.faults.join(', '))} | ${mdText(t.tool)} | ${t.strict ? 'yes' : 'no'} | ${judged} |`,
    );
  }
  lines.push('');
  for (const w of c.warnings) lines.push(`> ⚠ **Warning:** ${mdText(w)}`, '');
  return lines;
}

function legend(): string {
  const items = Object.values(LEGEND).map(
    (l) => `${l.symbol ? `${l.symbol} ` : ''}${l.label}: ${l.meaning}`,
  );
  return `<sub>${items.join(' · ')}. Each cell links to that run's report.html.</sub>`;
}

export function renderCompareMarkdown(c: Comparison, limit = COMMENT_LIMIT): string {
  const rows = c.groups.flatMap((g) => g.rows);
  const differing = rows.filter((r) => r.differs);
  const head = header(c).join('\n') + '\n';
  const foot = '\n' + legend() + '\n';
  let budget = limit - head.length - foot.length - NOTE_ROOM;

  const diffTitle = `### Where the targets differ (${differing.length} of ${rows.length} requirements)\n\n`;
  let diffText: string;
  if (differing.length === 0) {
    diffText = `${diffTitle}The targets agree on every requirement that applies to more than one of them (n/a and not cited are not differences).\n`;
  } else {
    const { kept, cut } = fit(
      differing.map((r) => rowLine(r, true)),
      budget - diffTitle.length - 200,
    );
    diffText = diffTitle + [...tableHead(c), ...kept].join('\n') + '\n';
    if (cut > 0)
      diffText += `\n_${cut} more differences cut to fit a comment: see compare.html._\n`;
  }
  budget -= diffText.length;

  const summary = `<details><summary>Every requirement (${rows.length}), grouped as in the catalogue</summary>\n\n`;
  const span = c.targets.map(() => '').join(' | ');
  const matrixLines = c.groups.flatMap((g) => [
    `| **${mdText(g.title)}** | ${span} |`,
    ...g.rows.map((r) => rowLine(r, false)),
  ]);
  const { kept, cut } = fit(matrixLines, budget - summary.length - 200);
  let full = summary + [...tableHead(c), ...kept].join('\n') + '\n';
  if (cut > 0)
    full += `\n_The full matrix was cut after ${kept.length} of ${matrixLines.length} lines to fit a comment: compare.html and compare.json hold it all._\n`;
  full += '\n</details>\n';
  return head + '\n' + diffText + '\n' + full + foot;
}
