/**
 * The settings table (harness/engine/settings.ts) is the one place a setting is declared: the
 * config schema file and README's settings table must say what it says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema, SETTINGS, type Setting } from '../harness/engine/settings.ts';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const settings = SETTINGS as readonly Setting[];

describe('the settings table', () => {
  it('names each key, flag and variable once', () => {
    for (const field of ['key', 'flag', 'env'] as const) {
      const names = settings.map((s) => s[field]).filter(Boolean);
      expect(new Set(names).size, field).toBe(names.length);
    }
    for (const s of settings) expect(s.env).toMatch(/^SSOC_[A-Z0-9_]+$/);
  });

  it('is what schemas/config.schema.json says (npm run config-schema writes it)', () => {
    expect(JSON.parse(read('schemas/config.schema.json'))).toEqual(configSchema());
  });
});

/** README's settings table: `| flag | variable | config key | meaning |` rows. */
function readmeRows(): { flag?: string; env?: string; key?: string }[] {
  const section = read('README.md')
    .split(/^## Settings$/m)[1]!
    .split(/^## /m)[0]!;
  const rows = section.split('\n').filter((line) => /^\|\s*(`--|\(none\))/.test(line));
  return rows.map((line) => {
    const [flag, env, key] = line.split('|').slice(1, 4);
    return {
      flag: flag!.match(/`--([a-z0-9-]+)/)?.[1],
      env: env!.match(/`(SSOC_[A-Z0-9_]+)`/)?.[1],
      key: key!.match(/`(\w+)`/)?.[1],
    };
  });
}

describe("README's settings table", () => {
  const rows = readmeRows();

  it('has a row for every setting, with its flag, variable and config key', () => {
    for (const s of settings)
      expect(
        rows.find((r) => r.key === s.key),
        s.key,
      ).toEqual({ flag: s.flag, env: s.env, key: s.key });
  });

  it('has no row for a setting the table does not have', () => {
    const keys = new Set(settings.map((s) => s.key));
    expect(rows.filter((r) => !keys.has(r.key!))).toEqual([]);
    expect(rows.length).toBe(settings.length);
  });
});
