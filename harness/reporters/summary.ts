/**
 * Console summary printed at the end of a run:
 *
 * 1. one line per requirement ID (natural order): the verdict of the checks citing it (`·` when
 *    none counted: not judged), the ID, its tests with their verdicts;
 * 2. details of every failed / warning / error test (h2spec style): Requirement, Expected,
 *    Actual, and the curl command reproducing it;
 * 3. known deviations (--known-deviations): one line per test, with the reason and evidence;
 * 4. totals, what became of the known-deviations list, and the run's problems.
 *
 * ANSI colour only when `opts.color`; text coming from the target is never allowed to carry
 * its own escape sequences to the terminal (C0 controls are shown as `\x1b` ...).
 */
import type { Verdict } from '../api/levels.ts';
import type { RunResult } from '../engine/results.ts';
import {
  checkBlock,
  checkSummary,
  countVerdicts,
  effectiveVerdict,
  failingChecks,
  knownChecks,
  knownLine,
  reasonOf,
  warningChecks,
} from './format.ts';
import { requirementVerdicts, type RequirementVerdict } from '../engine/requirement-verdicts.ts';
import { makeXmlSafe } from './xml.ts';

export const SYMBOLS: Record<Verdict | RequirementVerdict, string> = {
  'not-judged': '·',
  passed: '✔',
  failed: '✘',
  warning: '⚠',
  known: '≈',
  info: 'ℹ',
  skipped: '○',
  error: '⊗',
};

const COLORS: Record<Verdict | RequirementVerdict, number> = {
  'not-judged': 90, // grey
  passed: 32, // green
  failed: 31, // red
  warning: 33, // yellow
  known: 34, // blue
  info: 36, // cyan
  skipped: 90, // grey
  error: 35, // magenta
};

/**
 * Text from the target can't drive the terminal or vanish: what XML forbids (C0 controls, lone
 * surrogates, U+FFFE/U+FFFF) and CR, DEL and C1 controls are shown as `\x1b`, `\ud800` ...
 */
function terminalSafe(text: string): string {
  return makeXmlSafe(text).replace(
    /[\r\u007F-\u009F]/g,
    (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** `117 requirements judged (2 failed), 3 not judged`: how much the verdict rests on. */
export function judgedText(r: RunResult['summary']['requirements']): string {
  const notJudged = r.notJudged > 0 ? `, ${r.notJudged} not judged` : '';
  const known = r.known > 0 ? `, ${r.known} known` : '';
  return `${r.judged} requirements judged (${r.failed} failed${known})${notJudged}`;
}

/** `3 known, ` when the run had a known-deviations list (or known tests), else nothing. */
export function knownText(run: RunResult): string {
  return run.knownDeviations || run.summary.known > 0 ? `${run.summary.known} known, ` : '';
}

export function renderSummary(run: RunResult, opts: { color: boolean }): string {
  const paint = (code: number, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const bold = (s: string) => (opts.color ? `\x1b[1m${s}\x1b[22m` : s);
  const sym = (v: Verdict | RequirementVerdict) => paint(COLORS[v], SYMBOLS[v]);
  const safe = terminalSafe;
  const out: string[] = [];

  // 1. Requirements: each with the verdict of the checks that cite it.
  const index = requirementVerdicts(run.tests, run.strict);
  const bySlug = new Map(run.tests.map((t) => [t.slug, t]));
  out.push(bold(`Requirements (${index.size})`));
  const width = Math.min(32, Math.max(0, ...[...index.keys()].map((id) => id.length)));
  for (const [id, entry] of index) {
    const labels = entry.tests.map((slug) => {
      const t = bySlug.get(slug)!;
      const name = t.name;
      // The test's own requirement: show its title only (the ID is already on the line).
      const label = name.startsWith(`${id} `) ? name.slice(id.length + 1) : name;
      const v = effectiveVerdict(t, run.strict);
      return `${entry.tests.length > 1 || v !== entry.verdict ? `${sym(v)} ` : ''}${safe(label)}`;
    });
    // Judged only by fixtures' checks (a registration every test needed, say).
    if (labels.length === 0) labels.push(`(fixture checks: ${entry.checks.passed} passed)`);
    out.push(`  ${sym(entry.verdict)} ${safe(id).padEnd(width)}  ${labels.join('; ')}`);
  }

  // 2. Details of what did not pass.
  const notable = run.tests.filter((t) =>
    ['failed', 'warning', 'error'].includes(effectiveVerdict(t, run.strict)),
  );
  // Errors with the same reason (a run stopped by the circuit breaker leaves dozens) are shown
  // once, so that each cause is one entry and not a screenful.
  const sameError = new Map<string, number>();
  for (const t of notable)
    if (t.verdict === 'error' && t.checks.every((c) => c.ok))
      sameError.set(t.reason ?? '', (sameError.get(t.reason ?? '') ?? 0) + 1);
  const shownError = new Set<string>();
  if (notable.length > 0) {
    out.push('', bold('Failures, warnings and errors'));
    for (const t of notable) {
      const verdict = effectiveVerdict(t, run.strict);
      const others = (sameError.get(t.reason ?? '') ?? 0) - 1;
      if (verdict === 'error' && t.checks.every((c) => c.ok) && others > 0) {
        if (shownError.has(t.reason ?? '')) continue;
        shownError.add(t.reason ?? '');
        out.push('', `  ${sym(verdict)} ${safe(t.name)} [${t.level}] and ${others} more tests`);
      } else out.push('', `  ${sym(verdict)} ${safe(t.name)} [${t.level}]`);
      const checks =
        verdict === 'failed'
          ? failingChecks(t, run.strict)
          : verdict === 'warning'
            ? warningChecks(t)
            : [];
      if (checks.length === 0) {
        out.push(
          `      ${verdict === 'error' ? 'Error' : 'Reason'}: ${safe(reasonOf(t, verdict, run.strict))}`,
        );
      }
      for (const c of checks) {
        const [requirement, check, expected, actual] = checkBlock(c).map(safe);
        out.push(
          `      ${requirement}`,
          `        ${check}`,
          `        ${paint(32, expected)}`,
          `        ${paint(31, actual)}`,
        );
      }
      if (t.curl) out.push(`      ${paint(90, '$')} ${safe(t.curl)}`);
    }
  }

  // 3. Known deviations: visible, but apart from what failed.
  const known = run.tests.filter((t) => t.verdict === 'known');
  if (known.length > 0) {
    out.push('', bold('Known deviations'));
    for (const t of known) {
      out.push(`  ${sym('known')} ${safe(t.name)} [${t.level}]`);
      const checks = knownChecks(t);
      for (const c of checks) out.push(`      ${safe(checkSummary(c))}`);
      // One line per entry: two checks of one requirement share their reason.
      for (const line of new Set(checks.map(knownLine))) out.push(`      ${safe(line)}`);
    }
  }

  // 4. Totals and problems.
  const n = countVerdicts(run);
  const tally = (v: Verdict, s: string) =>
    n[v] > 0 && v !== 'info' && v !== 'skipped' ? paint(COLORS[v], s) : s;
  const seconds = (Math.max(0, run.durationMs || 0) / 1000).toFixed(1);
  out.push(
    '',
    [
      tally('passed', `${n.passed} passed`),
      tally('failed', `${n.failed} failed`),
      tally('warning', `${n.warning} warnings`),
      ...(knownText(run) ? [tally('known', `${n.known} known`)] : []),
      tally('info', `${n.info} info`),
      tally('skipped', `${n.skipped} skipped`),
      tally('error', `${n.error} errors`),
    ].join(', ') +
      `; ${judgedText(run.summary.requirements)}; ${run.summary.requests} requests, ${run.summary.registrations ?? 0} registrations in ${seconds}s`,
  );
  const list = run.knownDeviations;
  if (list) {
    const vendor = list.vendor ? ` (${list.vendor})` : '';
    out.push(
      `Known deviations ${safe(list.file)}${vendor}: ${list.entries} entries, ${list.confirmed.length} seen, ${list.stale.length} no longer deviate, ${list.notReached.length} not reached`,
    );
    for (const e of list.stale)
      out.push(
        paint(
          COLORS.warning,
          `Warning: no longer deviates: remove ${safe(e.label)} from ${safe(list.file)}`,
        ),
      );
    if (list.notReached.length > 0)
      out.push(`Not reached (no check of theirs ran): ${list.notReached.map(safe).join(', ')}`);
    if (list.unverified.length > 0)
      out.push(
        `Failed where the vendor's behaviour is not recorded (findings to confirm, not known deviations): ${list.unverified.map((u) => safe(u.requirement)).join(', ')}`,
      );
  }
  for (const p of run.problems) out.push(paint(COLORS.error, `Problem: ${safe(p)}`));
  return out.join('\n') + '\n';
}
