import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import { Redactor, redactionMarker } from '../../harness/http/redact.ts';
import { REFERENCE_IAM_CREDENTIALS } from '../../reference/iam-config.ts';
import { writeReports } from '../../harness/reporters/write.ts';
import '../../suites/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ssoc-self-redaction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The run's redactor, keeping a list of what it was taught. */
class WatchedRedactor extends Redactor {
  readonly learnt = new Set<string>();
  override addSecret(value: string): void {
    if (typeof value === 'string' && value.length >= 8) this.learnt.add(value);
    super.addSecret(value);
  }
}

describe('redaction in the reports of a default run (junit.xml, results.json, report.html)', () => {
  it('hides every secret and device code, and no fuzz word', async () => {
    const redactor = new WatchedRedactor();
    // Every exchange kept (--exchanges all): the passed tests' bodies are searched too.
    const run = await runConformance(
      resolveConfig({ flags: { reports: '/dev/null', exchanges: 'all' } }),
      { redactor },
    );
    const [junit, results, html] = await writeReports(run, dir);
    const json = readFileSync(results!, 'utf8');
    // report.html's text as a reader sees it (escape-html's five entities undone).
    const page = readFileSync(html!, 'utf8')
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
    const text = json + readFileSync(junit!, 'utf8').replaceAll('&quot;', '"') + page;

    // Device codes (and authorization codes) are credentials: always a marker in a body ...
    const codes = [...text.matchAll(/\\?"(deviceCode|device_code|code)\\?":\\?"([^"\\]*)/g)];
    expect(codes.filter((m) => m[1] === 'deviceCode').length).toBeGreaterThan(0);
    for (const m of codes) expect(m[2], m[0]).toMatch(/^«redacted:[0-9a-f]{8}»$|^$/);
    // ... and in the curl lines built from the recorded exchanges.
    const curls = run.tests.flatMap((t) => (t.curl ? [t.curl] : []));
    for (const curl of curls) expect(curl).not.toMatch(/"deviceCode":"[^«"]/);

    // Whatever the run learnt (client secrets, tokens, device codes, code verifiers, assertions)
    // appears nowhere in clear.
    expect(redactor.learnt.size).toBeGreaterThan(50);
    for (const secret of redactor.learnt) expect(text.includes(secret), secret).toBe(false);

    // The credentials the harness makes (code verifiers, assertions) were learnt too: each
    // marker of such a member in a request is the marker of a learnt secret.
    const learntMarkers = new Set([...redactor.learnt].map(redactionMarker));
    const made = [
      ...text.matchAll(/\\?"(codeVerifier|assertion)\\?":\\?"(«redacted:[0-9a-f]{8}»)/g),
    ];
    expect(made.filter((m) => m[1] === 'codeVerifier').length).toBeGreaterThan(0);
    expect(made.filter((m) => m[1] === 'assertion').length).toBeGreaterThan(0);
    for (const m of made) expect(learntMarkers.has(m[2]!), m[0]).toBe(true);
    // (The SigV4 secret never travels; a --target run's credentials are taught by iam.ts.)
    expect(text).not.toContain(REFERENCE_IAM_CREDENTIALS.secretAccessKey);

    // The fuzzing sends JavaScript words in sensitive members: they are not secrets.
    for (const word of ['constructor', 'toString', 'arguments', 'hasOwnProperty', '__proto__'])
      expect(redactor.learnt.has(word), word).toBe(false);
  }, 120_000);
});
