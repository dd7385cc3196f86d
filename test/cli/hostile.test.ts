/**
 * Targets that misbehave below the protocol: with --timeout 1 the run ends in bounded time,
 * exit 1 or 2, with a line naming the cause and never a stack trace.
 */
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  closedPort,
  deepJsonServer,
  dripServer,
  hangUpServer,
  hugeBodyServer,
  notHttpServer,
  redirectLoopServer,
  resetServer,
  selfSignedTlsServer,
  silentServer,
  type Hostile,
} from '../helpers/hostile-server.ts';
import { runCli, STACK_LINE, tempDir, type CliResult } from './helpers.ts';

/** Wall-time bound of one run against a hostile target (measured: 1-2 s alone, --timeout 1). */
const BOUND_MS = 25_000;

/** Measured wall times, printed at the end for the record. */
const times: Record<string, number> = {};

async function against(make: () => Promise<Hostile>, name: string): Promise<CliResult> {
  const hostile = await make();
  try {
    const r = await runCli(['--target', hostile.url, '--timeout', '1', '--reports', tempDir()], {
      killAfterMs: 60_000,
    });
    times[name] = Math.round(r.ms);
    return r;
  } finally {
    await hostile.close();
  }
}

function expectBounded(r: CliResult, cause: RegExp, codes: number[] = [2]): void {
  const context = `exit ${r.code} after ${Math.round(r.ms)} ms\nstderr:\n${r.stderr}\nstdout:\n${r.stdout.slice(-3000)}`;
  expect(codes, context).toContain(r.code);
  expect(r.ms, context).toBeLessThan(BOUND_MS);
  expect(r.stderr + r.stdout, context).not.toMatch(STACK_LINE);
  expect(r.stderr + r.stdout, context).toMatch(cause);
}

/** Could not run: the probe names the cause in one stderr line. */
function expectUnreachable(r: CliResult, cause: RegExp): void {
  expectBounded(r, cause);
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^sso-oidc-conformance: target (unreachable|unusable): /);
  expect(lines[0]).toMatch(cause);
}

describe.concurrent('hostile targets (--timeout 1)', () => {
  it('never answers', async () => {
    const r = await against(() => silentServer(), 'silent');
    expectUnreachable(r, /no response headers from .* within 1 s/);
  });

  it('answers a byte at a time', async () => {
    const r = await against(() => dripServer(200), 'drip');
    expectUnreachable(r, /response body from .* not complete within 1 s/);
  });

  it('sends 50 MB (chunked)', async () => {
    const r = await against(() => hugeBodyServer(), 'huge chunked');
    expectUnreachable(r, /response body of GET \/ exceeds 1 MiB/);
  });

  it('sends 50 MB (with Content-Length)', async () => {
    const r = await against(() => hugeBodyServer(50 * 1024 * 1024, true), 'huge length');
    expectUnreachable(r, /response body of GET \/ exceeds 1 MiB/);
  });

  it('resets the connection', async () => {
    const r = await against(() => resetServer(), 'reset');
    expectUnreachable(r, /connection reset by peer/);
  });

  it('hangs up without answering', async () => {
    const r = await against(() => hangUpServer(), 'hang up');
    expectUnreachable(r, /closed the connection without answering/);
  });

  it('speaks something that is not HTTP', async () => {
    const r = await against(() => notHttpServer(), 'not HTTP');
    expectUnreachable(r, /answered something that is not HTTP/);
  });

  it('closed port', async () => {
    const r = await against(() => closedPort(), 'closed port');
    expectUnreachable(r, /refused the connection/);
  });

  it('self-signed TLS certificate', async () => {
    const r = await against(() => selfSignedTlsServer(), 'self-signed TLS');
    expectUnreachable(r, /TLS failure .*self-signed certificate/);
  });

  it('redirects in a loop: redirects are not followed, every check fails on the 302', async () => {
    const r = await against(() => redirectLoopServer(), 'redirect loop');
    expectBounded(r, /Actual: HTTP 302/, [1]);
  });

  it('sends JSON nested 100,000 deep: refused as not JSON, without a stack overflow', async () => {
    const r = await against(() => deepJsonServer(), 'deep JSON');
    expectBounded(r, /body not JSON \(JSON nested deeper than 64 levels\)/, [1]);
  });
});

/**
 * A target whose GET / answers (so the probe passes) but whose API never does, or resets: the
 * circuit breaker stops the run after a few consecutive transport failures.
 */
function healthyRootHostileApi(api: 'silent' | 'reset'): Promise<Hostile & { requests(): number }> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (d) => {
      if (d.toString('latin1').startsWith('GET / ')) {
        socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
        return;
      }
      requests++;
      if (api === 'reset') socket.resetAndDestroy();
      else socket.resume();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests: () => requests,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}

describe.concurrent('circuit breaker', () => {
  for (const api of ['silent', 'reset'] as const) {
    it(`API that is ${api}: the run stops after a few transport failures`, async () => {
      const hostile = await healthyRootHostileApi(api);
      let r: CliResult;
      try {
        r = await runCli(['--target', hostile.url, '--timeout', '1', '--reports', tempDir()]);
      } finally {
        await hostile.close();
      }
      times[`breaker (${api} API)`] = Math.round(r.ms);
      expectBounded(r, /^Problem: stopped after 3 consecutive transport failures; last: /m);
      // Stopped early: about one wave of concurrent requests, not one request per test.
      expect(hostile.requests()).toBeLessThan(40);
      // Each cause is one entry in the summary, not one per test.
      expect(r.stdout.split('\n').filter((l) => /^\s+Error: /.test(l)).length).toBeLessThan(6);
    });
  }
});

describe('timings', () => {
  it('prints the measured wall times', () => {
    console.log(
      'CLI wall time against hostile targets (ms):\n' +
        Object.entries(times)
          .map(([k, v]) => `  ${k.padEnd(22)} ${v}`)
          .join('\n'),
    );
  });
});
