/**
 * Benchmark of startup and of a default run: starts the published CLI (bin/, which runs dist/
 * when it is built and current) as a user would, and prints the median wall time of N runs of
 * `--help` and of a default run against the embedded reference server, with two floors beside
 * them: bare `node -e 0` (no code of ours at all) and an empty vitest run (what a vitest-based
 * start costs before any test). Goals (issue 11): `--help` < 0.3 s, default run < 1.0 s.
 * Usage: npm run bench [-- --runs N]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';

const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
const BIN = 'bin/sso-oidc-conformance.mjs';

/** Wall time of one child process, startup included, and its exit code. */
function once(args: string[]): Promise<{ ms: number; code: number | null }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 120_000 }, (error) => {
      const code = error ? ((error as { code?: number }).code ?? null) : 0;
      resolve({ ms: performance.now() - t0, code });
    });
  });
}

/** Median wall time over `runs` runs; each must exit 0 (`check` may inspect what it left). */
async function median(label: string, args: () => string[], after?: () => void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { ms, code } = await once(args());
    after?.();
    if (code !== 0) {
      console.error(`${label}: run ${i + 1} exited ${code}: the benchmark measures runs that pass`);
      process.exit(1);
    }
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
// vitest's bin, found beside its package.json (its exports do not name the bin file).
const vitest = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);

let reports = '';
let summary = { total: 0, requests: 0 };
const help = await median('--help', () => [BIN, '--help']);
const run = await median(
  'default run',
  () => {
    reports = mkdtempSync(join(tmpdir(), 'ssoc-bench-'));
    return [BIN, '--quiet', '--reports', reports];
  },
  () => {
    summary = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')).summary;
    rmSync(reports, { recursive: true, force: true });
  },
);
const node = await median('node -e 0', () => ['-e', '0']);
// A filter no test file matches: vitest starts, finds nothing and exits 0.
const emptyVitest = await median('empty vitest', () => [
  vitest,
  'run',
  'no-test-file-has-this-name',
  '--passWithNoTests',
]);

const code = existsSync('dist/BUILT') ? 'dist/ when current (npm run build)' : 'sources via tsx';
console.log(
  `median of ${runs} runs on ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; code: ${code}`,
);
console.log(`--help        ${seconds(help)}   goal < 0.30 s`);
console.log(
  `default run   ${seconds(run)}   goal < 1.00 s (${summary.total} tests, ${summary.requests} requests)`,
);
console.log(`floor: node -e 0      ${seconds(node)}`);
console.log(`floor: empty vitest   ${seconds(emptyVitest)}`);
