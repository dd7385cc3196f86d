import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, Dispatcher } from 'undici';
import type { Exchange, ExchangeRecorder } from './exchange.ts';
import { IN_PLACE, type Redactor } from './redact.ts';
import { TransportError, oneLine, type TransportCause } from './transport-error.ts';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpLimits {
  /** Deadline for the whole exchange: connect, headers and the complete body. */
  timeoutMs: number;
  /** Default: min(timeoutMs, 5 s). */
  connectTimeoutMs?: number;
  /** Default: 1 MiB. */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** The body decoded as UTF-8, unredacted: keep it in memory, never in a report. */
  text: string;
  /** The exchange as recorded (redacted). */
  exchange: Exchange;
}

export interface HttpContext {
  recorder: ExchangeRecorder;
  redactor: Redactor;
  limits: HttpLimits;
  /** Run-level abort (Ctrl-C, fail-fast ...). */
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_LIMITS: HttpLimits = { timeoutMs: DEFAULT_TIMEOUT_MS };

// undici's index loads everything it offers (fetch, WebSocket, caches, mocks): about twice the
// load time of the two parts used here, the Agent and the request API, which it re-exports
// unchanged. `request` is the method index.js copies onto Dispatcher.prototype; called with an
// Agent as `this` and an origin and path (what undici's own `request(url, ...)` derives from a
// URL), it is the same call.
const requireUndici = createRequire(import.meta.url);
const Agent: typeof UndiciAgent = requireUndici('undici/lib/dispatcher/agent');
const dispatchRequest: (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData> = requireUndici('undici/lib/api/api-request');

/** How much of a body over the limit is kept in the recorded exchange. */
const PREVIEW_BYTES = 64 * 1024;

/** One keep-alive Agent per connect timeout (the only setting that is not per request). */
const agents = new Map<number, UndiciAgent>();

function agentFor(connectTimeoutMs: number): UndiciAgent {
  let agent = agents.get(connectTimeoutMs);
  if (agent === undefined) {
    // Redirects are never followed: undici's request does not follow them unless a redirect
    // interceptor is composed in, and none is.
    agent = new Agent({ connect: { timeout: connectTimeoutMs } });
    agents.set(connectTimeoutMs, agent);
  }
  return agent;
}

/**
 * Close the shared Agents. In-flight requests get a short grace period, then the Agents are
 * destroyed: what is left then is only requests abandoned at their deadline, still connecting.
 */
export async function closeHttp(graceMs = 1000): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(
    all.map(async (agent) => {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), graceMs);
        timer.unref();
      });
      const closed = agent.close().then(() => 'closed' as const);
      closed.catch(() => {});
      const outcome = await Promise.race([closed, grace]).catch(() => 'closed' as const);
      clearTimeout(timer);
      if (outcome === 'late') await agent.destroy().catch(() => {});
    }),
  );
}

/** Where an exchange was when it failed, to word the message. */
type Phase = 'headers' | 'body';

/** What `classifyError` needs to know besides the error. */
export interface FailureSituation {
  phase: Phase;
  /** The whole-exchange deadline fired. */
  deadline: boolean;
  /** The run-level signal fired. */
  runAborted: boolean;
  method: string;
  /** Redacted URL, origin, and path with query. */
  url: string;
  origin: string;
  target: string;
  limits: Required<HttpLimits>;
}

/**
 * Send one request and read the whole response (bounded in time and size). Exactly one exchange
 * is recorded per call, before it returns or throws. Throws TransportError when no complete HTTP
 * response came back; any HTTP status (redirects included, never followed) is a response.
 */
export async function send(req: HttpRequest, ctx: HttpContext): Promise<HttpResponse> {
  const limits = resolveLimits(ctx.limits);
  const { redactor } = ctx;
  const startedAt = new Date();
  const t0 = performance.now();

  // The request's sensitive members are redacted in place but not learnt: a fuzzed request
  // carries made-up values there. The secrets it sends were learnt where they came from (the
  // response that issued them, the user's configuration; see RedactOptions).
  const headers = lowerCaseHeaders(req.headers ?? {});
  const recordedRequest: Exchange['request'] = {
    method: req.method,
    url: '',
    headers: {},
  };
  if (req.body !== undefined)
    recordedRequest.body = redactor.body(req.body, headers['content-type'], IN_PLACE);
  recordedRequest.url = redactor.url(req.url, IN_PLACE);
  recordedRequest.headers = redactor.headers(headers, IN_PLACE);

  const record = (response?: Exchange['response'], error?: string): Exchange => {
    const exchange: Omit<Exchange, 'seq'> = {
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      request: recordedRequest,
    };
    if (response !== undefined) exchange.response = response;
    if (error !== undefined) exchange.error = error;
    return ctx.recorder.record(exchange);
  };

  let parsedUrl: URL;
  try {
    parsedUrl = new URL(req.url);
    if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') throw new Error();
  } catch {
    const message = `invalid URL ${recordedRequest.url} (expected http: or https:)`;
    throw new TransportError('other', message, { exchange: record(undefined, message) });
  }
  const origin = parsedUrl.origin;
  const target = redactor.url(parsedUrl.pathname + parsedUrl.search, IN_PLACE);

  // Whole-exchange deadline and run-level abort, combined into one signal. A timer of our own
  // (rather than AbortSignal.timeout) is cleared as soon as the exchange ends, so no timer
  // outlives it, and flags tell which of the two fired.
  const controller = new AbortController();
  let deadline = false;
  let runAborted = false;
  // undici only looks at the signal once the request is on a connected socket: an abort during
  // connect or the TLS handshake is noticed when the connect timeout fires. Racing the request
  // against this promise makes the deadline and the run signal hold in every phase.
  const abortedEarly = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
      once: true,
    });
  });
  abortedEarly.catch(() => {});
  const timer = setTimeout(() => {
    deadline = true;
    controller.abort(new Error('exchange deadline'));
  }, limits.timeoutMs);
  const onRunAbort = (): void => {
    runAborted = true;
    controller.abort(new Error('run aborted'));
  };
  if (ctx.signal?.aborted) onRunAbort();
  else ctx.signal?.addEventListener('abort', onRunAbort, { once: true });

  let phase: Phase = 'headers';
  let status = 0;
  let responseHeaders: Record<string, string> = {};
  const chunks: Buffer[] = [];
  let received = 0;
  let tooLarge = false;
  let failure: unknown;

  try {
    const pending = dispatchRequest.call(agentFor(limits.connectTimeoutMs), {
      origin,
      path: parsedUrl.pathname + parsedUrl.search,
      method: req.method,
      headers,
      body: req.body,
      signal: controller.signal,
      // Idle timers inside undici; the deadline above bounds the total.
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
    });
    // If the abort wins the race, the request is left to undici, which ends it at the latest
    // when the connect timeout fires; a response arriving after all is discarded.
    pending.then(
      (late) => controller.signal.aborted && late.body.destroy(),
      () => {},
    );
    const res = await Promise.race([pending, abortedEarly]);
    phase = 'body';
    status = res.statusCode;
    responseHeaders = normaliseHeaders(res.headers);

    // A declared length over the limit is refused at once, keeping only a preview.
    const declared = Number(responseHeaders['content-length']);
    const declaredTooLarge = Number.isFinite(declared) && declared > limits.maxBodyBytes;
    const keep = declaredTooLarge ? Math.min(PREVIEW_BYTES, limits.maxBodyBytes) : Infinity;
    tooLarge = declaredTooLarge;

    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      received += chunk.length;
      if (received > limits.maxBodyBytes || received >= keep) {
        tooLarge = true;
        break; // ends the iterator, which destroys the stream and the connection
      }
    }
    if (tooLarge) res.body.destroy();
  } catch (err) {
    failure = err;
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onRunAbort);
  }

  const sit: FailureSituation = {
    phase,
    deadline,
    runAborted,
    method: req.method,
    url: recordedRequest.url,
    origin,
    target,
    limits,
  };

  if (failure === undefined && !tooLarge) {
    const text = Buffer.concat(chunks, received).toString('utf8');
    const exchange = record({
      status,
      headers: redactor.headers(responseHeaders),
      body: redactor.body(text, responseHeaders['content-type']),
    });
    return { status, headers: responseHeaders, text, exchange };
  }

  const { cause, message } = tooLarge
    ? {
        cause: 'too-large' as const,
        message: `response body of ${req.method} ${target} exceeds ${formatBytes(limits.maxBodyBytes)}`,
      }
    : classifyError(failure, sit);

  let recordedResponse: Exchange['response'];
  if (phase === 'body') {
    const all = Buffer.concat(chunks, received);
    const preview = tooLarge ? all.subarray(0, Math.min(PREVIEW_BYTES, all.length)) : all;
    recordedResponse = {
      status,
      headers: redactor.headers(responseHeaders),
      body: redactor.body(preview.toString('utf8'), responseHeaders['content-type']),
    };
    if (tooLarge) recordedResponse.truncated = true;
  }
  const exchange = record(recordedResponse, message);
  throw new TransportError(cause, message, { exchange, underlying: failure });
}

/** Map a low-level failure to a cause and a one-line message. */
export function classifyError(
  err: unknown,
  sit: FailureSituation,
): { cause: TransportCause; message: string } {
  const during = `${sit.method} ${sit.target}`;
  const result = (cause: TransportCause, message: string) => ({ cause, message: oneLine(message) });

  if (sit.runAborted) return result('aborted', `run aborted during ${during}`);

  const code = errorCode(err);
  const timedOut =
    sit.deadline || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  if (timedOut) {
    const within = formatSeconds(sit.limits.timeoutMs);
    return result(
      'timeout',
      sit.phase === 'headers'
        ? `no response headers from ${sit.url} within ${within}`
        : `response body from ${sit.url} not complete within ${within}`,
    );
  }

  switch (code) {
    case 'ECONNREFUSED':
      return result('connect-refused', `${sit.origin} refused the connection`);
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return result(
        'connect-timeout',
        `could not connect to ${sit.origin} within ${formatSeconds(sit.limits.connectTimeoutMs)}`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return result('dns', `cannot resolve the host name of ${sit.origin} (${code})`);
    case 'ECONNRESET':
    case 'EPIPE':
      return result('reset', `connection reset by peer during ${during}`);
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return result(
        'reset',
        sit.phase === 'headers'
          ? `${sit.origin} closed the connection without answering ${during}`
          : `${sit.origin} closed the connection before the response body of ${during} was complete`,
      );
    case 'UND_ERR_HEADERS_OVERFLOW':
      return result('too-large', `response headers of ${during} exceed the size limit`);
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return result(
        'too-large',
        `response body of ${during} exceeds ${formatBytes(sit.limits.maxBodyBytes)}`,
      );
    case 'UND_ERR_ABORTED':
      return result('aborted', `${during} was aborted`);
  }
  if (isParserError(err, code)) {
    return result('not-http', `${sit.origin} answered something that is not HTTP`);
  }
  if (isTlsError(err, code)) {
    const hint = code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? ' (is it plain HTTP?)' : '';
    return result('tls', `TLS failure with ${sit.origin}: ${tlsReason(err)}${hint}`);
  }
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'EADDRNOTAVAIL') {
    return result('other', `cannot reach ${sit.origin} (${code})`);
  }
  return result('other', `${during} failed: ${errorMessage(err)}`);
}

function isParserError(err: unknown, code: string | undefined): boolean {
  if (code !== undefined && code.startsWith('HPE_')) return true;
  return err instanceof Error && err.name === 'HTTPParserError';
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

function isTlsError(err: unknown, code: string | undefined): boolean {
  if (code !== undefined) {
    if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
      return true;
    }
  }
  return /\b(SSL|TLS)\b|certificate/i.test(errorMessage(err));
}

/** OpenSSL messages (`<hex>:error:<code>:SSL routines:<function>:<reason>:<file>:<line>:`) reduced to the reason. */
function tlsReason(err: unknown): string {
  const message = errorMessage(err);
  const openssl = /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/.exec(message);
  return openssl ? openssl[1]! : message;
}

/** The error code, looking through AggregateError (happy eyeballs) and `cause` chains. */
function errorCode(err: unknown): string | undefined {
  const queue: unknown[] = [err];
  for (let i = 0; i < queue.length && i < 16; i++) {
    const e = queue[i];
    if (e === null || typeof e !== 'object') continue;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (e instanceof AggregateError) queue.push(...e.errors);
    if ('cause' in e) queue.push((e as { cause?: unknown }).cause);
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const line = oneLine(message) || (err instanceof Error ? err.name : 'unknown error');
  return line.length > 200 ? line.slice(0, 200) + '…' : line;
}

function resolveLimits(l: HttpLimits): Required<HttpLimits> {
  const timeoutMs = l.timeoutMs > 0 ? l.timeoutMs : DEFAULT_TIMEOUT_MS;
  return {
    timeoutMs,
    connectTimeoutMs: l.connectTimeoutMs ?? Math.min(timeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
    maxBodyBytes: l.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
}

function lowerCaseHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) out[name.toLowerCase()] = value;
  return out;
}

function normaliseHeaders(
  h: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** 1048576 -> '1 MiB', 65536 -> '64 KiB', 1000 -> '1000 bytes'. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** 10000 -> '10 s', 1500 -> '1.5 s', 250 -> '0.25 s'. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
