/**
 * Hand-built RunResults for the reporter tests: every verdict, strict mode, and hostile text
 * (ANSI escapes, NUL, `]]>`, lone surrogates, emoji, 5 KiB bodies) in redacted exchanges.
 */
import type { Exchange } from '../../harness/http/exchange.ts';
import {
  summarize,
  type CheckResult,
  type RunResult,
  type TestResult,
} from '../../harness/engine/results.ts';

/** A value that must never reach a report: it appears nowhere in the fixtures below. */
export const SECRET = 'aoa-live-7f3c9e1d4b8a2f60';

/** Text a hostile or broken server could send back. */
export const HOSTILE =
  '\x1b[31mred\x1b[0m NUL:\x00 BEL:\x07 VT:\x0b FF:\x0c ESC-end ]]> <tag a="b"> & \'q\' ' +
  'lone:\ud800 low:\udc00 emoji:🎉 nonchars:\ufffe\uffff CR:\r TAB:\t end';

/** 5 KiB of JSON-ish text: cut to 4 KiB in reports. */
export const BIG_BODY = JSON.stringify({ padding: 'x'.repeat(5 * 1024) });

const T0 = '2026-11-29T10:00:00.000Z';

function exchange(seq: number, over: Partial<Exchange> = {}): Exchange {
  return {
    seq,
    startedAt: `2026-11-29T10:00:0${seq}.123Z`,
    durationMs: 12.5 * seq,
    request: {
      method: 'POST',
      url: 'https://oidc.example.test/token',
      headers: { 'content-type': 'application/json', authorization: 'Bearer [REDACTED]' },
      body: '{"clientId":"client-1","clientSecret":"[REDACTED]","deviceCode":"[REDACTED]"}',
    },
    response: {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: '{"error":"authorization_pending"}',
    },
    ...over,
  };
}

function check(over: Partial<CheckResult> & Pick<CheckResult, 'requirement'>): CheckResult {
  return {
    level: 'MUST',
    ok: true,
    description: 'response status',
    expected: ['400'],
    actual: '400',
    ...over,
  };
}

function test(over: Partial<TestResult> & Pick<TestResult, 'id' | 'name'>): TestResult {
  return {
    slug: over.id,
    requirements: [over.id],
    level: 'MUST',
    suite: 'create-token-device',
    suiteTitle: 'CreateToken with the device code grant',
    verdict: 'passed',
    failedRequirements: [],
    checks: [],
    notes: [],
    exchanges: [],
    needs: { approver: false, waitSeconds: 0 },
    startedAt: T0,
    durationMs: 10,
    ...over,
  };
}

export function fixtureTests(): TestResult[] {
  return [
    test({
      id: 'DA-3.1-POST-FORM',
      name: 'DA-3.1-POST-FORM device authorization accepts a POST',
      suite: 'start-device-authorization',
      suiteTitle: 'StartDeviceAuthorization',
      startedAt: '2026-11-29T09:59:58.250Z',
      durationMs: 1234.5678,
      checks: [
        check({
          requirement: 'DA-3.1-POST-FORM',
          description: 'status',
          expected: ['200'],
          actual: '200',
        }),
      ],
      exchanges: [exchange(1, { response: { status: 200, headers: {}, body: '{}' } })],
    }),
    test({
      id: 'DA-3.10-NO-REUSE',
      name: 'DA-3.10-NO-REUSE a device code cannot be used twice',
      suite: 'start-device-authorization',
      suiteTitle: 'StartDeviceAuthorization',
      verdict: 'skipped',
      reason: 'needs an approver (--approver) <none configured> & "quotes"',
      needs: { approver: true, waitSeconds: 0 },
      durationMs: 0,
    }),
    test({
      id: 'DA-3.5-PENDING',
      name: 'DA-3.5-PENDING until the user acts, polls get authorization_pending',
      requirements: ['DA-3.5-PENDING', 'DA-3.5-ERROR-JSON'],
      verdict: 'failed',
      reason: 'DA-3.5-PENDING: expected error authorization_pending, got 500',
      failedRequirements: ['DA-3.5-PENDING', 'DA-3.5-ERROR-JSON'],
      durationMs: 321.9876,
      checks: [
        check({
          requirement: 'DA-3.5-PENDING',
          description: 'error code while the user has not acted',
          expected: ['400 authorization_pending', '400 slow_down'],
          actual: `500 ${HOSTILE}`,
          ok: false,
          exchangeSeq: 1,
        }),
        check({
          requirement: 'DA-3.5-ERROR-JSON',
          description: 'error body is JSON',
          expected: ['application/json'],
          actual: 'text/html',
          ok: false,
          exchangeSeq: 1,
        }),
        check({
          requirement: 'DA-3.5-ERROR-JSON',
          level: 'SHOULD',
          description: 'error_description is present',
          expected: ['a string'],
          actual: 'absent',
          ok: false,
        }),
        check({ requirement: 'DA-3.5-PENDING', description: 'no token issued', actual: 'none' }),
      ],
      notes: ['server answered with ANSI colour: \x1b[1mbold\x1b[0m'],
      curl: "curl -sS -X POST 'https://oidc.example.test/token' -H 'content-type: application/json' --data '{\"deviceCode\":\"[REDACTED]\"}'",
      exchanges: [
        exchange(1, {
          response: {
            status: 500,
            headers: { 'content-type': 'text/html', 'x-weird': 'a\x1bb]]>' },
            body: HOSTILE + BIG_BODY,
          },
        }),
        exchange(2, {
          request: {
            method: 'POST',
            url: 'https://oidc.example.test/token?x=1&y=2',
            headers: { 'content-type': 'application/json' },
            body: BIG_BODY,
          },
          response: {
            status: 500,
            headers: {},
            body: BIG_BODY,
            truncated: true,
          },
        }),
      ],
    }),
    test({
      id: 'DA-3.5-SLOW-DOWN',
      name: 'DA-3.5-SLOW-DOWN polling too fast gets slow_down',
      level: 'SHOULD',
      verdict: 'warning',
      reason: 'DA-3.5-SLOW-DOWN: expected slow_down, got authorization_pending',
      checks: [
        check({
          requirement: 'DA-3.5-SLOW-DOWN',
          level: 'SHOULD',
          description: 'fast polling is slowed down',
          expected: ['400 slow_down'],
          actual: '400 authorization_pending',
          ok: false,
          exchangeSeq: 1,
        }),
      ],
      exchanges: [exchange(1)],
    }),
    test({
      id: 'DA-3.2-INTERVAL',
      name: 'DA-3.2-INTERVAL the interval the server sends',
      level: 'INFO',
      verdict: 'info',
      reason: 'interval = 5 s',
      checks: [
        check({
          requirement: 'DA-3.2-INTERVAL',
          level: 'INFO',
          description: 'interval',
          expected: ['any'],
          actual: '5',
        }),
      ],
      exchanges: [exchange(1, { response: { status: 200, headers: {}, body: '{"interval":5}' } })],
    }),
    test({
      id: 'DA-3.4-EXPIRED',
      name: 'DA-3.4-EXPIRED an expired device code gets expired_token',
      verdict: 'error',
      reason: 'transport: connect ECONNREFUSED 127.0.0.1:9 \x00',
      durationMs: 5000.0004,
      exchanges: [exchange(1, { response: undefined, error: 'connect ECONNREFUSED 127.0.0.1:9' })],
    }),
    test({
      id: 'DA-3.4-DENIED',
      name: 'DA-3.4-DENIED a denied request gets access_denied',
      verdict: 'failed',
      reason: 'the token endpoint returned 200 for a denied request',
      failedRequirements: ['DA-3.4-DENIED'],
      notes: ['no checks recorded: the harness gave only a reason'],
    }),
  ];
}

export function fixtureRun(over: Partial<RunResult> = {}): RunResult {
  const tests = over.tests ?? fixtureTests();
  return {
    tool: { name: 'sso-oidc-conformance', version: '0.1.0' },
    startedAt: T0,
    finishedAt: '2026-11-29T10:00:07.654Z',
    durationMs: 7654.321987,
    target: {
      kind: 'remote',
      url: 'https://oidc.example.test/',
      profile: 'aws',
      faults: [],
      clock: 'real',
      approver: 'none',
    },
    strict: false,
    summary: summarize(tests),
    exitCode: 2,
    problems: ['DA-3.4-EXPIRED: could not reach the target (connect ECONNREFUSED)'],
    tests,
    ...over,
  };
}

/**
 * A strict run: the harness turned the SHOULD failure into `failed`; a second SHOULD test
 * still says `warning` (a harness that forgot) and must be reported as a failure all the same.
 */
export function strictRun(): RunResult {
  const tests = fixtureTests().map((t) =>
    t.id === 'DA-3.5-SLOW-DOWN'
      ? { ...t, verdict: 'failed' as const, failedRequirements: ['DA-3.5-SLOW-DOWN'] }
      : t,
  );
  tests.push({
    ...tests.find((t) => t.id === 'DA-3.5-SLOW-DOWN')!,
    id: 'DA-3.5-SLOW-DOWN-INTERVAL',
    slug: 'DA-3.5-SLOW-DOWN-INTERVAL',
    name: 'DA-3.5-SLOW-DOWN-INTERVAL slow_down adds 5 s to the interval',
    requirements: ['DA-3.5-SLOW-DOWN-INTERVAL'],
    verdict: 'warning',
    failedRequirements: [],
    reason: 'interval grew by 1 s',
    checks: [
      {
        requirement: 'DA-3.5-SLOW-DOWN-INTERVAL',
        level: 'SHOULD',
        ok: false,
        description: 'interval after slow_down',
        expected: ['+5 s'],
        actual: '+1 s',
      },
    ],
  });
  return fixtureRun({ strict: true, tests, exitCode: 1 });
}

/**
 * A real embedded run whose tests end in every verdict: no-error-type-header fails; the
 * Cache-Control faults are AWS's listed deviations (known); the list's expiry entry is then not
 * reached by a failure (stale, a warning); refresh token replay is one of the list's unverified
 * behaviours (a finding to confirm); info, skipped and passed as in any run.
 */
export const EVERY_VERDICT_RUN = {
  faults: ['no-error-type-header', 'no-cache-control', 'sda-cacheable', 'replay-no-family-revoke'],
  knownDeviations: 'aws',
  numRuns: 30,
} as const;
