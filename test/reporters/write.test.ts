import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
  it('creates the directory, writes junit.xml and results.json, returns their paths', async () => {
    base = await mkdtemp(path.join(tmpdir(), 'sso-oidc-write-'));
    const dir = path.join(base, 'a', 'b');
    const run = fixtureRun();
    const paths = await writeReports(run, dir);
    expect(paths).toEqual([path.join(dir, 'junit.xml'), path.join(dir, 'results.json')]);
    expect(await readFile(paths[0], 'utf8')).toBe(renderJunit(run));
    expect(await readFile(paths[1], 'utf8')).toBe(renderResultsJson(run));
    // No temporary files left behind.
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'results.json']);
  });

  it('replaces previous reports', async () => {
    base = await mkdtemp(path.join(tmpdir(), 'sso-oidc-write-'));
    await writeReports(fixtureRun(), base);
    const second = fixtureRun({ tests: [] });
    await writeReports(second, base);
    expect(await readFile(path.join(base, 'junit.xml'), 'utf8')).toBe(renderJunit(second));
    expect((await readdir(base)).sort()).toEqual(['junit.xml', 'results.json']);
  });

  it('writeFileAtomic leaves no temp file when the rename fails', async () => {
    base = await mkdtemp(path.join(tmpdir(), 'sso-oidc-write-'));
    const target = path.join(base, 'dir-in-the-way');
    await writeReports(fixtureRun(), target); // a non-empty directory: rename onto it fails
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect((await readdir(base)).sort()).toEqual(['dir-in-the-way']);
  });
});
