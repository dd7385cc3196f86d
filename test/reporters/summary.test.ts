import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../harness/reporters/summary.ts';
import { fixtureRun, SECRET, strictRun } from './fixture.ts';

const ANSI = /\x1b\[[0-9;]*m/g;

describe('renderSummary', () => {
  const plain = renderSummary(fixtureRun(), { color: false });
  const lines = plain.split('\n');

  it('has no ANSI (and no raw control characters) without colour', () => {
    expect(plain).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });

  it('colours only with color: true, and the text is the same once colours are removed', () => {
    const color = renderSummary(fixtureRun(), { color: true });
    expect(color).toMatch(ANSI);
    expect(color.replace(ANSI, '')).toBe(plain);
  });

  it('one line per requirement, sorted by ID, with the verdict of its checks and its tests', () => {
    const start = lines.indexOf('Requirements (8)');
    expect(start).toBeGreaterThanOrEqual(0);
    const req = lines.slice(start + 1, start + 9).map((l) => l.trim());
    expect(req.map((l) => l.split(/\s+/)[1])).toEqual([
      'DA-3.1-POST-FORM',
      'DA-3.2-INTERVAL',
      'DA-3.4-DENIED',
      'DA-3.4-EXPIRED',
      'DA-3.5-ERROR-JSON',
      'DA-3.5-PENDING',
      'DA-3.5-SLOW-DOWN',
      'DA-3.10-NO-REUSE',
    ]);
    // `·`: not judged (the test citing it skipped, or failed on another ID's check).
    expect(req.map((l) => l[0])).toEqual(['✔', 'ℹ', '·', '⊗', '✘', '✘', '⚠', '·']);
    expect(req[2]).toMatch(/^· DA-3\.4-DENIED +✘ a denied request gets access_denied$/);
    expect(req[5]).toMatch(
      /^✘ DA-3\.5-PENDING +until the user acts, polls get authorization_pending$/,
    );
    expect(req[4]).toContain('DA-3.5-PENDING until the user acts');
  });

  it('details failed and warning tests h2spec-style, with the curl line', () => {
    const text = plain;
    expect(text).toContain(
      '  ✘ DA-3.5-PENDING until the user acts, polls get authorization_pending [MUST]\n' +
        '      Requirement: DA-3.5-PENDING (MUST)\n' +
        '        Check: error code while the user has not acted\n' +
        '        Expected (any of): 400 authorization_pending | 400 slow_down\n' +
        '        Actual: 500 \\x1b[31mred\\x1b[0m NUL:\\x00',
    );
    expect(text).toContain('        Actual: text/html\n      $ curl -sS -X POST');
    expect(text).toContain(
      '  ⚠ DA-3.5-SLOW-DOWN polling too fast gets slow_down [SHOULD]\n' +
        '      Requirement: DA-3.5-SLOW-DOWN (SHOULD)\n',
    );
    expect(text).toContain('      Error: transport: connect ECONNREFUSED 127.0.0.1:9 \\x00');
    expect(text).toContain('lone:\\ud800 low:\\udc00 emoji:🎉');
    // Passed, info and skipped tests get no details.
    expect(text).not.toContain('✔ DA-3.1-POST-FORM device authorization accepts a POST [MUST]');
    expect(text).not.toContain(SECRET);
  });

  it('ends with totals and problems', () => {
    expect(
      plain.endsWith(
        '1 passed, 2 failed, 1 warnings, 1 info, 1 skipped, 1 errors; 5 requirements judged (2 failed), 3 not judged; 6 requests, 0 registrations in 7.7s\n' +
          'Problem: DA-3.4-EXPIRED: could not reach the target (connect ECONNREFUSED)\n',
      ),
    ).toBe(true);
  });

  it('under --strict warnings are counted and shown as failures', () => {
    const text = renderSummary(strictRun(), { color: false });
    expect(text).toContain('1 passed, 4 failed, 0 warnings');
    expect(text).toContain(
      '  ✘ DA-3.5-SLOW-DOWN-INTERVAL slow_down adds 5 s to the interval [SHOULD]',
    );
  });
});
