/**
 * The run as a GitHub Actions job summary (Markdown appended to $GITHUB_STEP_SUMMARY): the
 * verdict, target, profile, totals, the failed requirements with their level and the first
 * failing check, and the run's problems. No links (the reports are the artifact); text from the
 * run is shown as text (mdText), and the whole stays under STEP_SUMMARY_BUDGET bytes, far under
 * GitHub's 1 MiB per step: rows that do not fit are cut, with a note saying how many.
 */
import type { RunResult } from '../../engine/results.ts';
import { cutChars, utf8ByteLength } from '../format.ts';
import { mdText } from '../compare/markdown.ts';
import { judgedText, knownText } from '../summary.ts';
import type { FailedRequirement } from './failures.ts';

/** Bytes the summary may take (GitHub refuses a step's summary above 1 MiB). */
export const STEP_SUMMARY_BUDGET = 128 * 1024;
/** Room kept for the notes that say what was cut. */
const NOTE_ROOM = 1024;
/** Characters per table cell. */
const CELL_MAX = 300;
const PROBLEMS_MAX = 20;

const HEADLINES: Record<RunResult['exitCode'], string> = {
  0: '✅ conformant',
  1: '❌ not conformant',
  2: '⚠️ could not run',
  3: '⚠️ nothing judged',
};

function cell(text: string): string {
  return mdText(cutChars(text, CELL_MAX));
}

function where(run: RunResult): string {
  const t = run.target;
  if (t.kind === 'embedded')
    return `embedded reference server${t.faults.length ? ` (faults: ${t.faults.join(', ')})` : ''}`;
  return t.url;
}

function head(run: RunResult): string[] {
  const s = run.summary;
  return [
    `## sso-oidc-conformance: ${HEADLINES[run.exitCode]} (exit ${run.exitCode})`,
    '',
    '| Target | Profile | Clock | Approver | Strict | Tool |',
    '| --- | --- | --- | --- | --- | --- |',
    `| ${cell(where(run))} | ${cell(run.target.profile)} | ${run.target.clock} | ${cell(run.target.approver)} | ${run.strict ? 'yes' : 'no'} | ${cell(`${run.tool.name} ${run.tool.version}`)} |`,
    '',
    `**Tests:** ${s.total}: ${s.passed} passed, ${s.failed} failed, ${s.warning} warnings, ${knownText(run)}${s.info} info, ${s.skipped} skipped, ${s.error} errors  `,
    `**Requirements:** ${mdText(judgedText(s.requirements))}; ${s.requests} requests in ${(run.durationMs / 1000).toFixed(1)} s`,
    '',
  ];
}

function failedRow(r: FailedRequirement): string {
  const first = r.tests[0];
  const more = r.tests.length > 1 ? ` (and ${r.tests.length - 1} more)` : '';
  return `| ${cell(r.id)} | ${r.level} | ${cell(r.behaviour)} | ${first ? cell(first.name) + more : ''} | ${cell(first?.expected ?? '')} | ${cell(first?.actual ?? '')} |`;
}

/** Keeps the lines that fit in `budget` bytes; returns them and how many were cut. */
function fit(lines: readonly string[], budget: number): { kept: string[]; cut: number } {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const size = utf8ByteLength(line) + 1;
    if (used + size > budget) break;
    kept.push(line);
    used += size;
  }
  return { kept, cut: lines.length - kept.length };
}

export function renderStepSummary(
  run: RunResult,
  failed: readonly FailedRequirement[],
  budget = STEP_SUMMARY_BUDGET,
): string {
  const out = head(run);
  const problems = run.problems.slice(0, PROBLEMS_MAX).map((p) => `- ${cell(p)}`);
  if (run.problems.length > PROBLEMS_MAX)
    problems.push(`- and ${run.problems.length - PROBLEMS_MAX} more (see results.json)`);
  const problemLines = problems.length > 0 ? ['### Problems', '', ...problems, ''] : [];
  const tail = [
    'The evidence (checks, redacted exchanges, curl lines) is in `report.html`, `junit.xml` and `results.json` of the reports directory.',
    '',
  ];
  if (failed.length > 0) {
    out.push(
      `### Failed requirements (${failed.length})`,
      '',
      '| Requirement | Level | Behaviour | Test | Expected (any of) | Actual |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    const used = [...out, ...problemLines, ...tail].reduce((n, l) => n + utf8ByteLength(l) + 1, 0);
    const { kept, cut } = fit(failed.map(failedRow), budget - used - NOTE_ROOM);
    out.push(...kept, '');
    if (cut > 0)
      out.push(
        `> ${cut} more failed requirements are not shown (this summary stays under ${Math.round(budget / 1024)} KiB): ${mdText(
          cutChars(
            failed
              .slice(kept.length)
              .map((r) => r.id)
              .join(', '),
            NOTE_ROOM / 2,
          ),
        )}`,
        '',
      );
  }
  out.push(...problemLines, ...tail);
  return out.join('\n');
}
