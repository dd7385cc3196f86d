import { afterAll, describe, expect, it } from 'vitest';
import { renderJunit } from '../../harness/reporters/junit.ts';
import type { RunResult } from '../../harness/engine/results.ts';
import { BIG_BODY, fixtureRun, SECRET, strictRun } from './fixture.ts';
import {
  hasXmllint,
  JENKINS_XSD,
  removeTempFiles,
  SKIP_REASON,
  tempFile,
  xmllint,
} from './xmllint.ts';

if (!hasXmllint) console.warn(SKIP_REASON);
afterAll(removeTempFiles);

/** Attributes of one start tag, in document order, decoded. */
function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/\s([\w-]+)="([^"]*)"/g)) out[m[1]] = decode(m[2]);
  return out;
}

function decode(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e: string) =>
    e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : named[e],
  );
}

interface Case {
  attrs: Record<string, string>;
  body: string;
}

function testcases(xml: string): Case[] {
  return [...xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    attrs: attributes(m[1]),
    body: m[3] ?? '',
  }));
}

function suites(xml: string): { attrs: Record<string, string>; body: string }[] {
  return [...xml.matchAll(/<testsuite\b([^>]*)>([\s\S]*?)<\/testsuite>/g)].map((m) => ({
    attrs: attributes(m[1]),
    body: m[2],
  }));
}

/** The testcase of the test whose slug is `slug` (in the fixture, each slug is the test's ID). */
function caseNamed(xml: string, slug: string): Case {
  const c = testcases(xml).find((t) => t.attrs.name === slug);
  if (!c) throw new Error(`no testcase for ${slug}`);
  return c;
}

const XML10_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

describe.each([
  ['default run', fixtureRun()],
  ['strict run', strictRun()],
])('renderJunit (%s)', (_label, run: RunResult) => {
  const xml = renderJunit(run);

  it('starts with the XML declaration and holds only XML 1.0 characters', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(XML10_CHARS.test(xml)).toBe(true);
  });

  it.skipIf(!hasXmllint)('is well-formed and valid against the Jenkins xUnit schema', () => {
    const file = tempFile('junit.xml', xml);
    const wf = xmllint(['--noout', '--nonet', file]);
    expect(wf.stderr).toBe('');
    expect(wf.status).toBe(0);
    const valid = xmllint(['--noout', '--nonet', '--schema', JENKINS_XSD, file]);
    expect(valid.stderr).toContain('validates');
    expect(valid.status).toBe(0);
    // A real parser sees one testcase per test.
    expect(xmllint(['--xpath', 'count(//testcase)', file]).stdout.trim()).toBe(
      String(run.tests.length),
    );
  });

  it('root carries only name, tests, failures, errors, time, consistent with the testcases', () => {
    const root = attributes(xml.match(/<testsuites\b[^>]*>/)![0]);
    expect(Object.keys(root)).toEqual(['name', 'tests', 'failures', 'errors', 'time']);
    const cases = testcases(xml);
    expect(Number(root.tests)).toBe(run.tests.length);
    expect(cases).toHaveLength(run.tests.length);
    expect(Number(root.failures)).toBe(cases.filter((c) => c.body.includes('<failure')).length);
    expect(Number(root.errors)).toBe(cases.filter((c) => c.body.includes('<error')).length);
    expect(root.time).toBe('7.654');
  });

  it('one testsuite per suite, counts match, time has at most 3 decimals', () => {
    const all = suites(xml);
    expect(all.map((s) => s.attrs.name)).toEqual([...new Set(run.tests.map((t) => t.suite))]);
    for (const s of all) {
      expect(Object.keys(s.attrs)).toEqual([
        'name',
        'tests',
        'failures',
        'errors',
        'skipped',
        'time',
        'timestamp',
      ]);
      const cases = testcases(s.body);
      expect(Number(s.attrs.tests)).toBe(cases.length);
      expect(Number(s.attrs.failures)).toBe(
        cases.filter((c) => c.body.includes('<failure')).length,
      );
      expect(Number(s.attrs.errors)).toBe(cases.filter((c) => c.body.includes('<error')).length);
      expect(Number(s.attrs.skipped)).toBe(cases.filter((c) => c.body.includes('<skipped')).length);
      expect(s.attrs.time).toMatch(/^\d+(\.\d{1,3})?$/);
      expect(s.attrs.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    }
    const first = all.find((s) => s.attrs.name === 'start-device-authorization')!;
    expect(first.attrs.time).toBe('1.235'); // 1234.5678 ms + 0 ms (skipped)
    expect(first.attrs.timestamp).toBe('2026-11-29T09:59:58');
  });

  it('testcases: name = test slug, classname, time with 3 decimals, nothing else', () => {
    for (const [i, c] of testcases(xml).entries()) {
      const t = run.tests[i];
      expect(Object.keys(c.attrs)).toEqual(['name', 'classname', 'time']);
      expect(c.attrs.name).toBe(t.slug);
      expect(c.attrs.classname).toBe(`sso-oidc-conformance.${t.suite}`);
      expect(c.attrs.time).toMatch(/^\d+\.\d{3}$/);
      expect(c.body).not.toContain('<properties');
    }
    expect(caseNamed(xml, 'DA-3.1-POST-FORM').attrs.time).toBe('1.235');
  });

  it('failure: message, type, Requirement/Check/Expected/Actual per failed check, then curl', () => {
    const c = caseNamed(xml, 'DA-3.5-PENDING');
    const tag = c.body.match(/<failure\b[^>]*>/)![0];
    const a = attributes(tag);
    expect(a.type).toBe('MUST DA-3.5-PENDING');
    expect(a.message.startsWith('DA-3.5-PENDING: expected 400 authorization_pending | ')).toBe(
      true,
    );
    expect(Array.from(a.message).length).toBeLessThanOrEqual(300);
    expect(a.message).not.toContain('\n');
    const text = decode(c.body.match(/<failure\b[^>]*>([\s\S]*?)<\/failure>/)![1]);
    expect(text).toContain(
      'Requirement: DA-3.5-PENDING (MUST)\nCheck: error code while the user has not acted\n' +
        'Expected (any of): 400 authorization_pending | 400 slow_down\nActual: 500 ',
    );
    expect(text).toContain(
      'Requirement: DA-3.5-ERROR-JSON (MUST)\nCheck: error body is JSON\n' +
        'Expected (any of): application/json\nActual: text/html',
    );
    // The SHOULD check is not what failed the test (non-strict): not in the failure text.
    if (!run.strict) expect(text).not.toContain('error_description is present');
    expect(text.trimEnd().endsWith('--data \'{"deviceCode":"[REDACTED]"}\'')).toBe(true);
  });

  it('a failure with no checks still names its requirement and reason', () => {
    const c = caseNamed(xml, 'DA-3.4-DENIED');
    const a = attributes(c.body.match(/<failure\b[^>]*>/)![0]);
    expect(a).toEqual({
      message: 'the token endpoint returned 200 for a denied request',
      type: 'MUST DA-3.4-DENIED',
    });
  });

  it('error and skipped carry the reason', () => {
    const err = caseNamed(xml, 'DA-3.4-EXPIRED');
    const e = attributes(err.body.match(/<error\b[^>]*>/)![0]);
    expect(e.type).toBe('harness');
    expect(e.message).toBe('transport: connect ECONNREFUSED 127.0.0.1:9 \\x00');
    expect(err.body).toContain('VERDICT: ERROR — transport: connect ECONNREFUSED');
    expect(err.body).toContain('! error: connect ECONNREFUSED 127.0.0.1:9');
    const skip = caseNamed(xml, 'DA-3.10-NO-REUSE');
    expect(skip.body.trim()).toBe(
      '<skipped message="needs an approver (--approver) &lt;none configured&gt; &amp; &quot;quotes&quot;"/>',
    );
  });

  it('passed tests have no system-out', () => {
    const c = caseNamed(xml, 'DA-3.1-POST-FORM');
    expect(c.body).toBe('');
  });

  it('info is a passing testcase whose system-out starts with the verdict', () => {
    const c = caseNamed(xml, 'DA-3.2-INTERVAL');
    expect(c.body).not.toMatch(/<failure|<error|<skipped/);
    expect(c.body).toContain('<system-out>VERDICT: INFO — interval = 5 s\n');
    expect(c.body).toContain('✔ DA-3.2-INTERVAL INFO interval — actual: 5');
  });

  it('system-out of a failed test: verdict, every check, notes, redacted exchanges', () => {
    const c = caseNamed(xml, 'DA-3.5-PENDING');
    const out = decode(c.body.match(/<system-out>([\s\S]*?)<\/system-out>/)![1]);
    expect(out.startsWith('VERDICT: FAILED (MUST) — DA-3.5-PENDING: expected')).toBe(true);
    expect(out).toContain('✘ DA-3.5-PENDING MUST error code while the user has not acted');
    expect(out).toContain('✘ DA-3.5-ERROR-JSON SHOULD error_description is present');
    expect(out).toContain('✔ DA-3.5-PENDING MUST no token issued — actual: none');
    expect(out).toContain('server answered with ANSI colour: \\x1b[1mbold\\x1b[0m');
    expect(out).toContain('> POST https://oidc.example.test/token\n');
    expect(out).toContain('> authorization: Bearer [REDACTED]');
    expect(out).toContain('< 500\n< content-type: text/html\n< x-weird: a\\x1bb]]>');
    expect(out).toContain('> POST https://oidc.example.test/token?x=1&y=2');
    expect(out).toContain('< (the harness cut this body at its size limit)');
    // Hostile text made visible, legal text kept.
    expect(out).toContain('\\x1b[31mred\\x1b[0m NUL:\\x00 BEL:\\x07 VT:\\x0b FF:\\x0c');
    expect(out).toContain('lone:\\ud800 low:\\udc00 emoji:🎉 nonchars:\\ufffe\\uffff CR:\r TAB:\t');
    expect(c.body).toContain('ESC-end ]]&gt; &lt;tag a=&quot;b&quot;&gt;');
    // 5 KiB bodies cut to 4 KiB with the marker.
    expect(out).not.toContain(BIG_BODY);
    expect(out).toMatch(/x… \(\d+ bytes more\)/);
    const more = [...out.matchAll(/… \((\d+) bytes more\)/g)].map((m) => Number(m[1]));
    expect(more).toContain(Buffer.byteLength(BIG_BODY) - 4096);
  });

  it('never leaks a secret that is not in the redacted exchanges', () => {
    expect(JSON.stringify(run)).not.toContain(SECRET);
    expect(xml).not.toContain(SECRET);
  });
});

describe('renderJunit warnings', () => {
  it('default run: a warning passes, with VERDICT: WARNING (SHOULD) first in system-out', () => {
    const c = caseNamed(renderJunit(fixtureRun()), 'DA-3.5-SLOW-DOWN');
    expect(c.body).not.toMatch(/<failure|<error|<skipped/);
    expect(c.body).toContain(
      '<system-out>VERDICT: WARNING (SHOULD) — DA-3.5-SLOW-DOWN: expected slow_down, got authorization_pending\n',
    );
    expect(c.body).toContain('✘ DA-3.5-SLOW-DOWN SHOULD fast polling is slowed down');
  });

  it('strict run: the SHOULD failure and a leftover warning are both failures', () => {
    const xml = renderJunit(strictRun());
    for (const id of ['DA-3.5-SLOW-DOWN', 'DA-3.5-SLOW-DOWN-INTERVAL']) {
      const c = caseNamed(xml, id);
      const a = attributes(c.body.match(/<failure\b[^>]*>/)![0]);
      expect(a.type).toBe(`SHOULD ${id}`);
      expect(c.body).toContain('<system-out>VERDICT: FAILED (SHOULD');
    }
    expect(caseNamed(xml, 'DA-3.5-SLOW-DOWN-INTERVAL').body).toContain(
      'VERDICT: FAILED (SHOULD, --strict) — interval grew by 1 s',
    );
    const root = attributes(xml.match(/<testsuites\b[^>]*>/)![0]);
    expect(root.failures).toBe('4');
  });

  it('names are the same in strict and default runs (no verdict in names)', () => {
    const names = (xml: string) => testcases(xml).map((c) => c.attrs.name);
    const strictNames = names(renderJunit(strictRun()));
    expect(strictNames.slice(0, -1)).toEqual(names(renderJunit(fixtureRun())));
  });

  it('renders an empty run', () => {
    const xml = renderJunit(fixtureRun({ tests: [], durationMs: 0 }));
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<testsuites name="sso-oidc-conformance" tests="0" failures="0" errors="0" time="0.000"/>\n',
    );
  });
});
