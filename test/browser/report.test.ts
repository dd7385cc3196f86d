/**
 * The reports read in a real browser (issue 13, part 2): chromium opens report.html of a
 * conformant run and of a run with a seeded fault, and compare.html of the conformant, faulty
 * and rfc8628 runs, from disk (file://), and checks what a reader sees: the totals, a failed
 * requirement with its Expected and Actual, a filter that hides the passed tests, the matrix
 * with its links; no console error, no request but the file itself. Screenshots go to
 * reports/screenshots/ (an artifact of CI).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunResult } from '../../harness/engine/results.ts';
import { compareRuns } from '../../harness/reporters/compare/compare.ts';
import { writeReports } from '../../harness/reporters/write.ts';
import { runEmbedded } from '../self/run-embedded.ts';
import { CHROMIUM, SKIP_REASON, withPage, type PageLog } from './chromium.ts';

/** A fault whose breaks are all MUSTs: the default run fails exactly them. */
const FAULT = 'no-error-type-header';
const SCREENSHOTS = fileURLToPath(new URL('../../reports/screenshots/', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'ssoc-browser-'));
const runDirs = {
  conformant: path.join(dir, 'runs', 'conformant'),
  faulty: path.join(dir, 'runs', 'faulty'),
  oauth: path.join(dir, 'runs', 'oauth'),
};
const comparison = path.join(dir, 'comparison');
const runs: Partial<Record<keyof typeof runDirs, RunResult>> = {};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileUrl = (file: string) => pathToFileURL(file).href;

/** Only the page itself was loaded, and nothing complained. */
function expectQuiet(log: PageLog, file: string): void {
  expect(log.errors).toEqual([]);
  expect(log.requests.every((u) => u.startsWith('file://'))).toBe(true);
  expect(log.requests.map((u) => u.split('#')[0])).toEqual([fileUrl(file)]);
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, name) });
}

if (!CHROMIUM) console.warn(SKIP_REASON);
const title = CHROMIUM
  ? 'report.html and compare.html in chromium'
  : `report.html and compare.html in chromium: skipped, ${SKIP_REASON}`;

describe.skipIf(!CHROMIUM)(title, () => {
  beforeAll(async () => {
    runs.conformant = await runEmbedded();
    runs.faulty = await runEmbedded({ faults: [FAULT] });
    runs.oauth = await runEmbedded({ profile: 'rfc8628' });
    for (const [key, d] of Object.entries(runDirs))
      await writeReports(runs[key as keyof typeof runDirs]!, d);
    mkdirSync(comparison);
    await compareRuns(
      Object.values(runDirs).map((d) => path.join(d, 'results.json')),
      comparison,
    );
  }, 300_000);

  it('a conformant run: the outcome and the totals a reader sees', async () => {
    const file = path.join(runDirs.conformant, 'report.html');
    await withPage(async (page, log) => {
      await page.goto(fileUrl(file));
      const s = runs.conformant!.summary;
      await expect(page.locator('#outcome').innerText()).resolves.toMatch(/^Exit 0\s+conformant/);
      expect(await page.locator('#totals [data-total="tests"]').innerText()).toBe(String(s.total));
      expect(await page.locator('#totals tr[data-total="passed"]').innerText()).toMatch(
        new RegExp(`passed\\s+${s.passed}$`),
      );
      expect(await page.locator('#totals tr[data-total="failed"]').innerText()).toMatch(/\s0$/);
      // The filters work with the script: the form shows and counts every test.
      const requirements = await page.locator('#requirements tr[data-requirement]').count();
      expect(requirements).toBeGreaterThan(100);
      await expect(page.locator('#shown').innerText()).resolves.toBe(
        `showing ${s.total} of ${s.total} tests, ${requirements} of ${requirements} requirements`,
      );
      await screenshot(page, 'report-conformant.png');
      expectQuiet(log, file);
    });
  });

  it('a faulty run: the failed requirement with Expected and Actual; the filter hides passed tests', async () => {
    const file = path.join(runDirs.faulty, 'report.html');
    const failedTest = runs.faulty!.tests.find((t) => t.verdict === 'failed')!;
    const failedCheck = failedTest.checks.find((c) => !c.ok && c.level === 'MUST')!;
    const passedTest = runs.faulty!.tests.find((t) => t.verdict === 'passed')!;
    await withPage(async (page, log) => {
      await page.goto(fileUrl(file));
      await expect(page.locator('#outcome').innerText()).resolves.toMatch(/not conformant/);
      expect(await page.locator('#totals tr[data-total="failed"]').innerText()).toMatch(
        new RegExp(`failed\\s+${runs.faulty!.summary.failed}$`),
      );
      // The requirement's row, reached from the list at the top.
      const id = failedCheck.requirement;
      await page.locator(`#attention a[href="#req-${id}"]`).click();
      const row = page.locator(`[id="req-${id}"]`);
      await expect(row.isVisible()).resolves.toBe(true);
      const rowText = await row.innerText();
      expect(rowText).toContain('✘ failed');
      expect(rowText).toContain(`Expected (any of): ${failedCheck.expected.join(' | ')}`);
      expect(rowText).toContain(`Actual: ${failedCheck.actual}`);
      // Its row links to the tests citing it (a slug may hold a slash, escaped in the link).
      const citing = runs.faulty!.tests.find((t) =>
        t.checks.some((c) => !c.ok && c.requirement === id),
      )!;
      await row
        .locator(`a[href="#test-${encodeURIComponent(citing.slug)}"]`)
        .first()
        .click();
      await expect(page.locator(':target').getAttribute('id')).resolves.toBe(`test-${citing.slug}`);
      // The failed test is open: its checks table reads Requirement / Check / Expected / Actual.
      const test = page.locator(`[id="test-${failedTest.slug}"]`);
      await expect(test.getAttribute('open')).resolves.toBe('');
      const checks = test.locator('table.checks');
      await expect(checks.locator('thead').innerText()).resolves.toMatch(
        /Requirement\s+Check\s+Expected \(any of\)\s+Actual/,
      );
      await expect(checks.locator('tr.failed').first().isVisible()).resolves.toBe(true);
      await screenshot(page, 'report-faulty.png');
      // Unticking "passed" hides every passed test and keeps the failed ones.
      const passed = page.locator(`[id="test-${passedTest.slug}"]`);
      await expect(passed.isVisible()).resolves.toBe(true);
      await page.locator('#filter-verdict-passed').click();
      await expect(passed.isVisible()).resolves.toBe(false);
      const visible = await page
        .locator('details.test:visible')
        .evaluateAll((ds) => ds.map((d) => d.getAttribute('data-verdict')));
      expect(visible.length).toBe(runs.faulty!.tests.length - runs.faulty!.summary.passed);
      expect(visible).not.toContain('passed');
      expect(visible).toContain('failed');
      await expect(test.isVisible()).resolves.toBe(true);
      await page.locator('#filters').scrollIntoViewIfNeeded();
      await screenshot(page, 'report-faulty-passed-hidden.png');
      // A link to a hidden test shows it again, open.
      await page.goto(`${fileUrl(file)}#test-${encodeURIComponent(passedTest.slug)}`);
      await expect(passed.isVisible()).resolves.toBe(true);
      await expect(passed.getAttribute('open')).resolves.toBe('');
      expectQuiet(log, file);
    });
  });

  it('compare.html of the three runs: the differences and the matrix, each cell a link to its run', async () => {
    const file = path.join(comparison, 'compare.html');
    await withPage(async (page, log) => {
      await page.goto(fileUrl(file));
      const differences = page.locator('#differences');
      await expect(differences.isVisible()).resolves.toBe(true);
      const differing = differences.locator('tbody tr[data-requirement]');
      expect(await differing.count()).toBeGreaterThan(0);
      const failedCell = differences.locator('td[data-verdict="failed"] a').first();
      await expect(failedCell.isVisible()).resolves.toBe(true);
      const matrixCells = page.locator('#matrix td[data-verdict] a');
      expect(await matrixCells.count()).toBeGreaterThan(100);
      await expect(matrixCells.first().isVisible()).resolves.toBe(true);
      await screenshot(page, 'compare.png');
      expectQuiet(log, file);
      // A cell's link opens the faulty run's report at the requirement.
      const href = (await failedCell.getAttribute('href'))!;
      expect(href).toMatch(/^\.\.\/runs\/faulty\/report\.html#req-/);
      await failedCell.click();
      await page.waitForURL(/report\.html#req-/);
      const id = decodeURIComponent(href.split('#req-')[1]!);
      const row = page.locator(`[id="req-${id}"]`);
      await expect(row.isVisible()).resolves.toBe(true);
      await expect(row.getAttribute('data-verdict')).resolves.toBe('failed');
      expect(log.errors).toEqual([]);
    });
  });
});
