/**
 * JUnit XML report, valid against the Jenkins xUnit plugin's `junit-10.xsd` (the only JUnit
 * schema a CI tool enforces) and readable by the Jenkins `junit` step, GitLab and the GitHub
 * reporter actions:
 *
 * - root `<testsuites name tests failures errors time>` (no other attribute is allowed there);
 * - one `<testsuite>` per suite, `time` with 3 decimals, `timestamp` as `YYYY-MM-DDTHH:MM:SS`;
 * - one `<testcase name classname time>` per test (no `<properties>`, no other attribute);
 * - `failed` → `<failure>`, `error` → `<error>`, `skipped` → `<skipped>`; `warning`/`info`
 *   pass, with the verdict on the first line of `<system-out>`; `known` (every failure a listed
 *   known deviation) → `<skipped message="known deviation: ID — reason (evidence)">`: CI stays
 *   green, and the test stands out from the passes;
 * - `<system-out>` (checks, notes, curl, redacted exchanges) for every test that did not pass,
 *   skipped ones included when they saw something before they stopped. The exchanges are those
 *   the run kept (--exchanges, see engine/kept-exchanges.ts): by default a skipped test shows
 *   its checks and notes only, as in results.json.
 */
import type { Verdict } from '../api/levels.ts';
import type { RunResult, TestResult } from '../engine/results.ts';
import {
  checkBlock,
  checkSummary,
  cutChars,
  effectiveVerdict,
  failingChecks,
  failureLevel,
  formatSeconds,
  knownChecks,
  knownLine,
  reasonOf,
  testDetails,
} from './format.ts';
import { escapeXmlAttr, escapeXmlText } from './xml.ts';

/** Prefix of every `classname`: `sso-oidc-conformance.<suite>`. */
export const CLASSNAME_PREFIX = 'sso-oidc-conformance';

/** Longest `message` attribute on `<failure>`. */
const MESSAGE_MAX = 300;

function attrs(pairs: [string, string | number][]): string {
  return pairs.map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`).join('');
}

/** ISO 8601 instant as `YYYY-MM-DDTHH:MM:SS` (UTC, no fraction, no zone), or undefined. */
export function junitTimestamp(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString().slice(0, 19);
}

/**
 * The test's slug (`AWS-IAM-SIGV4/stale`): a CI tool tracks a test's history by testcase name and
 * classname, so the name holds neither the title (reworded now and then) nor the verdict. The
 * title and level are in the `<system-out>` of a test that failed, warned or errored.
 */
export function testcaseName(test: TestResult): string {
  return test.slug;
}

function failureElement(test: TestResult, strict: boolean): string {
  const checks = failingChecks(test, strict);
  const level = failureLevel(test, strict);
  const requirement = checks[0]?.requirement ?? test.id;
  let message: string;
  if (checks.length > 0) {
    const more = checks.length > 1 ? ` (+${checks.length - 1} more)` : '';
    message = cutChars(checkSummary(checks[0], MESSAGE_MAX - more.length) + more, MESSAGE_MAX);
  } else {
    message = cutChars(reasonOf(test, 'failed', strict), MESSAGE_MAX);
  }
  const blocks = checks.map((c) => checkBlock(c).join('\n'));
  if (blocks.length === 0) blocks.push(`Requirement: ${test.id} (${test.level})\n${message}`);
  let text = blocks.join('\n\n');
  if (test.curl) text += `\n\n${test.curl}`;
  return `<failure${attrs([
    ['message', message],
    ['type', `${level} ${requirement}`],
  ])}>${escapeXmlText(text + '\n')}</failure>`;
}

function testcase(test: TestResult, strict: boolean): { xml: string; verdict: Verdict } {
  const verdict = effectiveVerdict(test, strict);
  const open = `<testcase${attrs([
    ['name', testcaseName(test)],
    ['classname', `${CLASSNAME_PREFIX}.${test.suite}`],
    ['time', formatSeconds(test.durationMs)],
  ])}`;
  const children: string[] = [];
  switch (verdict) {
    case 'passed':
      break;
    case 'failed':
      children.push(failureElement(test, strict));
      break;
    case 'error': {
      const reason = reasonOf(test, verdict, strict);
      children.push(
        `<error${attrs([
          ['message', cutChars(reason, MESSAGE_MAX)],
          ['type', 'harness'],
        ])}>${escapeXmlText(reason + '\n')}</error>`,
      );
      break;
    }
    case 'skipped':
      children.push(`<skipped${attrs([['message', reasonOf(test, verdict, strict)]])}/>`);
      break;
    case 'known': {
      const lines = knownChecks(test).map(knownLine);
      const message =
        lines.length > 0 ? [...new Set(lines)].join('; ') : reasonOf(test, verdict, strict);
      children.push(`<skipped${attrs([['message', cutChars(message, MESSAGE_MAX)]])}/>`);
      break;
    }
    case 'warning':
    case 'info':
      break;
  }
  // A skipped test keeps what it saw before it stopped (checks, notes; exchanges under
  // --exchanges all).
  const sawSomething = test.checks.length > 0 || test.exchanges.length > 0 || test.notes.length > 0;
  if (verdict !== 'passed' && (verdict !== 'skipped' || sawSomething)) {
    children.push(`<system-out>${escapeXmlText(testDetails(test, strict))}</system-out>`);
  }
  const xml =
    children.length === 0
      ? `    ${open}/>`
      : `    ${open}>\n${children.map((c) => `      ${c}`).join('\n')}\n    </testcase>`;
  return { xml, verdict };
}

interface SuiteGroup {
  key: string;
  title: string;
  tests: TestResult[];
}

/** Suites in order of first appearance, tests in run order. */
function groupBySuite(tests: TestResult[]): SuiteGroup[] {
  const groups = new Map<string, SuiteGroup>();
  for (const t of tests) {
    let g = groups.get(t.suite);
    if (!g) groups.set(t.suite, (g = { key: t.suite, title: t.suiteTitle, tests: [] }));
    g.tests.push(t);
  }
  return [...groups.values()];
}

function earliest(isos: string[]): string | undefined {
  let best: number | undefined;
  for (const iso of isos) {
    const ms = Date.parse(iso);
    if (!Number.isNaN(ms) && (best === undefined || ms < best)) best = ms;
  }
  return best === undefined ? undefined : new Date(best).toISOString();
}

function property(name: string, value: string): string {
  return `      <property${attrs([
    ['name', name],
    ['value', value],
  ])}/>`;
}

export function renderJunit(run: RunResult): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const group of groupBySuite(run.tests)) {
    const cases = group.tests.map((t) => testcase(t, run.strict));
    const count = (v: Verdict) => cases.filter((c) => c.verdict === v).length;
    const suiteFailures = count('failed');
    const suiteErrors = count('error');
    tests += cases.length;
    failures += suiteFailures;
    errors += suiteErrors;
    const durationMs = group.tests.reduce(
      (sum, t) => sum + (Number.isFinite(t.durationMs) && t.durationMs > 0 ? t.durationMs : 0),
      0,
    );
    const timestamp =
      junitTimestamp(earliest(group.tests.map((t) => t.startedAt))) ??
      junitTimestamp(run.startedAt);
    const suiteAttrs: [string, string | number][] = [
      ['name', group.key],
      ['tests', cases.length],
      ['failures', suiteFailures],
      ['errors', suiteErrors],
      ['skipped', count('skipped') + count('known')],
      ['time', formatSeconds(durationMs)],
    ];
    if (timestamp) suiteAttrs.push(['timestamp', timestamp]);
    const props = [
      property('suite.title', group.title),
      property('tool', `${run.tool.name} ${run.tool.version}`),
      property('target.kind', run.target.kind),
      property('target.url', run.target.url),
      property('target.profile', run.target.profile),
      property('target.faults', run.target.faults.join(',')),
      property('target.clock', run.target.clock),
      property('target.approver', run.target.approver),
      property('strict', String(run.strict)),
    ];
    suites.push(
      [
        `  <testsuite${attrs(suiteAttrs)}>`,
        '    <properties>',
        ...props,
        '    </properties>',
        ...cases.map((c) => c.xml),
        '  </testsuite>',
      ].join('\n'),
    );
  }
  const root = `<testsuites${attrs([
    ['name', CLASSNAME_PREFIX],
    ['tests', tests],
    ['failures', failures],
    ['errors', errors],
    ['time', formatSeconds(run.durationMs)],
  ])}`;
  const body = suites.length === 0 ? `${root}/>` : `${root}>\n${suites.join('\n')}\n</testsuites>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}
