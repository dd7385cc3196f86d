import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEmbedded } from './run-embedded.ts';
import { writeReports } from '../../harness/reporters/write.ts';
import { isCitableId } from '../../harness/engine/catalogue.ts';
import { hasXmllint, JENKINS_XSD, SKIP_REASON, xmllint } from '../reporters/xmllint.ts';

const dir = mkdtempSync(join(tmpdir(), 'ssoc-self-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

if (!hasXmllint) console.warn(SKIP_REASON);

describe('reports of a real run', () => {
  it('a default run and a faulty run write JUnit valid against the Jenkins xUnit schema', async () => {
    for (const faults of [[], ['token-snake-case', 'no-error-type-header']]) {
      const run = await runEmbedded({ faults });
      const [junit, results] = await writeReports(run, join(dir, faults.join('+') || 'default'));
      const xml = readFileSync(junit!, 'utf8');
      const names = [...xml.matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1]!);
      expect(names.length).toBe(run.tests.length);
      expect(names.length).toBeGreaterThanOrEqual(40);
      // Each name is a test's slug: its ID, or `<ID>/<slug>`; one per test.
      for (const name of names) expect(isCitableId(name.split('/')[0]!), name).toBe(true);
      expect(new Set(names).size).toBe(names.length);
      const json = JSON.parse(readFileSync(results!, 'utf8'));
      expect(json.tests).toHaveLength(run.tests.length);
      for (const t of json.tests) {
        for (const key of ['requirements', 'level', 'verdict', 'checks', 'exchanges'])
          expect(t).toHaveProperty(key);
      }
      // Every requirement and every failed check links where the requirement is written.
      for (const [id, entry] of Object.entries(json.requirements))
        expect((entry as { spec?: string }).spec, id).toMatch(/^https:\/\//);
      for (const t of json.tests)
        for (const c of t.checks.filter((x: { ok: boolean }) => !x.ok))
          expect(c.spec, c.requirement).toMatch(/^https:\/\//);
      if (faults.length > 0) expect(xml).toContain('<failure');
      if (hasXmllint) {
        const r = xmllint(['--noout', '--nonet', '--schema', JENKINS_XSD, junit!]);
        expect(r.status, r.stderr).toBe(0);
      }
    }
  });

  it('no client secret or token appears in clear in the reports', async () => {
    // Every exchange kept (--exchanges all), those of passed tests included.
    const run = await runEmbedded({ faults: ['secret-not-checked'], exchanges: 'all' });
    const [junit, results] = await writeReports(run, join(dir, 'secrets'));
    const text = readFileSync(junit!, 'utf8') + readFileSync(results!, 'utf8');
    // Every sensitive member in a recorded body is a redaction marker.
    const sensitive = /"(clientSecret|accessToken|refreshToken|idToken)":"([^"]*)"/g;
    const values = [...text.replaceAll('&quot;', '"').matchAll(sensitive)].map((m) => m[2]!);
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(v).toMatch(/^«redacted:[0-9a-f]{8}»$|^$/);
  });
});
