/**
 * report.html of real runs of the embedded reference server, written by the ordinary reporters:
 * a conformant default run stays under 1 MB, and for a run with seeded faults and the shipped
 * known-deviations list (failed, known, warning, info, skipped and passed tests) the three
 * reports agree on every test's verdict: JUnit's testcase elements, results.json's tests and
 * the page's data-test-slug / data-verdict, slug for slug.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../harness/reporters/write.ts';
import { runEmbedded } from '../self/run-embedded.ts';
import { EVERY_VERDICT_RUN } from './fixture.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ssoc-html-real-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A full run takes a few seconds of CPU; on a loaded machine, much longer. */
const RUN_TIMEOUT = 300_000;

/** The default run's page must stay under this (issue 13). */
const PAGE_LIMIT_BYTES = 1024 * 1024;

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** Each testcase's verdict as JUnit says it (junit.ts: failure, error, skipped, VERDICT: lines). */
function junitVerdicts(xml: string): [string, string][] {
  const cases = xml.matchAll(/<testcase name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g);
  return [...cases].map(([, name, , body = '']) => {
    const verdict = body.startsWith('\n      <failure')
      ? 'failed'
      : body.startsWith('\n      <error')
        ? 'error'
        : body.startsWith('\n      <skipped message="known deviation:')
          ? 'known'
          : body.startsWith('\n      <skipped')
            ? 'skipped'
            : body.includes('<system-out>VERDICT: WARNING')
              ? 'warning'
              : body.includes('<system-out>VERDICT: INFO')
                ? 'info'
                : 'passed';
    return [unescapeXml(name!), verdict];
  });
}

/** Each test element's slug and verdict, as the page carries them. */
function htmlVerdicts(html: string): [string, string][] {
  const tests = html.matchAll(
    /<details class="test" id="[^"]*" data-test-slug="([^"]*)" data-verdict="([^"]*)"/g,
  );
  return [...tests].map(([, slug, verdict]) => [unescapeHtml(slug!), verdict!]);
}

async function reports(name: string, flags: Parameters<typeof runEmbedded>[0]) {
  const run = await runEmbedded(flags);
  const files = await writeReports(run, path.join(dir, name));
  const [junit, results, html] = files.map((f) => readFileSync(f, 'utf8'));
  return {
    junit: junit!,
    results: JSON.parse(results!),
    html: html!,
    bytes: Buffer.byteLength(html!),
  };
}

describe('report.html of real runs', () => {
  it(
    'a conformant default run: under 1 MB, every test and requirement on the page',
    async () => {
      const { results, html, bytes } = await reports('conformant', {});
      expect(bytes).toBeLessThan(PAGE_LIMIT_BYTES);
      expect(htmlVerdicts(html)).toHaveLength(results.tests.length);
      expect(html.match(/<tr id="req-/g)).toHaveLength(Object.keys(results.requirements).length);
      expect(html).toContain('<p class="outcome" id="outcome" data-exit-code="0"');
    },
    RUN_TIMEOUT,
  );

  it(
    'seeded faults and known deviations: junit.xml, results.json and report.html agree on every verdict',
    async () => {
      const { junit, results, html } = await reports('faults-known', {
        ...EVERY_VERDICT_RUN,
        faults: [...EVERY_VERDICT_RUN.faults],
      });
      const fromResults = results.tests.map((t: any) => [t.slug, t.verdict]);
      const verdicts = new Set(fromResults.map(([, v]: string[]) => v));
      for (const v of ['failed', 'known', 'warning', 'info', 'skipped', 'passed'])
        expect(verdicts, v).toContain(v);
      expect(htmlVerdicts(html)).toEqual(fromResults);
      expect(junitVerdicts(junit)).toEqual(fromResults);
      // And on every requirement: the page's rows are results.json's index.
      const rows = [
        ...html.matchAll(/<tr id="req-[^"]*" data-requirement="([^"]*)" data-verdict="([^"]*)"/g),
      ];
      expect(Object.fromEntries(rows.map(([, id, v]) => [unescapeHtml(id!), v]))).toEqual(
        Object.fromEntries(
          Object.entries(results.requirements).map(([id, e]: any) => [id, e.verdict]),
        ),
      );
    },
    RUN_TIMEOUT,
  );
});
