import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of the code, enforced on import lines (harness/README.md):
 * - a suite imports only the suite API (harness/api/) and other suite files;
 * - the harness never imports a suite, except the CLI, which chooses what a run runs;
 * - only the embedded target, `serve` and `list` import the reference server.
 */
const ROOT = path.resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

/** The repository paths `file` imports (relative specifiers only), e.g. `harness/api/context.ts`. */
function importsOf(file: string, text = readFileSync(path.join(ROOT, file), 'utf8')): string[] {
  const specs = [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => m[1] ?? m[2] ?? m[3]!);
  return specs.map((s) => path.relative(ROOT, path.resolve(ROOT, path.dirname(file), s)));
}

/** Broken rules: `file imports target` for each import `allowed` refuses. */
function violations(
  files: readonly string[],
  allowed: (file: string, target: string) => boolean,
  read?: (file: string) => string,
): string[] {
  return files.flatMap((file) =>
    importsOf(file, read?.(file))
      .filter((target) => !allowed(file, target))
      .map((target) => `${file} imports ${target}`),
  );
}

const SUITE_RULE = (_file: string, target: string) =>
  target.startsWith('harness/api/') || target.startsWith('suites/');
const NO_SUITES = (file: string, target: string) =>
  !target.startsWith('suites/') || file === 'harness/cli/cli.ts';
const REFERENCE_USERS = new Set([
  'harness/engine/target.ts',
  'harness/cli/serve.ts',
  'harness/cli/list.ts',
]);
const REFERENCE_RULE = (file: string, target: string) =>
  !target.startsWith('reference/') || REFERENCE_USERS.has(file);

describe('layers, on import lines', () => {
  it('suites import only the suite API (harness/api/)', () => {
    expect(violations(sources('suites'), SUITE_RULE)).toEqual([]);
  });

  it('the harness never imports a suite (the CLI chooses the run)', () => {
    expect(violations(sources('harness'), NO_SUITES)).toEqual([]);
  });

  it('only the embedded target, serve and list import the reference server', () => {
    expect(violations(sources('harness'), REFERENCE_RULE)).toEqual([]);
  });

  it('each rule catches a deliberate violation', () => {
    const read = (text: string) => () => text;
    expect(
      violations(
        ['suites/x.ts'],
        SUITE_RULE,
        read("import { Poller } from '../harness/engine/poller.ts';"),
      ),
    ).toEqual(['suites/x.ts imports harness/engine/poller.ts']);
    expect(
      violations(['harness/engine/runner.ts'], NO_SUITES, read("import '../../suites/index.ts';")),
    ).toEqual(['harness/engine/runner.ts imports suites/index.ts']);
    expect(
      violations(
        ['harness/aws/iam.ts'],
        REFERENCE_RULE,
        read("import {\n  REFERENCE_IAM_REGION,\n} from '../../reference/iam-config.ts';"),
      ),
    ).toEqual(['harness/aws/iam.ts imports reference/iam-config.ts']);
    expect(
      violations(
        ['harness/cli/cli.ts'],
        REFERENCE_RULE,
        read("const m = await import('../../reference/server.ts');"),
      ),
    ).toEqual(['harness/cli/cli.ts imports reference/server.ts']);
  });
});
