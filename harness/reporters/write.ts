/**
 * Writes the run's report files into a directory, each atomically (temp name in the same
 * directory, then rename), so a CI step that collects `junit.xml` never reads half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../engine/results.ts';
import { renderJunit } from './junit.ts';
import { buildResultsJson, renderResultsJson } from './results-json.ts';
import { renderHtmlReport } from './html/page.ts';

/** One report file: its name in the report directory and how to render it. */
export interface ReportFile {
  file: string;
  render(run: RunResult): string;
}

/** The files {@link writeReports} writes, in order. */
export const REPORT_FILES: readonly ReportFile[] = [
  { file: 'junit.xml', render: renderJunit },
  { file: 'results.json', render: renderResultsJson },
  // A function of results.json alone (the `report` command renders it again from the file).
  { file: 'report.html', render: (run) => renderHtmlReport(buildResultsJson(run)) },
];

/** Writes `content` to `target` via a temporary file in the same directory and a rename. */
export async function writeFileAtomic(target: string, content: string): Promise<void> {
  const tmp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(tmp, content, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes `junit.xml`, `results.json` and `report.html` into `dir` (created if missing) and returns their paths
 * (`dir` joined with the file name), in {@link REPORT_FILES} order.
 */
export async function writeReports(run: RunResult, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  // Render everything first: a rendering bug must not leave one new file next to an old one.
  const rendered = REPORT_FILES.map((r) => ({
    target: path.join(dir, r.file),
    content: r.render(run),
  }));
  for (const { target, content } of rendered) await writeFileAtomic(target, content);
  return rendered.map((r) => r.target);
}
