/** How each cell verdict shows, and what it means: shared by compare.md and compare.html. */
import { NOT_APPLICABLE, NOT_CITED, type CellVerdict } from './matrix.ts';

interface VerdictLook {
  symbol: string;
  label: string;
  meaning: string;
}

export const LEGEND: Record<string, VerdictLook> = {
  passed: { symbol: '✔', label: 'passed', meaning: 'every check of it held' },
  failed: { symbol: '✘', label: 'failed', meaning: 'a MUST (or, strict, a SHOULD) was broken' },
  warning: { symbol: '⚠', label: 'warning', meaning: 'a SHOULD was broken' },
  known: { symbol: '≈', label: 'known', meaning: 'broken, listed as a known deviation' },
  info: { symbol: 'ℹ', label: 'info', meaning: 'observed, never a failure' },
  error: { symbol: '⊗', label: 'error', meaning: 'the harness could not reach a verdict' },
  'not-judged': {
    symbol: '·',
    label: 'not judged',
    meaning: 'applies, but no check of it counted (its tests skipped)',
  },
  [NOT_APPLICABLE]: {
    symbol: '',
    label: 'n/a',
    meaning: 'does not apply to the run’s profile (its tests are for another)',
  },
  [NOT_CITED]: { symbol: '—', label: 'not cited', meaning: 'no test of the run cites it' },
};

/** The cell's text: symbol and word (a verdict this version does not know shows as it is). */
export function verdictText(verdict: CellVerdict): string {
  const look = LEGEND[verdict];
  if (!look) return verdict;
  return look.symbol ? `${look.symbol} ${look.label}` : look.label;
}
