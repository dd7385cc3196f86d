/**
 * A real browser for the tests that read the reports as a user would: Debian's chromium
 * (installed by .ci/run), driven by playwright-core. Where there is none, CHROMIUM is undefined
 * and the tests skip with SKIP_REASON.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type ConsoleMessage, type Page, type Request } from 'playwright-core';

function findChromium(): string | undefined {
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (existsSync(candidate)) return candidate;
  }
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

/** The browser's path, or undefined when this machine has none. */
export const CHROMIUM = findChromium();

export const SKIP_REASON =
  'no chromium on this machine (apt-get install chromium; .ci/run installs it): the browser checks of report.html and compare.html are skipped';

/** What the page did besides rendering: console errors, page errors, every request. */
export interface PageLog {
  errors: string[];
  requests: string[];
}

/**
 * Opens a headless chromium page, runs `use` with it, and closes the browser whatever happens.
 * Bounded: the launch and every action have a time limit.
 */
export async function withPage<T>(use: (page: Page, log: PageLog) => Promise<T>): Promise<T> {
  if (!CHROMIUM) throw new Error(SKIP_REASON);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    // root (CI containers) cannot use chromium's sandbox.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(15_000);
    const log: PageLog = { errors: [], requests: [] };
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') log.errors.push(m.text());
    });
    page.on('pageerror', (e: Error) => log.errors.push(e.message));
    page.on('request', (r: Request) => log.requests.push(r.url()));
    return await use(page, log);
  } finally {
    await browser.close();
  }
}
