/**
 * schemas/results.schema.json itself: a strict draft 2020-12 schema with every field described,
 * its enums those of the code, closed objects (so that drift fails), and able to reject a
 * report: an unknown key, a wrong verdict, evidence kept against the declared mode. The real
 * reports it accepts are in results-schema-runs.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderResultsJson, RESULTS_SCHEMA_VERSION } from '../../harness/reporters/results-json.ts';
import { countVerdicts } from '../../harness/reporters/format.ts';
import { settingOf } from '../../harness/engine/settings.ts';
import type { RunResult } from '../../harness/engine/results.ts';
import { fixtureRun, strictRun } from './fixture.ts';
import { keyOrderProblems, RESULTS_SCHEMA, schemaProblems } from './results-schema.ts';

const schema = RESULTS_SCHEMA as any;
const defs = schema.$defs;

/** A valid results.json (the reporter tests' hand-built run), to break one field at a time. */
function doc(over: Partial<RunResult> = {}): any {
  return JSON.parse(renderResultsJson(fixtureRun(over)));
}

/** Every object schema that lists `properties`, with its path in the schema. */
function objectSchemas(node: any, at = '#'): [string, any][] {
  if (typeof node !== 'object' || node === null) return [];
  const here: [string, any][] = node.properties ? [[at, node]] : [];
  return [...here, ...Object.entries(node).flatMap(([k, v]) => objectSchemas(v, `${at}/${k}`))];
}

describe('schemas/results.schema.json', () => {
  it('is a draft 2020-12 schema with a stable $id, of this schemaVersion, and published', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://sso-oidc-conformance.dev/schemas/results.schema.json');
    expect(schema.properties.schemaVersion.const).toBe(RESULTS_SCHEMA_VERSION);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.files).toContain('schemas');
  });

  it('describes every field, and closes every object the tool owns', () => {
    const objects = objectSchemas(schema).filter(([at]) => !/\/(if|then)(\/|$)/.test(at));
    expect(objects.length).toBeGreaterThanOrEqual(14);
    for (const [at, node] of objects) {
      expect(node.description, at).toMatch(/\S/);
      expect(node.additionalProperties, at).toBe(false);
      for (const [key, member] of Object.entries<any>(node.properties)) {
        const target = member.$ref ? defs[member.$ref.replace('#/$defs/', '')] : member;
        expect(member.description ?? target.description, `${at}.${key}`).toMatch(/\S/);
      }
    }
    // The open maps: header names are the peer's; requirement IDs key closed entries.
    expect(defs.headers.additionalProperties).toEqual({ type: 'string' });
    expect(schema.properties.requirements.additionalProperties).toEqual({
      $ref: '#/$defs/requirementEntry',
    });
  });

  it("its enums are the code's: verdicts, profiles, approvers, --exchanges modes", () => {
    expect([...defs.verdict.enum].sort()).toEqual(
      Object.keys(countVerdicts({ tests: [], strict: false } as unknown as RunResult)).sort(),
    );
    expect(defs.profile.enum).toEqual(settingOf('profile')!.choices);
    expect(schema.properties.target.properties.approver.enum).toEqual(
      settingOf('approver')!.choices,
    );
    expect(schema.properties.exchanges.enum).toEqual(settingOf('exchanges')!.choices);
    expect(defs.level.enum).toEqual(['MUST', 'SHOULD', 'INFO']);
  });

  it('accepts the hand-built runs the reporters are tested with, keys in its order', () => {
    for (const d of [doc(), JSON.parse(renderResultsJson(strictRun()))]) {
      expect(schemaProblems(d)).toEqual([]);
      expect(keyOrderProblems(d)).toEqual([]);
    }
    // The order check can fail: the same document with its keys reversed.
    const reversed = Object.fromEntries(Object.entries(doc()).reverse());
    expect(keyOrderProblems(reversed)).toEqual([expect.stringMatching(/^\/: requirements, /)]);
  });

  describe('rejects', () => {
    const cases: [string, (d: any) => void, RegExp][] = [
      ['an unknown top-level key', (d) => (d.extra = 1), /^\/ must NOT have additional/],
      ['an unknown key on a test', (d) => (d.tests[0].colour = 'red'), /^\/tests\/0 must NOT/],
      ['an unknown key on a check', (d) => (d.tests[2].checks[0].why = 'x'), /checks\/0 must NOT/],
      [
        'an unknown key on an exchange',
        (d) => (d.tests[0].exchanges[0].retries = 2),
        /exchanges\/0 must NOT/,
      ],
      ['a verdict that is not one', (d) => (d.tests[0].verdict = 'pass'), /verdict must be equal/],
      [
        'a requirement verdict that is not one',
        (d) => (d.requirements['DA-3.5-PENDING'].verdict = 'skipped'),
        /verdict must be equal/,
      ],
      ['an unknown profile', (d) => (d.target.profile = 'saml'), /profile must be equal/],
      ['another schemaVersion', (d) => (d.schemaVersion = 5), /schemaVersion must be equal/],
      ['no exchanges mode', (d) => delete d.exchanges, /must have required property 'exchanges'/],
      ['a missing check field', (d) => delete d.tests[2].checks[0].actual, /required property/],
      [
        'a header that is not text',
        (d) => (d.tests[0].exchanges[0].request.headers.x = 1),
        /string/,
      ],
      ['a time that is not one', (d) => (d.startedAt = 'yesterday'), /must match format/],
      [
        'a spec link on a check that held',
        (d) => (d.tests[0].checks[0].spec = 'https://www.rfc-editor.org/rfc/rfc8628'),
        /spec boolean schema is false/,
      ],
      [
        'a passed test with exchanges when only failed tests keep them',
        (d) => (d.exchanges = 'failed'),
        /tests\/0\/exchanges must NOT have more than 0 items/,
      ],
    ];
    it.each(cases)('%s', (_, breakIt, message) => {
      const d = doc();
      expect(schemaProblems(d)).toEqual([]);
      breakIt(d);
      expect(schemaProblems(d).join('\n')).toMatch(message);
    });
  });

  it('accepts what is open: any header name, a test of any verdict without exchanges', () => {
    const d = doc();
    d.tests[0].exchanges[0].response.headers['x-amzn-requestid'] = 'abc';
    d.exchanges = 'failed';
    d.tests[0].exchanges = [];
    expect(schemaProblems(d)).toEqual([]);
  });
});
