/**
 * Real time: `serve --port 0 --interval 1 --expires-in 8` as a child process, and the suite run
 * against it with --target. The runs share the wall clock (about 20 s in all).
 *
 * Between the CLI and the conformant server sits a recording proxy in this process: it sees
 * every client secret, access token and refresh token the server hands out, so that the test can
 * look for those exact values in the CLI's output and reports.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS } from '../../reference/faults.ts';
import {
  CLEAR_SECRET,
  CURL_APPROVER,
  readJson,
  runCli,
  startServe,
  STACK_LINE,
  tempDir,
  type Served,
} from './helpers.ts';

const SECRET_MEMBERS = ['clientSecret', 'accessToken', 'refreshToken'] as const;

/**
 * The waits of the 8 s device codes run; OA-4.1.2-CODE-EXPIRY's 10 minutes (the RECOMMENDED
 * longest authorization code lifetime, whatever the server) are skipped.
 */
const SHORT_WAITS = ['--max-wait', '120'];

interface Proxy {
  url: string;
  secrets: Map<(typeof SECRET_MEMBERS)[number], Set<string>>;
  close(): Promise<void>;
}

/** Forwards everything to `upstream` and collects the secret members of JSON responses. */
function recordingProxy(upstream: string): Promise<Proxy> {
  const secrets: Proxy['secrets'] = new Map(SECRET_MEMBERS.map((m) => [m, new Set<string>()]));
  const server: Server = createServer((req, res) => {
    const forward = request(
      `${upstream}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(upstream).host } },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          try {
            const json = JSON.parse(body.toString('utf8'));
            for (const m of SECRET_MEMBERS)
              if (typeof json?.[m] === 'string' && json[m] !== '') secrets.get(m)!.add(json[m]);
          } catch {
            // Not JSON: nothing to record.
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(body);
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        secrets,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

let conformant: Served;
let faulty: Served;
let proxy: Proxy;
const times: Record<string, number> = {};

beforeAll(async () => {
  [conformant, faulty] = await Promise.all([
    startServe(['--interval', '1', '--expires-in', '8']),
    startServe(['--interval', '1', '--expires-in', '8', '--fault', 'secret-not-checked']),
  ]);
  proxy = await recordingProxy(conformant.url);
}, 30_000);

afterAll(async () => {
  await Promise.all([proxy?.close(), conformant?.stop(), faulty?.stop()]);
  console.log(
    'real-time runs against `serve --interval 1 --expires-in 8`, wall time (ms, run at the same time):\n' +
      Object.entries(times)
        .map(([k, v]) => `  ${k.padEnd(40)} ${v}`)
        .join('\n'),
  );
});

describe.concurrent('real time, against `serve`', () => {
  it('serve --port 0 prints the URL it listens on', () => {
    expect(conformant.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(conformant.output()).toMatch(/interval 1 s, expiresIn 8 s, clock real/);
  });

  it('tests of what the verification page accepts run only with --approver-uses-page', async () => {
    const pageTests = '^(DA-6\\.1-(NORM|STRIP)|DA-5\\.2-UC-SINGLE|DA-3\\.5-EXPIRED-UC)';
    const run = async (extra: string[], code: number) => {
      const reports = tempDir();
      const r = await runCli(
        [
          ...['--target', conformant.url, '--reports', reports, '--grep', pageTests],
          ...['--approver', 'exec', '--approver-command', CURL_APPROVER, ...extra],
        ],
        { killAfterMs: 60_000 },
      );
      expect(r.code, r.stderr + r.stdout.slice(-4000)).toBe(code);
      return readJson(path.join(reports, 'results.json')).tests as any[];
    };
    // Without the flag every selected test skips: nothing was judged (exit 3).
    const [without, withFlag] = await Promise.all([run([], 3), run(['--approver-uses-page'], 0)]);
    expect(without.map((t) => t.id).sort()).toEqual([
      'DA-3.5-EXPIRED-UC',
      'DA-5.2-UC-SINGLE-USE',
      'DA-6.1-NORM-CASE',
      'DA-6.1-NORM-PUNCT',
      'DA-6.1-STRIP-OTHER',
    ]);
    for (const t of without) {
      expect(t.verdict, t.name).toBe('skipped');
      expect(t.reason, t.name).toMatch(/--approver-uses-page/);
    }
    // The admin route normalises codes as the page does: the typed forms are accepted.
    expect(withFlag.map((t) => [t.id, t.verdict])).toEqual(without.map((t) => [t.id, 'passed']));
  });

  it('--approver exec with curl to the admin routes: exit 0, no secret in clear anywhere', async () => {
    const reports = tempDir();
    const r = await runCli(
      [
        ...['--target', proxy.url, '--reports', reports, ...SHORT_WAITS],
        ...['--approver', 'exec', '--approver-command', CURL_APPROVER],
      ],
      { killAfterMs: 100_000 },
    );
    times['--approver exec (through the proxy)'] = Math.round(r.ms);
    expect(r.code, r.stderr + r.stdout.slice(-4000)).toBe(0);
    expect(r.ms).toBeLessThan(60_000);
    const results = readJson(path.join(reports, 'results.json'));
    expect(results.target).toMatchObject({ kind: 'remote', clock: 'real', approver: 'exec' });
    expect(results.summary.failed).toBe(0);
    expect(results.summary.error).toBe(0);
    // Live progress without a terminal: plain lines on stderr, none in the first 10 s, then at
    // most one per 10 s, and nothing else there.
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('progress: '));
    expect(r.stderr.split('\n').filter((l) => l !== '' && !progress.includes(l))).toEqual([]);
    expect(progress.length).toBeLessThanOrEqual(Math.floor(r.ms / 10_000));
    if (r.ms > 12_000) expect(progress.length).toBeGreaterThan(0);
    for (const line of progress)
      expect(line).toMatch(
        /^progress: \d+\/\d+ done, \d+ running, \d+ waiting( · longest wait ends \d\d:\d\d:\d\d UTC \(in \w+\): .+ · .+)?$/,
      );
    // Tests that need the approver really ran.
    const approved = results.tests.filter((t: any) => t.needs.approver && t.verdict === 'passed');
    expect(approved.length).toBeGreaterThan(3);

    const outputs = [
      r.stdout,
      r.stderr,
      readFileSync(path.join(reports, 'junit.xml'), 'utf8'),
      readFileSync(path.join(reports, 'results.json'), 'utf8'),
    ].join('\n');
    expect(outputs).not.toMatch(CLEAR_SECRET);
    expect(outputs).not.toMatch(STACK_LINE);
    for (const member of SECRET_MEMBERS) {
      const values = [...proxy.secrets.get(member)!];
      expect(values.length, member).toBeGreaterThan(0);
      // Nor in the server's own request log.
      for (const v of values) expect(conformant.output().includes(v), member).toBe(false);
      for (const v of values)
        expect(outputs.includes(v), `${member} ${v.slice(0, 4)}...`).toBe(false);
    }
  }, 120_000);

  it('--approver none: the tests that need an approver are skipped with the reason, exit 0', async () => {
    const reports = tempDir();
    const r = await runCli(
      ['--target', conformant.url, '--approver', 'none', '--reports', reports],
      {
        killAfterMs: 100_000,
      },
    );
    times['--approver none'] = Math.round(r.ms);
    expect(r.code, r.stderr + r.stdout.slice(-4000)).toBe(0);
    const results = readJson(path.join(reports, 'results.json'));
    const needing = results.tests.filter((t: any) => t.needs.approver);
    expect(needing.length).toBeGreaterThan(3);
    for (const t of needing) {
      expect(t.verdict, t.name).toBe('skipped');
      expect(t.reason, t.name).toMatch(/needs an approver/);
    }
  }, 120_000);

  it('--max-wait 0: tests that must wait are skipped with the figure, not run', async () => {
    const reports = tempDir();
    const r = await runCli(
      [
        '--target',
        conformant.url,
        '--approver',
        'reference',
        '--max-wait',
        '0',
        '--reports',
        reports,
      ],
      { killAfterMs: 100_000 },
    );
    times['--max-wait 0'] = Math.round(r.ms);
    expect(r.code, r.stderr + r.stdout.slice(-4000)).toBe(0);
    const results = readJson(path.join(reports, 'results.json'));
    const waiting = results.tests.filter((t: any) =>
      /more than --max-wait 0 s/.test(t.reason ?? ''),
    );
    expect(waiting.length).toBeGreaterThan(3);
    for (const t of waiting) {
      expect(t.verdict, t.name).toBe('skipped');
      expect(t.reason, t.name).toMatch(/^needs a wait of \d+ s/);
    }
  }, 120_000);

  it('serve --fault secret-not-checked as --target: exit 1 on the requirements it breaks', async () => {
    const reports = tempDir();
    const r = await runCli(
      ['--target', faulty.url, '--approver', 'reference', '--reports', reports, ...SHORT_WAITS],
      { killAfterMs: 100_000 },
    );
    times['serve --fault secret-not-checked'] = Math.round(r.ms);
    expect(r.code, r.stderr + r.stdout.slice(-4000)).toBe(1);
    const results = readJson(path.join(reports, 'results.json'));
    const failed = [...new Set(results.tests.flatMap((t: any) => t.failedRequirements))];
    expect(failed.length).toBeGreaterThan(0);
    for (const id of failed) expect(FAULTS['secret-not-checked'].breaks).toContain(id);
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
  }, 120_000);
});
