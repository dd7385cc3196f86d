#!/usr/bin/env node
// Entry point. The package ships compiled JavaScript in dist/ (scripts/build.mjs, run on
// prepare): loading it takes a fraction of compiling the TypeScript sources at every
// start. A checkout without dist/, or one where a source changed after the build, runs the
// sources through tsx instead, so what runs is always what is on disk.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const stamp = new URL('dist/BUILT', root);

/** True when dist/ was built after the last change to any source it is compiled from. */
function distIsCurrent() {
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  for (const dir of ['harness', 'suites', 'reference']) {
    const base = new URL(`${dir}/`, root);
    if (!existsSync(base)) continue; // the packed package ships dist/ alone
    for (const file of readdirSync(base, { recursive: true })) {
      if (/\.(ts|json)$/.test(file) && statSync(new URL(file, base)).mtimeMs > built) return false;
    }
  }
  return true;
}

let cli;
if (distIsCurrent()) {
  ({ cli } = await import('../dist/harness/cli/cli.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ cli } = await import('../harness/cli/cli.ts'));
}
await cli(process.argv.slice(2));
