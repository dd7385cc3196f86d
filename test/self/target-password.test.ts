import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import { writeReports } from '../../harness/reporters/write.ts';
import { startReferenceServer, type RunningReferenceServer } from '../../reference/server.ts';
import '../../suites/index.ts';

/**
 * A target URL with a password in its userinfo (`http://user:password@host`): the password is a
 * secret like a client secret. No report shows it: not the target they name, not an exchange's
 * URL, not a curl line.
 */
const PASSWORD = 'pw-in-the-target-url';
const dir = mkdtempSync(join(tmpdir(), 'ssoc-target-password-'));
let server: RunningReferenceServer;

beforeAll(async () => {
  server = await startReferenceServer({ virtualClock: false, interval: 1, expiresIn: 60 });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a password in the target URL appears in no report', async () => {
  const url = new URL(server.url);
  url.username = 'someone';
  url.password = PASSWORD;
  const run = await runConformance(
    resolveConfig({
      flags: {
        target: url.href,
        grep: '^DA-3\\.2-',
        exchanges: 'all',
        reports: '/dev/null',
      },
    }),
  );
  expect(run.target.url).toBe(url.href.replace(`:${PASSWORD}`, '').replace(/\/$/, ''));
  expect(run.tests.flatMap((t) => t.exchanges).length).toBeGreaterThan(0);
  const files = await writeReports(run, dir);
  for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain(PASSWORD);
  expect(JSON.stringify(run)).not.toContain(PASSWORD);
}, 60_000);

it('a password in an endpoint URL (rfc8628) appears in no report', async () => {
  const withPassword = (path: string) => {
    const url = new URL(path, server.url);
    url.username = 'someone';
    url.password = PASSWORD;
    return url.href;
  };
  const run = await runConformance(
    resolveConfig({
      flags: {
        profile: 'rfc8628',
        issuer: server.url,
        deviceAuthorizationEndpoint: withPassword('/oauth/device_authorization'),
        tokenEndpoint: withPassword('/oauth/token'),
        registrationEndpoint: withPassword('/oauth/register'),
        grep: '^DA-3\\.2-',
        exchanges: 'all',
        reports: '/dev/null',
      },
    }),
  );
  expect(run.tests.filter((t) => t.verdict === 'passed').length).toBeGreaterThan(0);
  const files = await writeReports(run, join(dir, 'rfc8628'));
  for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain(PASSWORD);
  expect(JSON.stringify(run)).not.toContain(PASSWORD);
}, 60_000);
