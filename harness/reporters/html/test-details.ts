/**
 * One test as an expandable `<details>`: its verdict and reason in the summary line; inside, the
 * requirements it cites, its checks (Requirement / Check / Expected (any of) / Actual, as the
 * console and JUnit show a failure), its notes, the curl line that reproduces it, and the
 * exchanges results.json kept (already redacted). The element carries data-test-slug,
 * data-verdict, data-level and data-suite for the filters and for tests of the page.
 */
import type { CheckResult, TestResult } from '../../engine/results.ts';
import type { CheckJson } from '../results-json.ts';
import { effectiveVerdict, exchangeText, reasonOf } from '../format.ts';
import { anchor, hrefTo, text } from './escape.ts';
import { verdictLabel } from './verdicts.ts';

type ReportTest = TestResult & { checks: CheckJson[] };

/** How a check reads: held, broke a MUST (or a SHOULD under --strict), a SHOULD, a known one. */
function checkClass(c: CheckResult, strict: boolean): string {
  if (c.ok) return 'ok';
  if (c.known) return 'known';
  if (c.level === 'MUST' || (strict && c.level === 'SHOULD')) return 'failed';
  return c.level === 'SHOULD' ? 'warning' : 'info';
}

const CHECK_SYMBOL: Record<string, string> = {
  ok: '✔',
  failed: '✘',
  warning: '⚠',
  known: '≈',
  info: 'ℹ',
};

function checkRow(test: ReportTest, c: CheckJson, strict: boolean): string {
  const cls = checkClass(c, strict);
  const spec = c.spec ? ` <a href="${text(c.spec)}" class="spec">spec</a>` : '';
  const seq =
    c.exchangeSeq !== undefined && test.exchanges.some((x) => x.seq === c.exchangeSeq)
      ? ` <a href="#${exchangeId(test, c.exchangeSeq)}" class="muted">exchange #${c.exchangeSeq}</a>`
      : c.exchangeSeq !== undefined
        ? ` <span class="muted">exchange #${c.exchangeSeq}</span>`
        : '';
  const fixture = c.fixture ? ' <span class="muted">(fixture)</span>' : '';
  const expected =
    c.expected.length > 0
      ? c.expected.map((x) => `<div>${text(x)}</div>`).join('')
      : '<span class="muted">(not specified)</span>';
  const known = c.known
    ? `<tr class="known-note"><td></td><td colspan="4">Known deviation: ${text(c.known.reason)} <span class="muted">(${text(c.known.evidence)})</span></td></tr>`
    : '';
  return `<tr class="${cls}" data-requirement="${text(c.requirement)}"><td class="verdict">${CHECK_SYMBOL[cls]}</td><td><a href="${hrefTo('req', c.requirement)}">${text(c.requirement)}</a> <span class="muted">${text(c.level)}</span>${spec}</td><td>${text(c.description)}${fixture}${seq}</td><td>${expected}</td><td>${text(c.actual)}</td></tr>${known}`;
}

function checksTable(test: ReportTest, strict: boolean): string {
  if (test.checks.length === 0) return '<p class="muted">No checks recorded.</p>';
  return `<table class="checks"><thead><tr><th></th><th>Requirement</th><th>Check</th><th>Expected (any of)</th><th>Actual</th></tr></thead><tbody>${test.checks
    .map((c) => checkRow(test, c, strict))
    .join('')}</tbody></table>`;
}

function exchangeId(test: ReportTest, seq: number): string {
  return text(`exchange-${seq}-${test.slug}`);
}

function exchanges(test: ReportTest, mode: string): string {
  if (test.exchanges.length === 0) {
    const dropped =
      mode === 'failed' &&
      (test.requestCount ?? 0) > 0 &&
      ['passed', 'skipped'].includes(test.verdict)
        ? ` (${test.requestCount} requests sent; --exchanges failed keeps those of tests that did not pass)`
        : '';
    return `<p class="muted">No exchanges kept${dropped}.</p>`;
  }
  const items = test.exchanges.map((x) => {
    const status = x.response ? `→ ${x.response.status}` : x.error !== undefined ? '→ error' : '';
    return `<details class="exchange" id="${exchangeId(test, x.seq)}"><summary>#${x.seq} ${text(x.request.method)} ${text(x.request.url)} ${text(status)} <span class="muted">${Math.round(x.durationMs)} ms</span></summary><pre>${text(exchangeText(x).join('\n'))}</pre></details>`;
  });
  return `<h4>Exchanges (${test.exchanges.length}, redacted)</h4>${items.join('')}`;
}

export function testDetailsHtml(test: ReportTest, strict: boolean, mode: string): string {
  const verdict = effectiveVerdict(test, strict);
  const reason = verdict === 'passed' && !test.reason ? '' : reasonOf(test, verdict, strict);
  const open = verdict === 'failed' || verdict === 'error' ? ' open' : '';
  const cites = test.requirements
    .map((id) => `<a href="${hrefTo('req', id)}">${text(id)}</a>`)
    .join(', ');
  const stale = test.stale?.length
    ? `<p class="warning-box">Known-deviation entries that no longer deviate here (remove them from the list): ${text(test.stale.join(', '))}</p>`
    : '';
  const notes = test.notes.length
    ? `<h4>Notes</h4><ul>${test.notes.map((n) => `<li>${text(n)}</li>`).join('')}</ul>`
    : '';
  const curl = test.curl ? `<h4>Reproduce</h4><pre class="curl">${text(test.curl)}</pre>` : '';
  const profiles = test.profiles ? `; profiles: ${text(test.profiles.join(', '))}` : '';
  return `<details class="test" id="${anchor('test', test.slug)}" data-test-slug="${text(test.slug)}" data-verdict="${text(verdict)}" data-level="${text(test.level)}" data-suite="${text(test.suite)}"${open}>
<summary><span class="badge">${text(verdictLabel(verdict))}</span> <strong>${text(test.name)}</strong> <span class="muted">${text(test.level)}, ${Math.round(test.durationMs)} ms</span>${reason ? `<br><span class="reason">${text(reason)}</span>` : ''}</summary>
<p class="muted">Test <code>${text(test.slug)}</code>; cites ${cites}${profiles}; ${test.requestCount ?? test.exchanges.length} requests</p>
${stale}${checksTable(test, strict)}${notes}${curl}${exchanges(test, mode)}
</details>`;
}
