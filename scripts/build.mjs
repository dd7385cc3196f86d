#!/usr/bin/env node
/**
 * Builds the published JavaScript into dist/ (npm run build; npm runs it on prepare, which npm ci, npm install in a checkout and npm pack run):
 * tsc compiles harness/, suites/ and reference/ (tsconfig.build.json), then the JSON files the
 * code reads at run time through paths relative to its own module (schemas/, known-deviations/)
 * are copied beside it, so dist/harness/aws/schemas.js finds dist/schemas/ as the sources find
 * schemas/. Then the ajv validators of those schemas, precompiled (see
 * harness/aws/schema-validators.ts), so a run from dist/ never compiles a schema. Last, a stamp: bin/ uses dist/ only when no source is newer than it.
 * It builds into dist.new/ and then swaps it in: a CLI started during a build (npm pack in
 * test/cli/package.test.ts beside the other CLI tests) never loads a half-written dist/.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = new URL('../dist/', import.meta.url);
const next = new URL('../dist.new/', import.meta.url);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(next, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', 'dist.new'], {
  cwd: root,
  stdio: 'inherit',
});
for (const dir of ['schemas', 'known-deviations']) {
  cpSync(new URL(`../${dir}/`, import.meta.url), new URL(`${dir}/`, next), { recursive: true });
}
const validators = await import(new URL('harness/aws/schema-validators.js', next).href);
writeFileSync(
  new URL(`harness/aws/${validators.PRECOMPILED_FILE}`, next),
  validators.precompiledValidatorsSource(validators.schemaFiles(new URL('schemas/', next))),
);
writeFileSync(new URL('BUILT', next), `${new Date().toISOString()}\n`);
rmSync(dist, { recursive: true, force: true });
renameSync(next, dist);
