/**
 * Benchmark of a default run: starts the published CLI against the embedded reference server
 * (as a user would, startup included) a few times and prints wall time, tests and requests.
 * Usage: npm run bench [-- --runs N]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';

const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;

function once(reports: string): Promise<{ ms: number; code: number | null }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/sso-oidc-conformance.mjs', '--quiet', '--reports', reports],
      { timeout: 120_000 },
      (error) => {
        const code = error ? ((error as { code?: number }).code ?? null) : 0;
        resolve({ ms: performance.now() - t0, code });
      },
    );
  });
}

const times: number[] = [];
let tests = 0;
let requests = 0;
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'ssoc-bench-'));
  const { ms, code } = await once(dir);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) {
    console.error(`run ${i + 1} exited ${code}: the benchmark measures a conformant run`);
    process.exit(1);
  }
  times.push(ms);
  tests = results.summary.total;
  requests = results.summary.requests;
  console.log(
    `run ${i + 1}: ${(ms / 1000).toFixed(2)} s wall, in-run ${(results.durationMs / 1000).toFixed(2)} s`,
  );
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
console.log(
  `default run: ${tests} tests, ${requests} requests, median wall ${(median / 1000).toFixed(2)} s ` +
    `(min ${(times[0]! / 1000).toFixed(2)} s, max ${(times.at(-1)! / 1000).toFixed(2)} s) ` +
    `over ${runs} runs on ${cpus().length} cores, goal < 10 s`,
);
