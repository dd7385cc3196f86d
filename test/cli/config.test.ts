/**
 * Settings come from flags, SSOC_* variables and a --config file: flags win over the
 * environment, which wins over the file.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson, runCli, tempDir } from './helpers.ts';

/** Each layer selects a different single test, reports directory and strictness. */
function layers() {
  const dir = tempDir();
  const reports = {
    file: path.join(dir, 'from-file'),
    env: path.join(dir, 'from-env'),
    flag: path.join(dir, 'from-flag'),
  };
  const config = path.join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      $schema: '../schemas/config.schema.json',
      grep: '^AWS-REG-200 ',
      reports: reports.file,
      strict: true,
      concurrency: 2,
    }),
  );
  const env = {
    SSOC_GREP: '^DCR-3.2.1-CLIENTID ',
    SSOC_REPORTS: reports.env,
    SSOC_STRICT: 'false',
  };
  const flags = ['--grep', '^DA-3.2-UNIQUE ', '--reports', reports.flag, '--strict'];
  return { config, env, flags, reports };
}

function ranIds(reports: string): { ids: string[]; strict: boolean } {
  const results = readJson(path.join(reports, 'results.json'));
  return { ids: results.tests.map((t: any) => t.id), strict: results.strict };
}

describe.concurrent('precedence: flags > environment > config file', () => {
  it('the file alone', async () => {
    const l = layers();
    const r = await runCli(['--config', l.config, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(ranIds(l.reports.file)).toEqual({ ids: ['AWS-REG-200'], strict: true });
  });

  it('the environment over the file', async () => {
    const l = layers();
    const r = await runCli(['--config', l.config, '--quiet'], { env: l.env });
    expect(r.code, r.stderr).toBe(0);
    expect(ranIds(l.reports.env)).toEqual({ ids: ['DCR-3.2.1-CLIENTID'], strict: false });
  });

  it('flags over the environment and the file', async () => {
    const l = layers();
    const r = await runCli(['--config', l.config, '--quiet', ...l.flags], { env: l.env });
    expect(r.code, r.stderr).toBe(0);
    expect(ranIds(l.reports.flag)).toEqual({ ids: ['DA-3.2-UNIQUE'], strict: true });
  });

  it('a variable left empty does not count', async () => {
    const l = layers();
    const r = await runCli(['--config', l.config, '--quiet'], {
      env: { SSOC_GREP: '', SSOC_REPORTS: '' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(ranIds(l.reports.file).ids).toEqual(['AWS-REG-200']);
  });
});
