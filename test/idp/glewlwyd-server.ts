// A second real, third-party OAuth 2.0 authorization server for the project's tests (issue 12
// part 4): glewlwyd (C, Debian package `glewlwyd`), its OIDC plugin with the device
// authorization grant (RFC 8628) and one-use refresh tokens, on loopback over plain http, with
// a SQLite database in a temporary directory.
//
// Nothing here is the project's code under test: it is the "other side" that the plain RFC 8628
// profile must judge fairly. What it does on the wire is recorded in test/idp/GLEWLWYD.md.
//
// Set-up goes through glewlwyd's own admin API, as its admin web page does: log in as the
// `admin` user its database script creates, add the OIDC plugin instance, a scope, the end
// user and the two clients. test/idp/approve-glewlwyd.mjs then plays the end user.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { startSerialisingProxy } from './serialising-proxy.ts';

/** The end user the approver logs in as (glewlwyd's password login, `POST /api/auth/`). */
export const TEST_USER = 'conformance-user';
/** A throwaway account of a throwaway server on loopback; test/idp/approve-glewlwyd.mjs knows it. */
export const TEST_USER_PASSWORD = 'conformance-user-password';
/** The scope the clients ask for besides `openid`; it needs the user's password (a login). */
export const DEVICE_SCOPE = 'device';

const PLUGIN = 'oidc';
// glewlwyd's database script (dbconfig-common's copy in the Debian package) creates this admin.
const ADMIN = { username: 'admin', password: 'password' };
const DATABASE_SCRIPTS = [
  '/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3',
  '/usr/share/glewlwyd/database/init.sqlite3.sql',
];
const MODULE_ROOT = '/usr/lib/glewlwyd';
const REQUEST_TIMEOUT_MS = 5000;
const START_TIMEOUT_MS = 10_000;

export interface GlewlwydOptions {
  /** `device-authorization-expiration`, seconds: the device codes' `expires_in`. */
  deviceCodeLifetimeSeconds?: number;
  /** `device-authorization-interval`, seconds: the `interval` it sends. */
  intervalSeconds?: number;
}

export interface TestClient {
  clientId: string;
  /** Absent for the public client. */
  clientSecret?: string;
}

export interface RunningGlewlwyd {
  /** e.g. http://127.0.0.1:41234/api/oidc (metadata at <issuer>/.well-known/openid-configuration). */
  issuer: string;
  clients: { public: TestClient; confidential: TestClient };
  /** What glewlwyd printed (log level WARNING), for a failing test's message. */
  output(): string;
  close(): Promise<void>;
}

/**
 * Where the glewlwyd binary and what it needs are, or why the tests cannot start it
 * (a string: the reason, for the skipped test's title).
 */
export function glewlwydInstallation(): { binary: string; databaseScript: string } | string {
  const binary = onPath('glewlwyd', ['/usr/sbin', '/usr/bin']);
  if (!binary) return 'glewlwyd is not installed (apt-get install glewlwyd)';
  const databaseScript = DATABASE_SCRIPTS.find((p) => hasAccess(p, constants.R_OK));
  if (!databaseScript) return `glewlwyd's SQLite script is missing (${DATABASE_SCRIPTS[0]})`;
  // Looked up, not run: a check that spawns could time out under load and skip the test.
  if (!onPath('sqlite3', []))
    return 'sqlite3 (a dependency of the glewlwyd package) is not on PATH';
  return { binary, databaseScript };
}

export async function startGlewlwyd(options: GlewlwydOptions = {}): Promise<RunningGlewlwyd> {
  const installation = glewlwydInstallation();
  if (typeof installation === 'string') throw new Error(installation);

  const dir = mkdtempSync(join(tmpdir(), 'ssoc-glewlwyd-'));
  const database = join(dir, 'glewlwyd.db');
  const created = spawnSync('sqlite3', [database], {
    // WAL: readers do not wait for the writer (glewlwyd shares one connection among threads).
    input: Buffer.concat([
      readFileSync(installation.databaseScript),
      Buffer.from('\nPRAGMA journal_mode=WAL;\n'),
    ]),
    timeout: 10_000,
  });
  if (created.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`sqlite3 could not create the database: ${String(created.stderr)}`);
  }

  // glewlwyd listens on a port of its own; the suite and the approver speak to it through a
  // proxy that passes one request at a time (serialising-proxy.ts says why). The proxy's
  // address is the one glewlwyd publishes (external_url), so its URLs point at the proxy.
  const port = await freePort();
  const backend = `http://127.0.0.1:${port}`;
  const proxy = await startSerialisingProxy(port);
  const issuer = `${proxy.origin}/api/${PLUGIN}`;
  writeFileSync(join(dir, 'glewlwyd.conf'), configuration(port, proxy.origin, database));

  const logFile = join(dir, 'glewlwyd.log');
  let output = '';
  const child = spawn(
    installation.binary,
    [
      '-c',
      join(dir, 'glewlwyd.conf'),
      // A file, not the console: glewlwyd's stdout is block-buffered into a pipe.
      '-m',
      'file',
      '-f',
      logFile,
      '-l',
      process.env.GLEWLWYD_LOG_LEVEL ?? 'WARNING',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-16_384);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('error', (error) => keep(Buffer.from(`could not start glewlwyd: ${error.message}\n`)));
  let started = true;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => {
      started = false;
      resolve();
    });
  });

  const clients = {
    public: { clientId: 'ssoc-public' },
    confidential: {
      clientId: 'ssoc-confidential',
      clientSecret: randomBytes(24).toString('base64url'),
    },
  } satisfies RunningGlewlwyd['clients'];

  const close = async () => {
    if (started && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilAnswering(backend, child);
    await configure(backend, issuer, clients, options);
  } catch (error) {
    await close();
    throw new Error(`${(error as Error).message}\nglewlwyd said:\n${output}`);
  }
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-16_384);
    } catch {
      return '';
    }
  };
  return { issuer, clients, output: () => output + log(), close };
}

function configuration(port: number, externalUrl: string, database: string): string {
  // libconfig syntax. No static files (no web app): the approver speaks to the API as the web
  // app's scripts do, and the login page's address only appears in redirects.
  return [
    `port=${port}`,
    `bind_address="127.0.0.1"`,
    `external_url="${externalUrl}"`,
    `login_url="login.html"`,
    `api_prefix="api"`,
    `cookie_secure=0`,
    `session_expiration=3600`,
    `session_key="GLEWLWYD2_SESSION_ID"`,
    `admin_scope="g_admin"`,
    `profile_scope="g_profile"`,
    `login_api_enabled=true`,
    `user_module_path="${MODULE_ROOT}/user"`,
    `client_module_path="${MODULE_ROOT}/client"`,
    `user_auth_scheme_module_path="${MODULE_ROOT}/scheme"`,
    `plugin_module_path="${MODULE_ROOT}/plugin"`,
    `hash_algorithm="SHA512"`,
    `database = { type = "sqlite3" path = "${database}" };`,
    '',
  ].join('\n');
}

async function configure(
  origin: string,
  issuer: string,
  clients: RunningGlewlwyd['clients'],
  options: GlewlwydOptions,
): Promise<void> {
  const admin = new ApiSession(`${origin}/api`);
  await admin.call('POST', '/auth/', ADMIN);
  await admin.call('POST', '/mod/plugin/', {
    module: 'oidc',
    name: PLUGIN,
    display_name: 'OpenID Connect with the device grant',
    enabled: true,
    parameters: {
      iss: issuer,
      // HMAC-signed tokens: no key pair to generate. The key is fresh per server.
      'jwt-type': 'sha',
      'jwt-key-size': '256',
      key: randomBytes(32).toString('base64url'),
      'access-token-duration': 600,
      'refresh-token-duration': 3600,
      'code-duration': 600,
      'allow-non-oidc': true,
      'auth-type-device-enabled': true,
      'auth-type-refresh-enabled': true,
      'device-authorization-expiration': options.deviceCodeLifetimeSeconds ?? 30,
      'device-authorization-interval': options.intervalSeconds ?? 5,
      // Every refresh answers with a new refresh token and retires the old one.
      'refresh-token-one-use': 'always',
    },
  });
  await admin.call('POST', '/scope/', {
    name: DEVICE_SCOPE,
    display_name: 'Device',
    description: 'What the conformance clients ask for',
    password_required: true,
    password_max_age: 0,
    scheme: {},
  });
  await admin.call('POST', '/user/', {
    username: TEST_USER,
    name: 'Conformance user',
    password: TEST_USER_PASSWORD,
    enabled: true,
    scope: ['openid', DEVICE_SCOPE],
  });
  const common = {
    enabled: true,
    authorization_type: ['device_authorization', 'refresh_token'],
    scope: ['openid', DEVICE_SCOPE],
    redirect_uri: [],
  };
  await admin.call('POST', '/client/', {
    ...common,
    client_id: clients.confidential.clientId,
    name: 'Conformance confidential client',
    confidential: true,
    client_secret: clients.confidential.clientSecret,
    token_endpoint_auth_method: ['client_secret_basic'],
  });
  await admin.call('POST', '/client/', {
    ...common,
    client_id: clients.public.clientId,
    name: 'Conformance public client',
    confidential: false,
  });
}

/** JSON calls to glewlwyd's API with the session cookie its `/auth/` login sets. */
class ApiSession {
  #cookie = '';
  constructor(private readonly base: string) {}

  async call(method: string, path: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(this.#cookie ? { cookie: this.#cookie } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const session = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .find((pair) => pair.startsWith('GLEWLWYD2_SESSION_ID='));
    if (session) this.#cookie = session;
    if (response.status !== 200)
      throw new Error(`glewlwyd ${method} /api${path}: HTTP ${response.status} ${text}`);
  }
}

async function waitUntilAnswering(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`glewlwyd exited with ${child.exitCode}`);
    try {
      // Any HTTP answer will do (the API root answers 404).
      await fetch(`${origin}/api/`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`glewlwyd did not answer at ${origin} within ${START_TIMEOUT_MS} ms`);
}

/**
 * A port free on loopback now, below the kernel's ephemeral range: glewlwyd takes a port
 * number, not a listening socket, and a port of that range may be handed to another test's
 * listen(0) between this check and glewlwyd's bind. The setup then spoke to that server (seen
 * in CI: the reference server's 404 answered glewlwyd's API). Other tests listen on port 0.
 */
async function freePort(): Promise<number> {
  const [low, high] = ephemeralRange();
  // Below the range, else above it; a machine whose range covers both has no safe port.
  const [from, to] = low > 11_000 ? [10_000, low] : high < 64_000 ? [high + 1, 65_536] : [0, 0];
  if (to - from < 1000)
    throw new Error(`no port range outside the ephemeral range ${low}-${high} for glewlwyd`);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${from} and ${to - 1}`);
}

/** The kernel's ephemeral port range (Linux), else IANA's. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low!, high!];
  } catch {
    // Not Linux.
  }
  return [49_152, 65_535];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first executable `name` in `dirs`, then in PATH's directories. */
function onPath(name: string, dirs: string[]): string | undefined {
  return dirs
    .concat((process.env.PATH ?? '').split(delimiter).filter(Boolean))
    .map((dir) => join(dir, name))
    .find((p) => hasAccess(p, constants.X_OK));
}

/** Whether this process may use `path` as `mode` says (constants.X_OK, R_OK). */
function hasAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}
