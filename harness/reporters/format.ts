/**
 * Text building blocks shared by the reporters (JUnit, console summary, results.json index).
 * Everything here returns plain text; XML escaping happens in junit.ts.
 */
import type { Exchange } from '../http/exchange.ts';
import type { Level, Verdict } from '../api/levels.ts';
import type { CheckResult, RunResult, TestResult } from '../engine/results.ts';
import { specLink } from '../engine/catalogue.ts';

/**
 * The verdict reports show. Under `--strict` the harness already turns warnings into failures;
 * if a `warning` still reaches a strict run's report it is shown as `failed` all the same,
 * except the "no longer deviates" warning of a stale known-deviation entry (the target got
 * better: that is no deviation, --strict or not).
 */
export function effectiveVerdict(test: TestResult, strict: boolean): Verdict {
  const staleOnly = test.stale !== undefined && test.stale.length > 0;
  return strict && test.verdict === 'warning' && !staleOnly ? 'failed' : test.verdict;
}

/**
 * The checks that made a test fail: not-ok MUST checks, and not-ok SHOULD checks under
 * `--strict`. Falls back to every not-ok check (a harness that failed a test otherwise).
 */
export function failingChecks(test: TestResult, strict: boolean): CheckResult[] {
  const notOk = test.checks.filter((c) => !c.ok && !c.known);
  const blocking = notOk.filter((c) => c.level === 'MUST' || (strict && c.level === 'SHOULD'));
  return blocking.length > 0 ? blocking : notOk;
}

/** The not-ok SHOULD checks of a warning (falls back to every not-ok check). */
export function warningChecks(test: TestResult): CheckResult[] {
  const notOk = test.checks.filter((c) => !c.ok && !c.known);
  const should = notOk.filter((c) => c.level === 'SHOULD');
  return should.length > 0 ? should : notOk;
}

/** The failed checks of a test that are listed known deviations. */
export function knownChecks(test: TestResult): CheckResult[] {
  return test.checks.filter((c) => !c.ok && c.known);
}

/** `known deviation: <ID> — <reason> (<evidence>)`: one line, for a known check. */
export function knownLine(check: CheckResult): string {
  return oneLine(
    `known deviation: ${check.requirement} — ${check.known?.reason ?? ''} (${check.known?.evidence ?? ''})`,
  );
}

/** Newlines and other line breaks shown as `⏎` so a value stays on one line. */
export function oneLine(value: string): string {
  return value.replace(/\r\n|[\r\n\u2028\u2029]/g, '⏎');
}

/** Cuts to at most `max` characters (code points, never splitting a pair), ending in `…`. */
export function cutChars(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  return chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3; // lone surrogates too (they encode as U+FFFD)
  return 4;
}

/** Bytes of `value` in UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD). */
export function utf8ByteLength(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/**
 * Cuts `value` to at most `maxBytes` bytes of UTF-8 without splitting a character.
 * `more` is the number of bytes left out (0 when nothing was cut).
 */
export function cutUtf8(value: string, maxBytes: number): { text: string; more: number } {
  const total = utf8ByteLength(value);
  if (total <= maxBytes) return { text: value, more: 0 };
  let bytes = 0;
  let end = 0;
  for (const ch of value) {
    const n = utf8Length(ch.codePointAt(0) ?? 0);
    if (bytes + n > maxBytes) break;
    bytes += n;
    end += ch.length;
  }
  return { text: value.slice(0, end), more: total - bytes };
}

/** Body size shown in reports. */
export const BODY_LIMIT_BYTES = 4096;

/** A body cut to {@link BODY_LIMIT_BYTES}, with `… (N bytes more)` when cut. */
export function cutBody(body: string): string {
  const { text, more } = cutUtf8(body, BODY_LIMIT_BYTES);
  return more > 0 ? `${text}… (${more} bytes more)` : text;
}

/** Milliseconds as seconds with exactly 3 decimals, never negative, never an exponent. */
export function formatSeconds(ms: number): string {
  const s = Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
  return s < 1e15 ? s.toFixed(3) : '999999999999999.000';
}

/** `a | b`, or a placeholder when no outcome was listed. */
export function expectedText(expected: string[]): string {
  return expected.length > 0 ? expected.map(oneLine).join(' | ') : '(not specified)';
}

/** `<ID>: expected <a | b>, got <actual>`: one line, at most `max` characters. */
export function checkSummary(check: CheckResult, max = 300): string {
  return cutChars(
    `${check.requirement}: expected ${expectedText(check.expected)}, got ${oneLine(check.actual)}`,
    max,
  );
}

/**
 * `✔/✘ <ID> <level> <description> — actual: …` (and the exchange it looked at); `≈` and the
 * reason for a known deviation.
 */
export function checkLine(check: CheckResult): string {
  const seq = check.exchangeSeq !== undefined ? ` (exchange #${check.exchangeSeq})` : '';
  const known = check.known ? ` — ${knownLine(check)}` : '';
  return `${check.ok ? '✔' : check.known ? '≈' : '✘'} ${check.requirement} ${check.level} ${oneLine(
    check.description,
  )} — actual: ${oneLine(check.actual)}${seq}${known}`;
}

/** The block a failed check gets in a JUnit failure and in the console summary. */
export function checkBlock(check: CheckResult): string[] {
  const block = [
    `Requirement: ${check.requirement} (${check.level})`,
    `Check: ${oneLine(check.description)}`,
    `Expected (any of): ${expectedText(check.expected)}`,
    `Actual: ${oneLine(check.actual)}`,
  ];
  // Where the requirement is written, last so that the h2spec-style lines above keep their place.
  const spec = specLink(check.requirement);
  if (spec) block.push(`Spec: ${spec}`);
  if (check.known)
    block.push(
      `Known deviation: ${oneLine(check.known.reason)}`,
      `Evidence: ${oneLine(check.known.evidence)}`,
    );
  return block;
}

/** One-line reason of a test, made up from its checks when the harness gave none. */
export function reasonOf(test: TestResult, verdict: Verdict, strict: boolean): string {
  if (test.reason && test.reason.trim() !== '') return oneLine(test.reason);
  const checks =
    verdict === 'failed'
      ? failingChecks(test, strict)
      : verdict === 'warning'
        ? warningChecks(test)
        : verdict === 'known'
          ? knownChecks(test)
          : [];
  if (checks.length > 0) return checkSummary(checks[0], 1000);
  return '(no reason given)';
}

/** Level shown for a failure: the level of its first failing check, else the test's. */
export function failureLevel(test: TestResult, strict: boolean): Level {
  return failingChecks(test, strict)[0]?.level ?? test.level;
}

/** `VERDICT: …` first line of a test's details. */
export function verdictLine(test: TestResult, strict: boolean): string {
  const verdict = effectiveVerdict(test, strict);
  const reason = reasonOf(test, verdict, strict);
  switch (verdict) {
    case 'failed': {
      const level = failureLevel(test, strict);
      const how = test.verdict === 'warning' ? `${level}, --strict` : level;
      return `VERDICT: FAILED (${how}) — ${reason}`;
    }
    case 'warning':
      return test.stale?.length
        ? `VERDICT: WARNING — ${reason}`
        : `VERDICT: WARNING (SHOULD) — ${reason}`;
    case 'known':
      return `VERDICT: KNOWN DEVIATION — ${reason}`;
    case 'info':
      return `VERDICT: INFO — ${reason}`;
    case 'error':
      return `VERDICT: ERROR — ${reason}`;
    case 'skipped':
      return `VERDICT: SKIPPED — ${reason}`;
    case 'passed':
      return 'VERDICT: PASSED';
  }
}

function headerLines(prefix: string, headers: Record<string, string> | undefined): string[] {
  return Object.entries(headers ?? {}).map(([k, v]) => `${prefix} ${k}: ${oneLine(String(v))}`);
}

/**
 * An exchange as text, close to `curl -v`: `>` request line and headers, body; `<` status and
 * headers, body; `!` transport error. Bodies are cut to 4 KiB.
 */
export function exchangeText(exchange: Exchange): string[] {
  const lines: string[] = [];
  const req = exchange.request;
  lines.push(
    `--- exchange #${exchange.seq} (${exchange.startedAt}, ${Math.round(exchange.durationMs)} ms)`,
  );
  lines.push(`> ${req.method} ${oneLine(req.url)}`);
  lines.push(...headerLines('>', req.headers));
  if (req.body !== undefined && req.body !== '') {
    lines.push('>', cutBody(req.body));
  }
  const res = exchange.response;
  if (res) {
    lines.push(`< ${res.status}`);
    lines.push(...headerLines('<', res.headers));
    if (res.body !== '') lines.push('<', cutBody(res.body));
    if (res.truncated) lines.push('< (the harness cut this body at its size limit)');
  }
  if (exchange.error !== undefined) lines.push(`! error: ${oneLine(exchange.error)}`);
  return lines;
}

/**
 * Everything a reader needs to understand a non-passing test: verdict line, checks,
 * notes, curl, exchanges.
 */
export function testDetails(test: TestResult, strict: boolean): string {
  const lines = [verdictLine(test, strict)];
  lines.push(`Test: ${oneLine(test.name)} [${test.level}]`);
  if (test.requirements.length > 0) lines.push(`Requirements: ${test.requirements.join(', ')}`);
  if (test.checks.length > 0) {
    lines.push('', 'Checks:');
    for (const c of test.checks) lines.push(`  ${checkLine(c)}`);
  }
  if (test.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const n of test.notes) lines.push(`  - ${n}`);
  }
  if (test.curl) lines.push('', 'Reproduce:', test.curl);
  if (test.exchanges.length > 0) {
    lines.push('', `Exchanges (${test.exchanges.length}, redacted):`);
    for (const e of test.exchanges) lines.push(...exchangeText(e));
  }
  return lines.join('\n') + '\n';
}

/** Counts per verdict as reports show them. */
export function countVerdicts(run: RunResult): Record<Verdict, number> {
  const counts: Record<Verdict, number> = {
    passed: 0,
    failed: 0,
    warning: 0,
    known: 0,
    info: 0,
    skipped: 0,
    error: 0,
  };
  for (const t of run.tests) counts[effectiveVerdict(t, run.strict)]++;
  return counts;
}
