/** How verdicts show in report.html: a symbol and a word, for tests and for requirements. */
import type { Verdict } from '../../api/levels.ts';
import type { RequirementVerdict } from '../../engine/requirement-verdicts.ts';

/** Every verdict the page shows, in the order of its filters. */
export const VERDICT_ORDER = [
  'failed',
  'error',
  'warning',
  'known',
  'info',
  'passed',
  'skipped',
  'not-judged',
] as const satisfies readonly (Verdict | RequirementVerdict)[];

const LOOK: Record<string, { symbol: string; label: string }> = {
  passed: { symbol: '✔', label: 'passed' },
  failed: { symbol: '✘', label: 'failed' },
  warning: { symbol: '⚠', label: 'warning' },
  known: { symbol: '≈', label: 'known deviation' },
  info: { symbol: 'ℹ', label: 'info' },
  skipped: { symbol: '↷', label: 'skipped' },
  error: { symbol: '⊗', label: 'error' },
  'not-judged': { symbol: '·', label: 'not judged' },
};

/** `✘ failed`; a verdict this version does not know (a newer results.json) shows as it is. */
export function verdictLabel(verdict: string): string {
  const look = LOOK[verdict];
  return look ? `${look.symbol} ${look.label}` : verdict;
}
