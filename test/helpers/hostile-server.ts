/**
 * Misbehaving servers on 127.0.0.1 (port 0) for transport tests. Each returns `{ url, close }`;
 * close() destroys every socket, stops every timer and resolves once the server is closed, so no
 * handle outlives a test.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';

export interface Hostile {
  url: string;
  close(): Promise<void>;
}

/** Track sockets and timers of a server so close() can end them all. */
class Tracker {
  readonly sockets = new Set<Socket>();
  readonly timers = new Set<NodeJS.Timeout>();
  closed = false;

  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      if (this.closed) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  every(ms: number, fn: () => void, socket: Socket): void {
    const timer = setInterval(fn, ms);
    this.timers.add(timer);
    socket.on('close', () => {
      clearInterval(timer);
      this.timers.delete(timer);
    });
  }

  async close(server: Server): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await done;
  }
}

async function listen(server: Server, tracker: Tracker, scheme = 'http'): Promise<Hostile> {
  tracker.watch(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `${scheme}://127.0.0.1:${port}`, close: () => tracker.close(server) };
}

/** Call `fn` once the socket has received the first bytes of a request. */
function onFirstData(socket: Socket, fn: () => void): void {
  socket.once('data', () => fn());
}

/** Accepts connections, reads the request and never says anything. */
export function silentServer(): Promise<Hostile> {
  const tracker = new Tracker();
  const server = createNetServer((socket) => socket.resume());
  return listen(server, tracker);
}

/** Sends a status line and headers, then one body byte every `intervalMs`, forever. */
export function dripServer(intervalMs = 200): Promise<Hostile> {
  const tracker = new Tracker();
  const server = createNetServer((socket) => {
    socket.resume();
    onFirstData(socket, () => {
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n',
      );
      socket.write('1\r\n[\r\n');
      tracker.every(intervalMs, () => socket.write('1\r\n \r\n'), socket);
    });
  });
  return listen(server, tracker);
}

export interface HugeBody extends Hostile {
  /** Body bytes handed to the socket so far. */
  bytesSent(): number;
}

/**
 * Streams a `totalBytes` body lazily (backpressure respected), stopping when the client goes
 * away. `declareLength` sends Content-Length; otherwise the body is chunked.
 */
export async function hugeBodyServer(
  totalBytes = 50 * 1024 * 1024,
  declareLength = false,
): Promise<HugeBody> {
  const tracker = new Tracker();
  let sent = 0;
  const block = Buffer.alloc(64 * 1024, 'a');
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const headers: Record<string, string | number> = { 'content-type': 'text/plain' };
    if (declareLength) headers['content-length'] = totalBytes;
    res.writeHead(200, headers);
    let left = totalBytes;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const piece = left >= block.length ? block : block.subarray(0, left);
        left -= piece.length;
        sent += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      if (left === 0 && !res.destroyed) res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  });
  const hostile = await listen(server, tracker);
  return { ...hostile, bytesSent: () => sent };
}

/** Resets the connection (TCP RST) as soon as the request arrives. */
export function resetServer(): Promise<Hostile> {
  const tracker = new Tracker();
  const server = createNetServer((socket) => {
    onFirstData(socket, () => socket.resetAndDestroy());
  });
  return listen(server, tracker);
}

/** Closes the connection (FIN, no RST) as soon as the request arrives, without answering. */
export function hangUpServer(): Promise<Hostile> {
  const tracker = new Tracker();
  const server = createNetServer((socket) => {
    onFirstData(socket, () => socket.end());
  });
  return listen(server, tracker);
}

/** Speaks SSH, not HTTP: sends its banner on connect and keeps the connection open. */
export function notHttpServer(banner = 'SSH-2.0-OpenSSH_9.6\r\n'): Promise<Hostile> {
  const tracker = new Tracker();
  const server = createNetServer((socket) => {
    socket.resume();
    socket.write(banner);
  });
  return listen(server, tracker);
}

/** Answers every request with 302 and Location: the same URL. */
export function redirectLoopServer(): Promise<Hostile> {
  const tracker = new Tracker();
  let hits = 0;
  const server = createHttpServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(302, { location: req.url ?? '/', 'content-length': 0, 'x-hits': String(hits) });
    res.end();
  });
  return listen(server, tracker);
}

/** Answers JSON nested `depth` deep (100,000 by default: about 200 kB, under 1 MiB). */
export function deepJsonServer(depth = 100_000): Promise<Hostile> {
  const tracker = new Tracker();
  const body = '['.repeat(depth) + ']'.repeat(depth);
  const server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  return listen(server, tracker);
}

/** A URL on a port where nothing listens (a server was started there and closed). */
/**
 * A loopback port nobody listens on. Taken below the ephemeral range (Linux: 32768-60999): a
 * freed ephemeral port may be handed to the next server another test starts (a test once found
 * a reference server answering on its "closed" port), while one below it is never handed out
 * for port 0.
 */
export async function closedPort(): Promise<Hostile> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createNetServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!free) continue;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return { url: `http://127.0.0.1:${port}`, close: async () => {} };
  }
  throw new Error('no free port below the ephemeral range after 50 tries');
}

export type Handler = (req: IncomingMessage & { body: string }, res: ServerResponse) => void;

/** A well-behaved HTTP server: `handler` gets the request with its body read. */
export function httpServer(handler: Handler): Promise<Hostile> {
  const tracker = new Tracker();
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handler(Object.assign(req, { body: Buffer.concat(chunks).toString('utf8') }), res);
    });
  });
  return listen(server, tracker);
}

/** A self-signed certificate for 127.0.0.1 and localhost (test only, valid until 2126). */
export const TEST_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg03gzU6eRHVyfA6xE
kB2+1qhMSa2jMCQa1K2QNKC/yuuhRANCAAS2z/1DhV3+HX1fX0sN2/iUgp08v99S
Z3gWWE3hlZtIl4ursJCHBgfQdLew08zXVR5NkY3RLJRk/anwVjT6zYD/
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBvDCCAWGgAwIBAgIUSDraze9EJGediPxi9tE/zB3WkQIwCgYIKoZIzj0EAwIw
JDEiMCAGA1UEAwwZc3NvLW9pZGMtY29uZm9ybWFuY2UgdGVzdDAgFw0yNjExMjkw
NDM0MDlaGA8yMTI2MTEwNTA0MzQwOVowJDEiMCAGA1UEAwwZc3NvLW9pZGMtY29u
Zm9ybWFuY2UgdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABLbP/UOFXf4d
fV9fSw3b+JSCnTy/31JneBZYTeGVm0iXi6uwkIcGB9B0t7DTzNdVHk2RjdEslGT9
qfBWNPrNgP+jbzBtMB0GA1UdDgQWBBTWonnKkvvgUrmtP6YYQEZWLLQFMjAfBgNV
HSMEGDAWgBTWonnKkvvgUrmtP6YYQEZWLLQFMjAPBgNVHRMBAf8EBTADAQH/MBoG
A1UdEQQTMBGHBH8AAAGCCWxvY2FsaG9zdDAKBggqhkjOPQQDAgNJADBGAiEA53Mz
FmCZI5WkXpF504BqRg7s4aNHP7xfW9cGyN9Neo4CIQDAijWaROq7hxOgj8t9kjJm
pTrnMsC4dM1aEdfE25mP5Q==
-----END CERTIFICATE-----
`,
};

/** HTTPS with a self-signed certificate: a client that verifies certificates must refuse it. */
export function selfSignedTlsServer(): Promise<Hostile> {
  const tracker = new Tracker();
  const server = createHttpsServer(TEST_TLS, (req, res) => {
    req.resume();
    res.end('{}');
  });
  server.on('tlsClientError', () => {});
  return listen(server, tracker, 'https');
}
