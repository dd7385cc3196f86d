/**
 * `compare`: reads the runs' results.json, builds the matrix (compare.json) and renders it as
 * compare.md and compare.html, written atomically into the output directory.
 */
import path from 'node:path';
import { writeFileAtomic } from '../write.ts';
import { loadRun, type LoadedRun } from './load.ts';
import { renderCompareHtml } from './html.ts';
import { renderCompareMarkdown } from './markdown.ts';
import { buildComparison, type Comparison } from './matrix.ts';

/** The files written, in this order. */
export const COMPARE_FILES = ['compare.json', 'compare.md', 'compare.html'] as const;

export interface CompareOutcome {
  comparison: Comparison;
  /** Paths of the files written, in {@link COMPARE_FILES} order. */
  paths: string[];
}

/** Reads every input first: a bad one stops the command before anything is created. */
export async function loadRuns(files: readonly string[]): Promise<LoadedRun[]> {
  const inputs = [];
  for (const file of files) inputs.push(await loadRun(file));
  return inputs;
}

/** Writes the comparison of `inputs` into `outDir` (which must exist). */
export async function writeComparison(
  inputs: readonly LoadedRun[],
  outDir: string,
  names?: readonly string[],
): Promise<CompareOutcome> {
  const comparison = buildComparison(inputs, outDir, names);
  // Rendered before any is written: a rendering bug leaves no new file beside old ones.
  const contents = [
    JSON.stringify(comparison, null, 2) + '\n',
    renderCompareMarkdown(comparison),
    renderCompareHtml(comparison),
  ];
  const paths = COMPARE_FILES.map((f) => path.join(outDir, f));
  for (const [i, target] of paths.entries()) await writeFileAtomic(target, contents[i]!);
  return { comparison, paths };
}

/** Compares the runs of `files` into `outDir` (which must exist). */
export async function compareRuns(
  files: readonly string[],
  outDir: string,
  names?: readonly string[],
): Promise<CompareOutcome> {
  return writeComparison(await loadRuns(files), outDir, names);
}
