/**
 * In GitHub Actions (GITHUB_ACTIONS=true in the environment): the run's Markdown summary is
 * appended to the file named by $GITHUB_STEP_SUMMARY, and one `::error` annotation per failed
 * requirement is printed. The environment and the outputs are injected (tests pass their own).
 */
import { appendFile } from 'node:fs/promises';
import type { RunResult } from '../../engine/results.ts';
import { COULD_NOT_RUN, errorCommand, renderAnnotations } from './annotations.ts';
import { failedRequirements } from './failures.ts';
import { renderStepSummary } from './step-summary.ts';

export interface GitHubOutputs {
  /** The workflow commands go here (stdout: the runner reads them there). */
  print(line: string): void;
  /** A line that says what could not be done (stderr). */
  warn(line: string): void;
  append?: (file: string, text: string) => Promise<void>;
}

/** Whether the run is a step of a GitHub Actions job. */
export function inGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/**
 * Writes the summary and the annotations when `env` is GitHub Actions'; does nothing otherwise.
 * A summary file that cannot be written is a warning: the run's verdict stands.
 */
export async function reportToGitHub(
  run: RunResult,
  env: NodeJS.ProcessEnv,
  outputs: GitHubOutputs,
): Promise<void> {
  if (!inGitHubActions(env)) return;
  const failed = failedRequirements(run);
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) {
    try {
      await (outputs.append ?? appendFileUtf8)(file, renderStepSummary(run, failed) + '\n');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code ?? (e as Error)?.message;
      outputs.warn(`cannot append the step summary to $GITHUB_STEP_SUMMARY: ${code}`);
    }
  }
  for (const line of renderAnnotations(run, failed)) outputs.print(line);
}

/**
 * A command that could not run (its one-line error, as printed on stderr): an `::error`
 * annotation in GitHub Actions, so that a red job says why on its page.
 */
export function annotateCouldNotRun(
  message: string,
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
): void {
  if (inGitHubActions(env)) print(errorCommand(COULD_NOT_RUN, message));
}

function appendFileUtf8(file: string, text: string): Promise<void> {
  return appendFile(file, text, 'utf8');
}
