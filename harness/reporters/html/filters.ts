/**
 * The filters (verdict, level, suite) and the page's one inline script. Without the script the
 * page is whole: every test and requirement shows and the form stays hidden; the script shows
 * the form, hides what the filters leave out, counts what is shown, and opens a test reached by
 * its link (`#test-<slug>`).
 */
import { text } from './escape.ts';
import { VERDICT_ORDER, verdictLabel } from './verdicts.ts';

export interface FilterCounts {
  /** Tests by verdict. */
  verdicts: Map<string, number>;
  /** Requirements by verdict (`not-judged` is a requirement's only). */
  requirementVerdicts: Map<string, number>;
  levels: Map<string, number>;
  /** Suite key → its title and test count, in run order. */
  suites: Map<string, { title: string; count: number }>;
}

function checkbox(name: string, value: string, label: string, count: string): string {
  return `<label><input type="checkbox" name="${name}" value="${text(value)}" id="filter-${name}-${text(value)}" checked> ${text(label)} (${count})</label>`;
}

/** `3 tests, 2 requirements`: what a verdict's box shows and hides. */
function verdictCount(counts: FilterCounts, verdict: string): string {
  const tests = counts.verdicts.get(verdict);
  const reqs = counts.requirementVerdicts.get(verdict);
  return [
    tests === undefined ? '' : `${tests} test${tests === 1 ? '' : 's'}`,
    reqs === undefined ? '' : `${reqs} req.`,
  ]
    .filter(Boolean)
    .join(', ');
}

export function filtersForm(counts: FilterCounts): string {
  const verdicts = VERDICT_ORDER.filter(
    (v) => counts.verdicts.has(v) || counts.requirementVerdicts.has(v),
  ).map((v) => checkbox('verdict', v, verdictLabel(v), verdictCount(counts, v)));
  const levels = ['MUST', 'SHOULD', 'INFO', ...[...counts.levels.keys()].sort()]
    .filter((l, i, all) => counts.levels.has(l) && all.indexOf(l) === i)
    .map((l) => checkbox('level', l, l, String(counts.levels.get(l)!)));
  const suites = [...counts.suites].map(
    ([key, s]) => `<option value="${text(key)}">${text(s.title)} (${s.count})</option>`,
  );
  return `<form id="filters" hidden>
<fieldset><legend>Verdict (tests and requirements)</legend>${verdicts.join('\n')}</fieldset>
<fieldset><legend>Level (tests)</legend>${levels.join('\n')}</fieldset>
<fieldset><legend>Suite (tests)</legend><select name="suite" id="filter-suite"><option value="">every suite</option>${suites.join('')}</select></fieldset>
<output id="shown" aria-live="polite"></output>
</form>`;
}

/** The inline script (its hash is in the page's Content-Security-Policy). */
export const SCRIPT = `(() => {
  const form = document.getElementById('filters');
  const checked = (name) => new Set(Array.from(form.querySelectorAll('input[name="' + name + '"]:checked'), (i) => i.value));
  function apply() {
    const verdicts = checked('verdict');
    const levels = checked('level');
    const suite = form.elements.suite.value;
    const tests = document.querySelectorAll('details.test');
    let shown = 0;
    for (const t of tests) {
      const show = verdicts.has(t.dataset.verdict) && levels.has(t.dataset.level) && (!suite || t.dataset.suite === suite);
      t.hidden = !show;
      if (show) shown++;
    }
    for (const s of document.querySelectorAll('section.suite')) s.hidden = !s.querySelector('details.test:not([hidden])');
    let rows = 0;
    const all = document.querySelectorAll('#requirements tr[data-requirement]');
    for (const r of all) {
      r.hidden = !verdicts.has(r.dataset.verdict);
      if (!r.hidden) rows++;
    }
    for (const g of document.querySelectorAll('#requirements tbody')) g.hidden = !g.querySelector('tr[data-requirement]:not([hidden])');
    document.getElementById('shown').value = 'showing ' + shown + ' of ' + tests.length + ' tests, ' + rows + ' of ' + all.length + ' requirements';
  }
  function reveal() {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (!target) return;
    if (target.hidden || (target.closest('[hidden]'))) {
      for (const i of form.querySelectorAll('input')) i.checked = true;
      form.elements.suite.value = '';
      apply();
    }
    if (target.tagName === 'DETAILS') target.open = true;
    target.scrollIntoView();
  }
  form.hidden = false;
  form.addEventListener('change', apply);
  window.addEventListener('hashchange', reveal);
  apply();
  reveal();
})();
`;
