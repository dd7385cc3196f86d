/**
 * The vendor comparison on hand-made results.json: cells (n/a, not judged, not cited), what
 * counts as a difference, column names, warnings, escaping of hostile target text, the links,
 * and compare.md under GitHub's comment limit.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../../harness/reporters/compare/compare.ts';
import type { ComparedRun } from '../../harness/reporters/compare/load.ts';
import { COMMENT_LIMIT, renderCompareMarkdown } from '../../harness/reporters/compare/markdown.ts';
import { buildComparison, type Comparison } from '../../harness/reporters/compare/matrix.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ssoc-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Verdicts = Record<string, string>;

/**
 * A results.json with one test per requirement: `verdicts` gives each requirement's verdict,
 * `awsOnly` the IDs whose test is tagged `profiles: ['aws']`.
 */
function run(
  verdicts: Verdicts,
  over: Partial<ComparedRun> & { awsOnly?: string[] } = {},
): ComparedRun {
  const { awsOnly = [], ...rest } = over;
  return {
    schemaVersion: 5,
    tool: { name: 'sso-oidc-conformance', version: '0.1.0' },
    startedAt: '2026-11-29T10:00:00.000Z',
    target: { kind: 'remote', url: 'https://oidc.example.test', profile: 'aws', faults: [] },
    strict: false,
    summary: { requirements: { judged: 1, failed: 0, known: 0, notJudged: 0 } },
    tests: Object.keys(verdicts).map((id) => ({
      name: `${id} title`,
      slug: id,
      ...(awsOnly.includes(id) ? { profiles: ['aws'] } : {}),
    })),
    requirements: Object.fromEntries(
      Object.entries(verdicts).map(([id, verdict]) => [id, { tests: [id], verdict }]),
    ),
    ...rest,
  };
}

let n = 0;
/** Writes each run as `<dir>/<k>/results.json`; returns the files. */
function files(...runs: unknown[]): string[] {
  const base = path.join(dir, `case-${++n}`);
  return runs.map((r, i) => {
    mkdirSync(path.join(base, `run-${i}`), { recursive: true });
    const file = path.join(base, `run-${i}`, 'results.json');
    writeFileSync(file, JSON.stringify(r));
    return file;
  });
}

function compared(runs: ComparedRun[], names?: string[]): Comparison {
  return buildComparison(
    runs.map((r, i) => ({ file: path.join(dir, `r${i}`, 'results.json'), run: r })),
    path.join(dir, 'out'),
    names,
  );
}

function cellsOf(c: Comparison, id: string): string[] {
  const row = c.groups.flatMap((g) => g.rows).find((r) => r.id === id);
  return row!.cells.map((x) => x.verdict);
}

describe('cells', () => {
  const aws = run(
    { 'DA-3.2-UNIQUE': 'passed', 'AWS-ERR-TYPE': 'passed', 'DA-3.5-SUCCESS': 'failed' },
    { awsOnly: ['AWS-ERR-TYPE'] },
  );
  const oauth = run(
    { 'DA-3.2-UNIQUE': 'not-judged', 'AWS-ERR-TYPE': 'not-judged' },
    { awsOnly: ['AWS-ERR-TYPE'], target: { profile: 'rfc8628', url: 'https://as.example.test' } },
  );
  const c = compared([aws, oauth]);

  it('n/a where every test citing it is for another profile; not judged where one applies', () => {
    expect(cellsOf(c, 'AWS-ERR-TYPE')).toEqual(['passed', 'n/a']);
    expect(cellsOf(c, 'DA-3.2-UNIQUE')).toEqual(['passed', 'not-judged']);
  });

  it('not cited (no test of the run cites it) is neither n/a nor not judged', () => {
    expect(cellsOf(c, 'DA-3.5-SUCCESS')).toEqual(['failed', 'not-cited']);
  });

  it('n/a never hides a verdict a check reached', () => {
    const odd = run({ 'AWS-ERR-TYPE': 'failed' }, { awsOnly: ['AWS-ERR-TYPE'] });
    odd.target.profile = 'rfc8628';
    expect(cellsOf(compared([aws, odd]), 'AWS-ERR-TYPE')).toEqual(['passed', 'failed']);
  });

  it('differences: verdicts of the targets it applies to; n/a and not cited are none', () => {
    expect(c.differences).toEqual(['DA-3.2-UNIQUE']);
    const same = compared([aws, run({ ...{ 'DA-3.2-UNIQUE': 'passed' } })]);
    expect(same.differences).toEqual([]);
  });

  it('rows grouped and ordered as in the catalogue, unknown IDs last', () => {
    const c2 = compared([
      run({ 'ZZ-NEW-1': 'passed', 'MD-8414-2-HTTPS': 'passed', 'AWS-ERR-TYPE': 'passed' }),
      run({ 'AWS-REG-200': 'passed', 'DA-3.2-UNIQUE': 'passed', 'OA-5.2-FORMAT': 'passed' }),
      run({ 'DA-3.1-CLIENTID': 'passed', 'AA-NEW-0': 'passed' }),
    ]);
    expect(c2.groups.map((g) => [g.title.slice(0, 6), g.rows.map((r) => r.id)])).toEqual([
      ['1. RFC', ['DA-3.1-CLIENTID', 'DA-3.2-UNIQUE']],
      ['2. RFC', ['OA-5.2-FORMAT']],
      ['6.3 AW', ['AWS-REG-200']],
      ['6.4 AW', ['AWS-ERR-TYPE']],
      ['6.9 OA', ['MD-8414-2-HTTPS']],
      ['Not in', ['AA-NEW-0', 'ZZ-NEW-1']],
    ]);
  });
});

describe('column names', () => {
  const embedded = (faults: string[], profile = 'aws') =>
    run(
      { 'DA-3.2-UNIQUE': 'passed' },
      { target: { kind: 'embedded', url: 'embedded reference server', profile, faults } },
    );

  it('--names as given', () => {
    const c = compared([embedded([]), embedded([])], ['vendor a', 'vendor b']);
    expect(c.targets.map((t) => t.name)).toEqual(['vendor a', 'vendor b']);
  });

  it('derived from the target (host or embedded, profile, faults), made unique', () => {
    const c = compared([
      embedded([]),
      embedded(['no-error-type-header']),
      embedded([], 'rfc8628'),
      embedded([]),
      run(
        {},
        {
          target: { kind: 'remote', url: 'https://oidc.eu-west-1.amazonaws.com/x', profile: 'aws' },
        },
      ),
    ]);
    expect(c.targets.map((t) => t.name)).toEqual([
      'embedded aws',
      'embedded aws+no-error-type-header',
      'embedded rfc8628',
      'embedded aws (2)',
      'oidc.eu-west-1.amazonaws.com aws',
    ]);
  });
});

describe('links', () => {
  it('each cell links to its run’s report.html at the requirement, relative to --out', () => {
    const c = buildComparison(
      [
        { file: path.join(dir, 'a b', 'results.json'), run: run({ 'DA-3.2-UNIQUE': 'passed' }) },
        { file: path.join(dir, 'x', 'y', 'results.json'), run: run({ 'DA-3.2-UNIQUE': 'passed' }) },
      ],
      path.join(dir, 'out', 'cmp'),
    );
    expect(c.groups[0]!.rows[0]!.cells.map((x) => x.href)).toEqual([
      '../../a%20b/report.html#req-DA-3.2-UNIQUE',
      '../../x/y/report.html#req-DA-3.2-UNIQUE',
    ]);
    expect(c.targets.map((t) => t.results)).toEqual([
      '../../a b/results.json',
      '../../x/y/results.json',
    ]);
  });
});

describe('runs that differ other than by target: compared, with a warning in all three outputs', () => {
  it('tool versions, schema versions, strict settings, seeds', async () => {
    const a = run({ 'DA-3.2-UNIQUE': 'passed' }, { seed: 8628 });
    const b = run(
      { 'DA-3.2-UNIQUE': 'warning' },
      {
        tool: { name: 'sso-oidc-conformance', version: '0.2.0' },
        strict: true,
        seed: 1,
        schemaVersion: 4,
      },
    );
    const out = path.join(dir, 'warn-out');
    mkdirSync(out);
    const { comparison, paths } = await compareRuns(files(a, b), out);
    const topics = [
      'tool versions',
      'schema versions',
      'strict settings',
      'seeds',
      'before schema version 5',
    ];
    expect(comparison.warnings).toHaveLength(topics.length);
    topics.forEach((topic, i) => expect(comparison.warnings[i]).toContain(topic));
    expect(comparison.warnings[0]).toContain('0.1.0');
    expect(comparison.warnings[0]).toContain('0.2.0');
    const [json, md, html] = paths.map((p) => readFileSync(p, 'utf8'));
    expect(JSON.parse(json!).warnings).toEqual(comparison.warnings);
    expect(md).toContain('**Warning:** tool versions differ');
    expect(html).toContain('<p class="warning" role="alert">⚠ tool versions differ');
    // Still compared: the matrix is there.
    expect(comparison.differences).toEqual(['DA-3.2-UNIQUE']);
  });
});

describe('hostile target text', () => {
  const url =
    'https://x.test/"><script>alert(1)</script><img src=x onerror=alert(2)>|*_[a](b)&amp;\n# h';
  const hostile = run(
    { 'DA-3.2-UNIQUE': 'passed', '<b>ID|x': 'passed' },
    { target: { kind: 'remote', url, profile: 'aws', faults: ['<i>f</i>'] } },
  );
  const c = compared([hostile, run({ 'DA-3.2-UNIQUE': 'failed' })], ['<script>n</script>|a', 'b']);

  it('compare.html escapes every value (escape-html): no markup of the target reaches the page', async () => {
    const out = path.join(dir, 'hostile-out');
    mkdirSync(out);
    const { paths } = await compareRuns(files(hostile, run({})), out, ['<script>n</script>', 'b']);
    const html = readFileSync(paths[2]!, 'utf8');
    expect(html).not.toMatch(/<script|<img|<b>|<i>|onerror=alert\(2\)>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('data-requirement="&lt;b&gt;ID|x"');
    expect(html).toContain('&quot;&gt;');
    // Self-contained: the CSP allows inline style only, and nothing is loaded.
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).not.toMatch(/<[^>]*\ssrc=|<link|<script|@import|url\(/i);
  });

  it('compare.md shows the text as text: no HTML, no table cell broken by |', () => {
    const md = renderCompareMarkdown(c);
    // Every < of the runs' text is backslash-escaped (a literal <, never a tag, in CommonMark).
    expect(md).not.toMatch(/(?<!\\)<\/?(script|img|b>|i>)/);
    expect(md).toContain('\\<script\\>');
    // Every table row keeps its column count: an unescaped | would add one.
    for (const line of md.split('\n').filter((l) => l.startsWith('| '))) {
      const columns = line.replace(/\\\|/g, '').split('|').length - 2;
      expect([3, 7], line).toContain(columns);
    }
    // The newline in the URL does not start a heading.
    expect(md).not.toMatch(/^# h/m);
    // A URL of 100 KB is cut in the table of targets: the comment stays a comment.
    const long = run(
      {},
      { target: { kind: 'remote', url: `https://x.test/${'a'.repeat(100_000)}`, profile: 'aws' } },
    );
    const md2 = renderCompareMarkdown(compared([long, long]));
    expect(md2.length).toBeLessThan(5_000);
  });
});

describe('compare.md fits a pull-request comment', () => {
  it('4 targets of a full run fit whole; the differences come first, the matrix in <details>', () => {
    const ids = Array.from({ length: 130 }, (_, i) => `ZZ-REQUIREMENT-${i}`);
    const verdicts = (v: string) => Object.fromEntries(ids.map((id) => [id, v]));
    const c = compared([
      run(verdicts('passed')),
      run({ ...verdicts('passed'), 'ZZ-REQUIREMENT-7': 'failed' }),
      run(verdicts('passed')),
      run(verdicts('passed')),
    ]);
    const md = renderCompareMarkdown(c);
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md).not.toContain('cut');
    const differ = md.indexOf('### Where the targets differ (1 of 130 requirements)');
    const details = md.indexOf('<details>');
    expect(differ).toBeGreaterThan(0);
    expect(details).toBeGreaterThan(differ);
    expect(md).toContain('</details>');
    expect(md.match(/^\| \[?ZZ-REQUIREMENT-7\b/gm)).toHaveLength(2);
  });

  it('too many rows: the full matrix is cut with a note, the whole under the limit', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `ZZ-LONG-REQUIREMENT-ID-${i}`);
    const verdicts = (v: string) => Object.fromEntries(ids.map((id) => [id, v]));
    const c = compared([
      run(verdicts('passed')),
      run({ ...verdicts('passed'), 'ZZ-LONG-REQUIREMENT-ID-2999': 'failed' }),
      run(verdicts('passed')),
      run(verdicts('passed')),
    ]);
    const md = renderCompareMarkdown(c);
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md).toMatch(/The full matrix was cut after \d+ of 3001 lines to fit a comment/);
    // The difference is kept even though its row is the last of the matrix.
    expect(md).toContain('#req-ZZ-LONG-REQUIREMENT-ID-2999');
    expect(md).toContain('</details>');
  });

  it('too many differences: they are cut too, with a note', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `ZZ-LONG-REQUIREMENT-ID-${i}`);
    const c = compared([
      run(Object.fromEntries(ids.map((id) => [id, 'passed']))),
      run(Object.fromEntries(ids.map((id) => [id, 'failed']))),
    ]);
    const md = renderCompareMarkdown(c);
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md).toMatch(/_\d+ more differences cut to fit a comment: see compare\.html\._/);
  });
});
