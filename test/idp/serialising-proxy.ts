// A loopback HTTP proxy that hands a server one request at a time, unchanged: method, path,
// headers and body go through as sent, and the answer comes back as it was given (status,
// headers, body). It exists for glewlwyd with its SQLite backend, which corrupts concurrent
// statements on its one shared connection (GLEWLWYD.md, "Concurrency"): the suite runs 32 tests
// at once, and glewlwyd would answer some of them 500 for a reason that has nothing to do with
// the protocol under test.

import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const UPSTREAM_TIMEOUT_MS = 15_000;
// Hop-by-hop headers (RFC 9110 §7.6.1) belong to each connection, not to the message.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

export interface SerialisingProxy {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  close(): Promise<void>;
}

export async function startSerialisingProxy(upstreamPort: number): Promise<SerialisingProxy> {
  let queue: Promise<void> = Promise.resolve();
  const server = createServer((req, res) => {
    queue = queue.then(() => forward(req, res, upstreamPort));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** One exchange with the upstream; settles (never rejects) once the answer is sent or failed. */
async function forward(req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
  const body = await readAll(req);
  await new Promise<void>((resolve) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
    );
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers },
      (answer: IncomingMessage) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const out = Buffer.concat(chunks);
          const kept = Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name));
          res.writeHead(answer.statusCode ?? 502, Object.fromEntries(kept));
          res.end(out);
          resolve();
        });
        answer.on('error', () => fail(res, resolve));
      },
    );
    upstream.setTimeout(UPSTREAM_TIMEOUT_MS, () => upstream.destroy());
    upstream.on('error', () => fail(res, resolve));
    upstream.end(body);
  });
}

function fail(res: ServerResponse, done: () => void): void {
  if (!res.headersSent) res.writeHead(502);
  res.end();
  done();
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}
