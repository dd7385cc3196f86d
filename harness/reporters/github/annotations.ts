/**
 * GitHub Actions workflow commands: one `::error` annotation per failed requirement (and per
 * problem of a run that could not run), escaped as GitHub's toolkit does (actions/toolkit,
 * core/src/command.ts): `%`, CR and LF in the message; those and `:` and `,` in properties. A
 * newline in a target's text therefore cannot start a workflow command of its own.
 */
import type { RunResult } from '../../engine/results.ts';
import { cutChars } from '../format.ts';
import type { FailedRequirement } from './failures.ts';

/** GitHub shows at most 10 error annotations per step and 50 per job: more are lost. */
export const MAX_ANNOTATIONS = 50;
/** Problems of a run that could not run, annotated (the rest are in the summary). */
const MAX_PROBLEMS = 5;
const TITLE_MAX = 200;
const MESSAGE_MAX = 4000;
/** Tests named in one annotation's message. */
const TESTS_MAX = 5;

/** The title of the annotation of a run (or any command) that could not run. */
export const COULD_NOT_RUN = 'sso-oidc-conformance could not run';

/** A message of a workflow command: `%`, CR and LF escaped. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value of a workflow command: as a message, and `:` and `,` too. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error title=<title>::<message>`, one line. */
export function errorCommand(title: string, message: string): string {
  return `::error title=${escapeProperty(cutChars(title, TITLE_MAX))}::${escapeData(cutChars(message, MESSAGE_MAX))}`;
}

function requirementAnnotation(r: FailedRequirement): string {
  const title = `${r.id} (${r.level})${r.behaviour ? `: ${r.behaviour}` : ''}`;
  const lines = r.tests
    .slice(0, TESTS_MAX)
    .map((t) => `${t.name}: expected ${t.expected}, got ${t.actual}`);
  if (r.tests.length > TESTS_MAX) lines.push(`and ${r.tests.length - TESTS_MAX} more tests`);
  return errorCommand(title, lines.join('\n') || 'failed (see results.json)');
}

/** The annotations of a run, one per line, at most MAX_ANNOTATIONS (the last says what is left). */
export function renderAnnotations(run: RunResult, failed: readonly FailedRequirement[]): string[] {
  const out: string[] = [];
  if (run.exitCode === 2)
    for (const p of run.problems.slice(0, MAX_PROBLEMS)) out.push(errorCommand(COULD_NOT_RUN, p));
  const room = MAX_ANNOTATIONS - out.length;
  const shown = failed.length > room ? room - 1 : failed.length;
  for (const r of failed.slice(0, shown)) out.push(requirementAnnotation(r));
  if (shown < failed.length)
    out.push(
      errorCommand(
        `${failed.length - shown} more failed requirements`,
        `${failed
          .slice(shown)
          .map((r) => r.id)
          .join(', ')}: see the step summary and results.json`,
      ),
    );
  return out;
}
