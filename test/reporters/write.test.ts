import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../harness/reporters/html/page.ts';
import { renderJunit } from '../../harness/reporters/junit.ts';
import { renderResultsJson } from '../../harness/reporters/results-json.ts';
import { writeFileAtomic, writeReports } from '../../harness/reporters/write.ts';
import { fixtureRun } from './fixture.ts';

let base: string | undefined;
afterEach(async () => {
  if (base) await rm(base, { recursive: true, force: true });
  base = undefined;
});

describe('writeReports', () => {
  it('creates the directory, writes junit.xml, results.json and report.html, returns their paths', async () => {
    base = await mkdtemp(path.join(tmpdir(), 'sso-oidc-write-'));
    const dir = path.join(base, 'a', 'b');
    const run = fixtureRun();
    const paths = await writeReports(run, dir);
    expect(paths).toEqual(
      ['junit.xml', 'results.json', 'report.html'].map((f) => path.join(dir, f)),
    );
    expect(await readFile(paths[0]!, 'utf8')).toBe(renderJunit(run));
    const results = await readFile(paths[1]!, 'utf8');
    expect(results).toBe(renderResultsJson(run));
    // The page is a function of results.json: rendered from the file, it is the same page.
    expect(await readFile(paths[2]!, 'utf8')).toBe(renderHtmlReport(JSON.parse(results)));
    // No temporary files left behind.
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.html', 'results.json']);
  });

  it('replaces previous reports', async () => {
    base = await mkdtemp(path.join(tmpdir(), 'sso-oidc-write-'));
    await writeReports(fixtureRun(), base);
    const second = fixtureRun({ tests: [] });
    await writeReports(second, base);
    expect(await readFile(path.join(base, 'junit.xml'), 'utf8')).toBe(renderJunit(second));
    expect(await readFile(path.join(base, 'report.html'), 'utf8')).toContain('<h2>Tests (0)</h2>');
    expect((await readdir(base)).sort()).toEqual(['junit.xml', 'report.html', 'results.json']);
  });

  it('writeFileAtomic leaves no temp file when the rename fails', async () => {
    base = await mkdtemp(path.join(tmpdir(), 'sso-oidc-write-'));
    const target = path.join(base, 'dir-in-the-way');
    await writeReports(fixtureRun(), target); // a non-empty directory: rename onto it fails
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect((await readdir(base)).sort()).toEqual(['dir-in-the-way']);
  });
});
