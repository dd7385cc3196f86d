/** xmllint helpers for the reporter tests (xmllint comes from Debian's libxml2-utils). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const hasXmllint = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;

export const SKIP_REASON =
  'xmllint not found: JUnit well-formedness/schema tests skipped (apt-get install libxml2-utils)';

export const JENKINS_XSD = fileURLToPath(
  new URL('../fixtures/junit/jenkins-xunit-junit-10.xsd', import.meta.url),
);

const dirs: string[] = [];

/** Writes `content` to a fresh temp file and returns its path (see {@link removeTempFiles}). */
export function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sso-oidc-reporters-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  writeFileSync(file, content, 'utf8');
  return file;
}

/** Runs xmllint; returns exit status and stderr. */
export function xmllint(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('xmllint', args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Removes every file {@link tempFile} made (call from afterAll). */
export function removeTempFiles(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
