/**
 * report.html from hand-made runs (test/reporters/fixture.ts: every verdict, hostile server text,
 * 5 KiB bodies): what the page holds, escaped; a known deviation and a requirement not judged
 * shown as such; and an old results.json (no slugs, no spec links) rendered all the same.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../harness/reporters/html/page.ts';
import { SCRIPT } from '../../harness/reporters/html/filters.ts';
import {
  buildResultsJson,
  type CheckJson,
  type ResultsJson,
} from '../../harness/reporters/results-json.ts';
import type { TestResult } from '../../harness/engine/results.ts';
import { summarize } from '../../harness/engine/results.ts';
import { fixtureRun, fixtureTests, SECRET, strictRun } from './fixture.ts';

/** The elements `<tag … attr="value" …>` of the page, as attribute maps. */
function elements(html: string, tag: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].map((m) =>
    Object.fromEntries(
      [...m[1]!.matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1], a[2] ?? '']),
    ),
  );
}

/** The HTML of the element `<tag id="id">`, nested elements of the same tag included. */
function element(html: string, tag: string, id: string): string {
  const open = html.lastIndexOf(`<${tag}`, html.indexOf(` id="${id}"`));
  expect(open, `${tag}#${id}`).toBeGreaterThanOrEqual(0);
  const tags = new RegExp(`<${tag}[\\s>]|</${tag}>`, 'g');
  tags.lastIndex = open;
  let depth = 0;
  for (let m = tags.exec(html); m; m = tags.exec(html)) {
    depth += m[0].startsWith('</') ? -1 : 1;
    if (depth === 0) return html.slice(open, m.index + m[0].length);
  }
  throw new Error(`${tag}#${id} is not closed`);
}

const page = renderHtmlReport(buildResultsJson(fixtureRun()));

describe('report.html from a hand-made run', () => {
  it('is one page with nothing to load: inline style, one inline script allowed by its hash', () => {
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    const hash = createHash('sha256').update(SCRIPT).digest('base64');
    expect(page).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'"`,
    );
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain(`<script>${SCRIPT}</script>`);
    // No URL the browser would fetch: no src, no stylesheet link, no url(...) in the style.
    expect(page).not.toMatch(/\ssrc=|<link\b|url\(|@import/);
  });

  it('shows the target, profile, settings, time and totals', () => {
    const settings = element(page, 'table', 'settings');
    for (const text of [
      'https://oidc.example.test/',
      'aws',
      'real',
      'none',
      '2026-11-29T10:00:00.000Z',
      '7.7 s',
    ])
      expect(settings).toContain(text);
    const s = fixtureRun().summary;
    const totals = element(page, 'table', 'totals');
    expect(totals).toContain(`<td data-total="tests">${s.total}</td>`);
    expect(totals).toMatch(
      new RegExp(`data-total="failed"[^>]*><th[^>]*>✘ failed</th><td>${s.failed}</td>`),
    );
    expect(page).toContain('could not run to the end');
    expect(element(page, 'div', 'problems')).toContain('could not reach the target');
  });

  it('every test is a <details> with its slug, verdict, level and suite; failed ones open', () => {
    const tests = elements(page, 'details').filter((d) => d.class === 'test');
    expect(tests.map((t) => [t['data-test-slug'], t['data-verdict']])).toEqual(
      fixtureTests().map((t) => [t.slug, t.verdict]),
    );
    for (const t of tests) {
      expect(t.id).toBe(`test-${t['data-test-slug']}`);
      expect(t['data-level']).toMatch(/^(MUST|SHOULD|INFO)$/);
      expect('open' in t).toBe(t['data-verdict'] === 'failed' || t['data-verdict'] === 'error');
    }
    expect(new Set(tests.map((t) => t['data-suite']))).toEqual(
      new Set(['start-device-authorization', 'create-token-device']),
    );
  });

  it('a failed test shows Requirement / Check / Expected (any of) / Actual, its notes, curl and exchanges', () => {
    const t = element(page, 'details', 'test-DA-3.5-PENDING');
    expect(t).toContain(
      '<th>Requirement</th><th>Check</th><th>Expected (any of)</th><th>Actual</th>',
    );
    expect(t).toContain('<div>400 authorization_pending</div><div>400 slow_down</div>');
    expect(t).toMatch(/<tr class="failed" data-requirement="DA-3.5-PENDING">/);
    // The failed check's spec link (results.json's) and the exchange it looked at.
    expect(t).toContain(
      '<a href="https://www.rfc-editor.org/rfc/rfc8628#section-3.5" class="spec">spec</a>',
    );
    expect(t).toContain('<a href="#exchange-1-DA-3.5-PENDING" class="muted">exchange #1</a>');
    expect(t).toContain('id="exchange-2-DA-3.5-PENDING"');
    expect(t).toContain('<h4>Reproduce</h4><pre class="curl">curl -sS -X POST');
    // Bodies cut to 4 KiB as in JUnit.
    expect(t).toMatch(/… \(\d+ bytes more\)/);
    expect(t).toContain('(the harness cut this body at its size limit)');
  });

  it('hostile server text is escaped everywhere: no tag, no attribute, control characters visible', () => {
    expect(page).not.toContain('<tag');
    expect(page).toContain('&lt;tag a=&quot;b&quot;&gt; &amp; &#39;q&#39;');
    expect(page).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/);
    expect(page).toContain('\\x1b[31mred\\x1b[0m NUL:\\x00');
    expect(page).not.toContain(SECRET);
    // Names, slugs and suites from a newer or hostile file stay inside their attributes.
    const evil = '"><script>alert(1)</script>';
    const tests: TestResult[] = fixtureTests().map((t, i) =>
      i === 0
        ? { ...t, slug: evil, suite: evil, suiteTitle: evil, name: evil, level: evil as never }
        : t,
    );
    const run = buildResultsJson(fixtureRun({ tests, summary: summarize(tests) }));
    run.requirements[evil] = {
      tests: [evil],
      verdict: 'failed',
      checks: { passed: 0, notPassed: 1 },
    };
    const html = renderHtmlReport(run);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('data-test-slug="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('requirements: verdict from their checks, "not judged" and "known deviation" as such, linked to the spec', () => {
    const rows = elements(page, 'tr').filter((r) => r['data-requirement'] && r.id);
    const results = buildResultsJson(fixtureRun());
    expect(rows.map((r) => [r['data-requirement'], r['data-verdict']])).toEqual(
      expect.arrayContaining(
        Object.entries(results.requirements).map(([id, e]) => [id, e.verdict]),
      ),
    );
    expect(rows).toHaveLength(Object.keys(results.requirements).length);
    const notJudged = element(page, 'tr', 'req-DA-3.10-NO-REUSE');
    expect(notJudged).toContain('· not judged');
    // A failed requirement shows its failed check, Expected against Actual, and where it is written.
    const failed = element(page, 'tr', 'req-DA-3.5-PENDING');
    expect(failed).toContain('<a href="https://www.rfc-editor.org/rfc/rfc8628#section-3.5"');
    expect(failed).toContain(
      'Expected (any of): <code>400 authorization_pending | 400 slow_down</code>',
    );
    expect(failed).toContain('<a href="#test-DA-3.5-PENDING">DA-3.5-PENDING</a>');
    expect(element(page, 'p', 'attention')).toContain('href="#req-DA-3.5-PENDING"');
    // What it asks, in the catalogue's words: its `code` spans shown as code.
    expect(failed).toContain('<code>authorization_pending</code>');
    expect(failed).not.toMatch(/`/);
    // A known deviation.
    const tests = fixtureTests().map((t) =>
      t.id === 'DA-3.5-SLOW-DOWN'
        ? {
            ...t,
            verdict: 'known' as const,
            checks: t.checks.map((c) => ({
              ...c,
              known: { reason: 'the gateway', evidence: 'OPS-1' },
            })),
          }
        : t,
    );
    const known = renderHtmlReport(
      buildResultsJson(fixtureRun({ tests, summary: summarize(tests) })),
    );
    expect(element(known, 'tr', 'req-DA-3.5-SLOW-DOWN')).toContain('≈ known deviation');
    expect(element(known, 'details', 'test-DA-3.5-SLOW-DOWN')).toContain(
      'Known deviation: the gateway <span class="muted">(OPS-1)</span>',
    );
  });

  it('filters: one box per verdict present, each level, each suite; the form shows only with the script', () => {
    const form = element(page, 'form', 'filters');
    expect(form.startsWith('<form id="filters" hidden>')).toBe(true);
    const boxes = elements(form, 'input').map((i) => `${i.name}=${i.value}`);
    expect(boxes).toEqual([
      'verdict=failed',
      'verdict=error',
      'verdict=warning',
      'verdict=info',
      'verdict=passed',
      'verdict=skipped',
      'verdict=not-judged',
      'level=MUST',
      'level=SHOULD',
      'level=INFO',
    ]);
    expect(elements(form, 'option').map((o) => o.value)).toEqual([
      '',
      'start-device-authorization',
      'create-token-device',
    ]);
  });

  it('under --strict a warning the harness left is shown failed, as JUnit shows it', () => {
    const strict = renderHtmlReport(buildResultsJson(strictRun()));
    const t = elements(strict, 'details').find(
      (d) => d['data-test-slug'] === 'DA-3.5-SLOW-DOWN-INTERVAL',
    )!;
    expect(t['data-verdict']).toBe('failed');
  });

  it('an old results.json (v3: no slugs, no spec links, no exchanges mode) renders all the same', () => {
    const current = JSON.parse(JSON.stringify(buildResultsJson(fixtureRun()))) as ResultsJson;
    const old = { ...current, schemaVersion: 3 } as Record<string, unknown>;
    delete old.exchanges;
    old.tests = current.tests.map(({ slug: _slug, ...t }) => ({
      ...t,
      checks: (t.checks as CheckJson[]).map(({ spec: _spec, ...c }) => c),
    }));
    old.requirements = Object.fromEntries(
      Object.entries(current.requirements).map(([id, { spec: _spec, ...e }]) => [id, e]),
    );
    const html = renderHtmlReport(old as unknown as ResultsJson);
    const slugs = elements(html, 'details')
      .filter((d) => d.class === 'test')
      .map((d) => d['data-test-slug']);
    expect(slugs).toEqual(fixtureTests().map((t) => t.id));
    // The requirement's link comes from this version's catalogue when the file had none.
    expect(element(html, 'tr', 'req-DA-3.5-PENDING')).toContain('rfc8628#section-3.5');
    expect(html).toContain('results.json v3');
  });
});
