/**
 * examples/github-workflow.yml: README shows it byte for byte, it is a well-formed GitHub
 * Actions workflow (checkout, Node 20, the suite, the reports kept even on failure), and the
 * command it runs parses as the CLI takes it, with the environment the workflow gives it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseOnly } from '../harness/cli/cli.ts';

const ROOT = new URL('../', import.meta.url);
const WORKFLOW = readFileSync(new URL('examples/github-workflow.yml', ROOT), 'utf8');
const README = readFileSync(new URL('README.md', ROOT), 'utf8');
const PACKAGE = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8'));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}

const workflow = parse(WORKFLOW) as {
  name: string;
  on: Record<string, unknown>;
  jobs: Record<string, { 'runs-on': string; 'timeout-minutes'?: number; steps: Step[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const suiteStep = steps.find((s) => s.run?.includes('sso-oidc-conformance'));

describe('examples/github-workflow.yml', () => {
  it('README shows exactly the file, in a yaml block', () => {
    expect(README).toContain('```yaml\n' + WORKFLOW + '```\n');
  });

  it('is a workflow: a name, triggers, jobs that each run on a runner with a time limit', () => {
    expect(workflow.name).toEqual(expect.any(String));
    expect(Object.keys(workflow.on).length).toBeGreaterThan(0);
    for (const [id, job] of Object.entries(workflow.jobs)) {
      expect(job['runs-on'], id).toMatch(/^ubuntu-/);
      expect(job['timeout-minutes'], id).toBeGreaterThan(0);
      expect(job.steps.length, id).toBeGreaterThan(0);
    }
  });

  it('every step either uses a pinned action or runs a command, never both', () => {
    for (const s of steps) {
      expect(
        [s.uses, s.run].filter((x) => x !== undefined),
        JSON.stringify(s),
      ).toHaveLength(1);
      if (s.uses) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    }
  });

  it('checks out, sets up Node 20, runs the suite, then keeps reports/ even when it failed', () => {
    const at = (pred: (s: Step) => boolean) => steps.findIndex(pred);
    const checkout = at((s) => s.uses?.startsWith('actions/checkout@') === true);
    const node = at((s) => s.uses?.startsWith('actions/setup-node@') === true);
    const suite = steps.indexOf(suiteStep!);
    const upload = at((s) => s.uses?.startsWith('actions/upload-artifact@') === true);
    expect([checkout, node, suite, upload].every((i) => i >= 0)).toBe(true);
    expect(checkout < node && node < suite && suite < upload).toBe(true);
    expect(String(steps[node]!.with?.['node-version'])).toBe('20');
    expect(steps[upload]!.if).toBe('always()');
    expect(steps[upload]!.with?.path).toBe('reports/');
  });

  it('the target comes from the repository settings, secrets only through secrets', () => {
    const env = suiteStep!.env ?? {};
    expect(env.SSOC_TARGET).toMatch(/^\$\{\{ (vars|secrets)\.SSOC_TARGET \}\}$/);
    for (const [name, value] of Object.entries(env))
      if (/TOKEN|SECRET|PASSWORD/.test(name)) expect(value, name).toMatch(/^\$\{\{ secrets\./);
  });

  it('runs this version of the tool, with options the CLI takes (and writes into reports/)', async () => {
    const words = suiteStep!.run!.trim().split(/\s+/);
    const at = words.findIndex((w) => w.startsWith('sso-oidc-conformance@'));
    expect(words.slice(0, at)).toEqual(['npx', '--yes']);
    expect(words[at]).toBe(`sso-oidc-conformance@${PACKAGE.version}`);
    const args = words.slice(at + 1);
    // The environment as GitHub gives it, an expression replaced by a plausible value.
    const env = Object.fromEntries(
      Object.entries(suiteStep!.env ?? {}).map(([k]) => [
        k,
        k === 'SSOC_TARGET' ? 'https://oidc.example.test' : 'x',
      ]),
    );
    const parsed = await parseOnly(args, env);
    expect(parsed.command).toBe('run');
    expect(parsed.argv.reports).toBe('reports');
  });
});
