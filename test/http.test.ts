import { afterAll, describe, expect, it } from 'vitest';
import { ExchangeLog } from '../harness/http/exchange.ts';
import {
  classifyError,
  closeHttp,
  send,
  type FailureSituation,
  type HttpContext,
  type HttpLimits,
  type HttpRequest,
} from '../harness/http/http.ts';
import { parseJsonBounded } from '../harness/http/json.ts';
import { Redactor } from '../harness/http/redact.ts';
import { TransportError, type TransportCause } from '../harness/http/transport-error.ts';
import {
  closedPort,
  deepJsonServer,
  dripServer,
  hangUpServer,
  httpServer,
  hugeBodyServer,
  notHttpServer,
  redirectLoopServer,
  resetServer,
  selfSignedTlsServer,
  silentServer,
  type Hostile,
} from './helpers/hostile-server.ts';

afterAll(() => closeHttp());

const LIMITS: HttpLimits = { timeoutMs: 1000, maxBodyBytes: 1024 * 1024 };

function context(limits: HttpLimits = LIMITS, signal?: AbortSignal) {
  const log = new ExchangeLog();
  const ctx: HttpContext = { recorder: log, redactor: new Redactor(), limits, signal };
  return { log, ctx };
}

/** Run one request that must fail; return the error, the log and the time it took. */
async function failing(
  req: HttpRequest,
  limits: HttpLimits = LIMITS,
  signal?: AbortSignal,
): Promise<{ err: TransportError; log: ExchangeLog; ms: number }> {
  const { log, ctx } = context(limits, signal);
  const t0 = performance.now();
  const err = await send(req, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = performance.now() - t0;
  expect(err).toBeInstanceOf(TransportError);
  const te = err as TransportError;
  // One line, no stack material, exactly one exchange recorded and attached.
  expect(te.message).not.toMatch(/\n/);
  expect(te.message).not.toMatch(/\bat .*:\d+:\d+/);
  expect(log.exchanges).toHaveLength(1);
  expect(te.exchange).toBe(log.exchanges[0]);
  expect(log.exchanges[0]!.error).toBe(te.message);
  return { err: te, log, ms };
}

async function withServer<T>(start: Promise<Hostile>, fn: (h: Hostile) => Promise<T>): Promise<T> {
  const h = await start;
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

const post = (url: string): HttpRequest => ({
  method: 'POST',
  url: url + '/token',
  headers: { 'content-type': 'application/json' },
  body: '{"clientId":"c"}',
});

describe('send against hostile servers', () => {
  it.concurrent('a server that never answers times out at the deadline', async () => {
    await withServer(silentServer(), async (h) => {
      const { err, ms } = await failing(post(h.url));
      expect(err.cause).toBe<TransportCause>('timeout');
      expect(err.message).toBe(`no response headers from ${h.url}/token within 1 s`);
      // Not before the deadline; after it, any bound far from "never" (no timed assertion).
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(ms).toBeLessThan(10_000);
    });
  });

  it.concurrent('a body dripping a byte every 200 ms still ends at the deadline', async () => {
    await withServer(dripServer(200), async (h) => {
      const { err, log, ms } = await failing(post(h.url));
      expect(err.cause).toBe('timeout');
      expect(err.message).toBe(`response body from ${h.url}/token not complete within 1 s`);
      expect(ms).toBeLessThan(10_000);
      expect(log.exchanges[0]!.response?.status).toBe(200);
    });
  });

  it('a 50 MB chunked body is cut at the limit, not downloaded', async () => {
    const h = await hugeBodyServer(50 * 1024 * 1024, false);
    try {
      const { err, log } = await failing(post(h.url));
      expect(err.cause).toBe('too-large');
      expect(err.message).toBe('response body of POST /token exceeds 1 MiB');
      const ex = log.exchanges[0]!;
      expect(ex.response?.status).toBe(200);
      expect(ex.response?.truncated).toBe(true);
      expect(ex.response!.body.length).toBeGreaterThan(0);
      expect(ex.response!.body.length).toBeLessThanOrEqual(64 * 1024);
      // The server stops when the client goes away: far less than 50 MB left it.
      await new Promise((r) => setTimeout(r, 50));
      expect(h.bytesSent()).toBeLessThan(10 * 1024 * 1024);
    } finally {
      await h.close();
    }
  });

  it('a declared Content-Length over the limit is refused without reading it', async () => {
    const h = await hugeBodyServer(50 * 1024 * 1024, true);
    try {
      const { err, log } = await failing(post(h.url));
      expect(err.cause).toBe('too-large');
      expect(log.exchanges[0]!.response?.truncated).toBe(true);
      expect(log.exchanges[0]!.response?.headers['content-length']).toBe(String(50 * 1024 * 1024));
    } finally {
      await h.close();
    }
  });

  it('a body exactly at the limit is accepted', async () => {
    await withServer(hugeBodyServer(4096, true), async (h) => {
      const { log, ctx } = context({ timeoutMs: 1000, maxBodyBytes: 4096 });
      const res = await send(post(h.url), ctx);
      expect(res.text).toHaveLength(4096);
      expect(log.exchanges).toHaveLength(1);
      expect(log.exchanges[0]!.response?.truncated).toBeUndefined();
    });
  });

  it('a connection reset is cause reset', async () => {
    await withServer(resetServer(), async (h) => {
      const { err } = await failing(post(h.url));
      expect(err.cause).toBe('reset');
      expect(err.message).toBe('connection reset by peer during POST /token');
    });
  });

  it('a server hanging up without answering is cause reset', async () => {
    await withServer(hangUpServer(), async (h) => {
      const { err } = await failing(post(h.url));
      expect(err.cause).toBe('reset');
      expect(err.message).toBe(`${h.url} closed the connection without answering POST /token`);
    });
  });

  it('an SSH banner is cause not-http', async () => {
    await withServer(notHttpServer(), async (h) => {
      const { err } = await failing(post(h.url));
      expect(err.cause).toBe('not-http');
      expect(err.message).toBe(`${h.url} answered something that is not HTTP`);
    });
  });

  it('a closed port is cause connect-refused', async () => {
    const h = await closedPort();
    const { err } = await failing(post(h.url));
    expect(err.cause).toBe('connect-refused');
    expect(err.message).toBe(`${h.url} refused the connection`);
  });

  it('a self-signed certificate is cause tls (verification stays on)', async () => {
    await withServer(selfSignedTlsServer(), async (h) => {
      const { err } = await failing(post(h.url));
      expect(err.cause).toBe('tls');
      expect(err.message).toMatch(new RegExp(`^TLS failure with ${h.url}: .*self.signed`));
    });
  });

  it('https to a plain-HTTP port is cause tls', async () => {
    await withServer(redirectLoopServer(), async (h) => {
      const url = h.url.replace('http:', 'https:');
      const { err } = await failing(post(url));
      expect(err.cause).toBe('tls');
      expect(err.message).toBe(`TLS failure with ${url}: wrong version number (is it plain HTTP?)`);
    });
  });

  it.concurrent('the deadline holds during a TLS handshake that never completes', async () => {
    // undici notices an abort only once connected; send() must not wait for the connect timeout.
    await withServer(silentServer(), async (h) => {
      const url = h.url.replace('http:', 'https:');
      const { err, ms } = await failing(post(url), { timeoutMs: 300, connectTimeoutMs: 5000 });
      expect(err.cause).toBe('timeout');
      expect(err.message).toBe(`no response headers from ${url}/token within 0.3 s`);
      // Well under the 5 s connect timeout: the request deadline, not the connect one, ended it.
      expect(ms).toBeLessThan(4000);
    });
  });

  it.concurrent('the run signal holds during a TLS handshake that never completes', async () => {
    await withServer(silentServer(), async (h) => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const url = h.url.replace('http:', 'https:');
      const limits = { timeoutMs: 5000, connectTimeoutMs: 5000 };
      const { err } = await failing(post(url), limits, ac.signal);
      expect(err.cause).toBe('aborted');
    });
  });

  it('a redirect loop is returned as a 302 response, not followed', async () => {
    await withServer(redirectLoopServer(), async (h) => {
      const { log, ctx } = context();
      const res = await send({ method: 'GET', url: h.url + '/token' }, ctx);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/token');
      expect(res.headers['x-hits']).toBe('1');
      expect(log.exchanges).toHaveLength(1);
    });
  });

  it('JSON nested 100,000 deep is returned as text and refused quickly by parseJsonBounded', async () => {
    await withServer(deepJsonServer(100_000), async (h) => {
      const { log, ctx } = context();
      const res = await send({ method: 'GET', url: h.url + '/token' }, ctx);
      expect(res.status).toBe(200);
      expect(res.text).toHaveLength(200_000);
      const parsed = parseJsonBounded(res.text);
      expect(parsed).toEqual({ ok: false, reason: 'JSON nested deeper than 64 levels' });
      expect(log.exchanges).toHaveLength(1);
      expect(log.exchanges[0]!.response?.body).toHaveLength(200_000);
    });
  });

  it('the run signal aborts an exchange with cause aborted', async () => {
    await withServer(silentServer(), async (h) => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const { err } = await failing(post(h.url), { timeoutMs: 5000 }, ac.signal);
      expect(err.cause).toBe('aborted');
      expect(err.message).toBe('run aborted during POST /token');
    });
    const ac = new AbortController();
    ac.abort();
    const { err } = await failing(post('http://127.0.0.1:9/x'), LIMITS, ac.signal);
    expect(err.cause).toBe('aborted');
  });

  it('an invalid URL is a TransportError with one recorded exchange', async () => {
    const { err } = await failing({ method: 'GET', url: 'ftp://example.com/x' });
    expect(err.cause).toBe('other');
    expect(err.message).toBe('invalid URL ftp://example.com/x (expected http: or https:)');
  });
});

describe('send: normal exchange', () => {
  const SECRET = 'cs-0123456789abcdef-SECRET';
  const TOKEN = 'at-ZZZZZZZZZZZZZZZZZZZZ';

  it('returns the unredacted response and records a redacted exchange', async () => {
    await withServer(
      httpServer((req, res) => {
        const body = JSON.parse(req.body) as { clientSecret: string };
        res.writeHead(200, {
          'content-type': 'application/json',
          'set-cookie': ['a=1234567890', 'b=2'],
          'x-echo': `secret was ${body.clientSecret}`,
        });
        res.end(
          JSON.stringify({
            accessToken: TOKEN,
            error_description: `client secret ${body.clientSecret} accepted`,
            nested: [{ note: `token ${TOKEN}` }],
          }),
        );
      }),
      async (h) => {
        const { log, ctx } = context();
        // The client secret was issued by an earlier response (RegisterClient): a request
        // teaches the redactor nothing, the response that issued a secret does.
        ctx.redactor.addSecret(SECRET);
        const res = await send(
          {
            method: 'POST',
            url: `${h.url}/token?client_secret=${SECRET}`,
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
            body: JSON.stringify({ clientId: 'client-1', clientSecret: SECRET }),
          },
          ctx,
        );
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('application/json');
        expect(res.headers['set-cookie']).toBe('a=1234567890, b=2');
        expect(res.text).toContain(TOKEN);
        expect(JSON.parse(res.text).error_description).toContain(SECRET);

        expect(log.exchanges).toHaveLength(1);
        const ex = log.exchanges[0]!;
        expect(res.exchange).toBe(ex);
        const recorded = JSON.stringify(ex);
        expect(recorded).not.toContain(SECRET);
        expect(recorded).not.toContain(TOKEN);
        expect(recorded).not.toContain('1234567890');
        expect(ex.seq).toBe(1);
        expect(ex.error).toBeUndefined();
        expect(ex.request.method).toBe('POST');
        expect(ex.request.url).toMatch(/\/token\?client_secret=«redacted:[0-9a-f]{8}»$/);
        expect(ex.request.headers['content-type']).toBe('application/json');
        expect(ex.request.headers.authorization).toMatch(/^Bearer «redacted:[0-9a-f]{8}»$/);
        expect(JSON.parse(ex.request.body!)).toEqual({
          clientId: 'client-1',
          clientSecret: expect.stringMatching(/^«redacted:[0-9a-f]{8}»$/),
        });
        const body = JSON.parse(ex.response!.body);
        expect(body.accessToken).toMatch(/^«redacted:[0-9a-f]{8}»$/);
        expect(body.error_description).toMatch(/^client secret «redacted:[0-9a-f]{8}» accepted$/);
        expect(body.nested[0].note).toBe(`token ${body.accessToken}`);
        expect(ex.response!.headers['x-echo']).toMatch(/^secret was «redacted:/);
        expect(ex.durationMs).toBeGreaterThanOrEqual(0);
        expect(Number.isNaN(Date.parse(ex.startedAt))).toBe(false);
      },
    );
  });

  it('reuses the shared Agent connection for sequential exchanges', async () => {
    const ports = new Set<number>();
    await withServer(
      httpServer((req, res) => {
        ports.add(req.socket.remotePort!);
        res.end('ok');
      }),
      async (h) => {
        const { log, ctx } = context();
        for (let i = 0; i < 3; i++) {
          const res = await send({ method: 'GET', url: h.url + '/' }, ctx);
          expect(res.text).toBe('ok');
          // undici frees the connection just after the body ends; give it that turn.
          await new Promise((r) => setImmediate(r));
        }
        expect(log.exchanges.map((e) => e.seq)).toEqual([1, 2, 3]);
        expect(ports.size).toBe(1);
      },
    );
  });

  it('decodes the body as UTF-8', async () => {
    await withServer(
      httpServer((_req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.end(Buffer.from('héllo ✓', 'utf8'));
      }),
      async (h) => {
        const { ctx } = context();
        const res = await send({ method: 'GET', url: h.url + '/' }, ctx);
        expect(res.text).toBe('héllo ✓');
      },
    );
  });
});

describe('classifyError', () => {
  const sit: FailureSituation = {
    phase: 'headers',
    deadline: false,
    runAborted: false,
    method: 'POST',
    url: 'https://oidc.example.com/token',
    origin: 'https://oidc.example.com',
    target: '/token',
    limits: { timeoutMs: 10_000, connectTimeoutMs: 5000, maxBodyBytes: 1024 * 1024 },
  };
  const withCode = (code: string, message = code, name = 'Error') =>
    Object.assign(new Error(message), { code, name });

  it.each([
    [
      withCode('UND_ERR_CONNECT_TIMEOUT'),
      'connect-timeout',
      'could not connect to https://oidc.example.com within 5 s',
    ],
    [
      withCode('ENOTFOUND'),
      'dns',
      'cannot resolve the host name of https://oidc.example.com (ENOTFOUND)',
    ],
    [
      withCode('EAI_AGAIN'),
      'dns',
      'cannot resolve the host name of https://oidc.example.com (EAI_AGAIN)',
    ],
    [
      withCode('UND_ERR_HEADERS_TIMEOUT'),
      'timeout',
      'no response headers from https://oidc.example.com/token within 10 s',
    ],
    [
      withCode('CERT_HAS_EXPIRED', 'certificate has expired'),
      'tls',
      'TLS failure with https://oidc.example.com: certificate has expired',
    ],
    [
      withCode('HPE_INVALID_CONSTANT', 'Expected HTTP/', 'HTTPParserError'),
      'not-http',
      'https://oidc.example.com answered something that is not HTTP',
    ],
    [
      withCode('UND_ERR_HEADERS_OVERFLOW'),
      'too-large',
      'response headers of POST /token exceed the size limit',
    ],
    [
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
      'connect-refused',
      'https://oidc.example.com refused the connection',
    ],
    [new Error('weird\nthing'), 'other', 'POST /token failed: weird thing'],
  ] as const)('%s -> %s', (err, cause, message) => {
    expect(classifyError(err, sit)).toEqual({ cause, message });
  });

  it('deadline wins over whatever error the abort produced', () => {
    const r = classifyError(withCode('UND_ERR_ABORTED'), { ...sit, deadline: true, phase: 'body' });
    expect(r).toEqual({
      cause: 'timeout',
      message: 'response body from https://oidc.example.com/token not complete within 10 s',
    });
  });
});
