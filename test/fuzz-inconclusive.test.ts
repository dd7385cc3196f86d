import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startReferenceServer, type RunningReferenceServer } from '../reference/server.ts';
import { resolveConfig } from '../harness/engine/config.ts';
import { runConformance } from '../harness/engine/runner.ts';
import type { TestResult } from '../harness/engine/results.ts';
import { TransportError } from '../harness/http/transport-error.ts';
import { runProperty } from '../harness/fuzz/property.ts';
import { MAX_THROTTLE_RETRIES } from '../harness/profiles/throttle.ts';
import '../suites/index.ts';

/**
 * Transport trouble is not a counterexample: a property that meets a dropped connection or a
 * rate limit ends without a failed check, and sends (almost) nothing more to the target.
 */

const reset = () => new TransportError('reset', 'connection reset by peer');

describe('runProperty', () => {
  it('stops at the first transport failure: no counterexample, no more calls', async () => {
    let calls = 0;
    const run = await runProperty(
      fc.integer(),
      async () => {
        if (++calls === 3) throw reset();
        return true;
      },
      { seed: 1, numRuns: 100, budgetLeft: () => 1000 },
    );
    expect(run.counterexample).toBeUndefined();
    expect(run.stopped).toBeInstanceOf(TransportError);
    expect(calls).toBe(3);
    expect(run.ran).toBe(3);
  });

  it('keeps a failure seen before the trouble, and shrinks no further without traffic', async () => {
    let calls = 0;
    let callsAfterTrouble = 0;
    let trouble = false;
    const run = await runProperty(
      fc.integer({ min: 0, max: 1000 }),
      async (n) => {
        calls++;
        if (trouble) callsAfterTrouble++;
        // The first failure, then the target goes away while fast-check shrinks it.
        if (calls > 1 && n < 500) {
          trouble = true;
          throw reset();
        }
        return n < 500;
      },
      { seed: 7, numRuns: 100, budgetLeft: () => 1000 },
    );
    expect(run.counterexample).toBeGreaterThanOrEqual(500);
    expect(run.stopped).toBeInstanceOf(TransportError);
    expect(trouble).toBe(true);
    expect(callsAfterTrouble).toBe(0);
  });

  it('a verdict thrown by the predicate is a counterexample, and is shrunk', async () => {
    class Violation extends Error {}
    const run = await runProperty(
      fc.integer({ min: 0, max: 1000 }),
      async (n) => {
        if (n >= 10) throw new Violation(`${n}`);
        return true;
      },
      { seed: 3, numRuns: 100, budgetLeft: () => 1000, isVerdict: (e) => e instanceof Violation },
    );
    expect(run.counterexample).toBe(10);
    expect(run.errorInstance).toBeInstanceOf(Violation);
    expect(run.stopped).toBeUndefined();
  });

  it('counts the values left unrun for the budget', async () => {
    let left = 5;
    const run = await runProperty(
      fc.integer(),
      async () => {
        left--;
        return true;
      },
      { seed: 1, numRuns: 20, budgetLeft: () => left },
    );
    expect(run.numRuns).toBe(20);
    expect(run.ran).toBe(5);
    expect(run.unrun).toBe(15);
    expect(run.interrupted).toBe('request budget spent');
  });
});

/**
 * A proxy in front of a reference server that misbehaves from the n-th request to the
 * protocol's operations (the admin routes of the approver pass untouched).
 */
interface Proxy {
  url: string;
  /** Operation requests received, by number (1-based), with what the proxy did. */
  log: { path: string; did: 'forward' | 'reset' | '429' }[];
  close(): Promise<void>;
}

async function misbehavingProxy(
  upstream: string,
  misbehave: (n: number) => 'reset' | '429' | undefined,
): Promise<Proxy> {
  const log: Proxy['log'] = [];
  const sockets = new Set<Socket>();
  const forward = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k),
      ),
    ) as Record<string, string>;
    const r = await fetch(upstream + req.url, {
      method: req.method,
      headers,
      body: req.method === 'GET' ? undefined : body,
    });
    const out = Buffer.from(await r.arrayBuffer());
    const copied: Record<string, string> = {};
    r.headers.forEach((v, k) => {
      if (!['content-length', 'connection', 'keep-alive', 'transfer-encoding'].includes(k))
        copied[k] = v;
    });
    res.writeHead(r.status, { ...copied, 'content-length': String(out.length) });
    res.end(out);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const admin = req.url?.startsWith('/__admin') ?? false;
      const did = admin ? undefined : misbehave(log.length + 1);
      if (!admin) log.push({ path: req.url ?? '', did: did ?? 'forward' });
      if (did === 'reset') return void req.socket.destroy();
      if (did === '429') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
        return void res.end('{"message":"Rate exceeded"}');
      }
      forward(req, res, body).catch(() => req.socket.destroy());
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('a property against a target whose transport fails', () => {
  let reference: RunningReferenceServer;
  beforeAll(async () => {
    // Real time (a --target run), short interval: the model's waits stay short.
    reference = await startReferenceServer({ port: 0, virtualClock: false, interval: 1 });
  });
  afterAll(async () => {
    await reference.close();
  });

  /** Run the tests matching `grep` against the reference server through a misbehaving proxy. */
  async function runThrough(
    grep: string,
    misbehave: (n: number) => 'reset' | '429' | undefined,
    flags: Record<string, unknown> = {},
  ): Promise<{ test: TestResult; log: Proxy['log'] }> {
    const proxy = await misbehavingProxy(reference.url, misbehave);
    try {
      const run = await runConformance(
        resolveConfig({
          flags: {
            target: proxy.url,
            approver: 'reference',
            reports: '/dev/null',
            grep,
            numRuns: 40,
            ...flags,
          },
        }),
      );
      expect(run.tests).toHaveLength(1);
      return { test: run.tests[0]!, log: proxy.log };
    } finally {
      await proxy.close();
    }
  }

  /** Requests the proxy received after the first one it spoiled. */
  const afterTrouble = (log: Proxy['log']) =>
    log.length - 1 - log.findIndex((e) => e.did !== 'forward');

  const noFailedCheck = (test: TestResult) => {
    expect(test.failedRequirements).toEqual([]);
    expect(test.checks.filter((c) => !c.ok)).toEqual([]);
  };

  it('connections reset while fuzzing: error, no failed check, no more traffic', async () => {
    // Early: against a target the property stops after a few accepted registrations.
    const { test, log } = await runThrough('broken RegisterClient requests', (n) =>
      n >= 6 ? 'reset' : undefined,
    );
    expect(test.verdict, test.reason).toBe('error');
    expect(test.reason).toMatch(/^transport: /);
    noFailedCheck(test);
    expect(afterTrouble(log)).toBe(0);
  }, 60_000);

  it('a well-typed property meets a reset: error, no failed check, no more traffic', async () => {
    const { test, log } = await runThrough('well-typed generated RegisterClient', (n) =>
      n >= 8 ? 'reset' : undefined,
    );
    expect(test.verdict, test.reason).toBe('error');
    noFailedCheck(test);
    expect(afterTrouble(log)).toBe(0);
  }, 60_000);

  it('one HTTP 429 while fuzzing is retried after Retry-After: the test passes', async () => {
    const { test, log } = await runThrough('broken RegisterClient requests', (n) =>
      n === 6 ? '429' : undefined,
    );
    expect(test.verdict, test.reason).toBe('passed');
    expect(log[5]?.did).toBe('429');
    expect(log[6]?.path).toBe(log[5]?.path); // resent
  }, 60_000);

  it('a 429 that stays: skipped as rate-limited after the profile retries, never failed', async () => {
    const { test, log } = await runThrough('broken RegisterClient requests', (n) =>
      n >= 6 ? '429' : undefined,
    );
    expect(test.verdict, test.reason).toBe('skipped');
    expect(test.reason).toMatch(/rate-limited/);
    noFailedCheck(test);
    // The profile's retries (CL-18), then no more traffic.
    expect(afterTrouble(log)).toBe(MAX_THROTTLE_RETRIES);
  }, 60_000);

  it('the device-flow model meets a reset: error, no failed check, no more traffic', async () => {
    const { test, log } = await runThrough('every sequence of flow actions', (n) =>
      n >= 8 ? 'reset' : undefined,
    );
    expect(test.verdict, test.reason).toBe('error');
    expect(test.reason).toMatch(/^transport: /);
    noFailedCheck(test);
    expect(afterTrouble(log)).toBe(0);
  }, 120_000);

  it('the device-flow model meets a 429: skipped as rate-limited, never failed', async () => {
    const { test, log } = await runThrough('every sequence of flow actions', (n) =>
      n >= 8 ? '429' : undefined,
    );
    expect(test.verdict, test.reason).toBe('skipped');
    expect(test.reason).toMatch(/rate-limited/);
    noFailedCheck(test);
    expect(afterTrouble(log)).toBe(MAX_THROTTLE_RETRIES);
  }, 120_000);
});
