/**
 * The package as npm ships it: `npm pack` (which builds dist/ on prepare), then the packed bin
 * run from an empty folder. The tarball holds no TypeScript sources, so what runs is dist/:
 * a file the build forgets to compile or copy fails here, not at a user's first npx.
 *
 * Dependencies: `npm install <tarball>` needs the registry (the offline cache may lack a
 * dependency), so the tarball is extracted into a temporary folder whose node_modules is a link
 * to this checkout's: Node resolves the package's imports there as it would after an install.
 * (NODE_PATH would not do: ES modules ignore it.)
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, tempDir } from './helpers.ts';

const run = promisify(execFile);

/** Why the test cannot run here, or undefined when it can. */
async function unavailable(): Promise<string | undefined> {
  if (!existsSync(path.join(ROOT, 'node_modules'))) return 'no node_modules to resolve from';
  for (const tool of ['npm', 'tar']) {
    try {
      await run(tool, ['--version']);
    } catch {
      return `${tool} is not on PATH`;
    }
  }
  return undefined;
}

const reason = await unavailable();
if (reason) console.warn(`test/cli/package.test.ts skipped: ${reason}`);

describe.skipIf(reason !== undefined)('the packed package, run from an empty folder', () => {
  let bin = '';
  let empty = '';

  beforeAll(async () => {
    const dir = tempDir();
    await run('npm', ['pack', '--silent', '--pack-destination', dir], {
      cwd: ROOT,
      env: cleanEnv(),
    });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    await run('tar', ['xzf', tarball], { cwd: dir }); // into dir/package
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    bin = path.join(dir, 'package/bin/sso-oidc-conformance.mjs');
    empty = path.join(dir, 'empty');
    mkdirSync(empty);
  }, 180_000);

  function packed(args: string[]) {
    return run(process.execPath, [bin, ...args], { cwd: empty, env: cleanEnv() });
  }

  it('ships compiled JavaScript and no TypeScript source', () => {
    const pkg = path.dirname(path.dirname(bin));
    expect(existsSync(path.join(pkg, 'dist/harness/cli/cli.js'))).toBe(true);
    expect(existsSync(path.join(pkg, 'dist/schemas/config.schema.json'))).toBe(true);
    expect(existsSync(path.join(pkg, 'harness'))).toBe(false);
  });

  it('--help prints the usage', async () => {
    const { stdout } = await packed(['--help']);
    expect(stdout).toMatch(/sso-oidc-conformance \[run\] \[options\]/);
  });

  it('list prints every test', async () => {
    const { stdout } = await packed(['list']);
    expect(stdout).toMatch(/^\d+ tests$/m);
    expect(stdout).toMatch(/DA-/);
  });
});
