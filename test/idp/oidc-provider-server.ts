// A real, third-party OAuth 2.0 authorization server for the project's tests (issue 12 part 4):
// oidc-provider (panva) with the device authorization grant (RFC 8628) and refresh-token
// rotation, on loopback over plain http (a development target, never a deployment).
//
// Nothing here is the project's code under test: it is the "other side" that the plain RFC 8628
// profile must judge fairly. What it does on the wire is recorded in test/idp/FACTS.md.
//
// Its browser side (device verification page, login, consent) is oidc-provider's own
// development interactions (`devInteractions`); test/idp/approve-oidc-provider.mjs drives them.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The one end-user who exists. The approver logs in with this login (any password). */
export const TEST_USER = 'conformance-user';

export interface OidcProviderOptions {
  /** Lifetime of a device code (`expires_in`), seconds. Short, so expiry tests stay cheap. */
  deviceCodeLifetimeSeconds?: number;
  accessTokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  /** Open dynamic client registration (RFC 7591) at `<issuer>/reg`; off by default, as in oidc-provider. */
  registration?: boolean;
}

export interface TestClient {
  clientId: string;
  /** Absent for the public client. */
  clientSecret?: string;
  tokenEndpointAuthMethod: 'none' | 'client_secret_basic';
}

export interface RunningOidcProvider {
  /** e.g. http://127.0.0.1:41234 (metadata at /.well-known/openid-configuration). */
  issuer: string;
  /** Two confidential clients, so that one can present the other's secret. */
  clients: { public: TestClient; confidential: TestClient; confidential2: TestClient };
  close(): Promise<void>;
}

export async function startOidcProvider(
  options: OidcProviderOptions = {},
): Promise<RunningOidcProvider> {
  // The issuer URL must be known before the provider is built, so bind the port first and
  // hand requests to the provider once it exists.
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handle) return handle(req, res);
    res.statusCode = 503;
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const clients = {
    public: { clientId: 'ssoc-public', tokenEndpointAuthMethod: 'none' },
    confidential: {
      clientId: 'ssoc-confidential',
      clientSecret: randomBytes(24).toString('base64url'),
      tokenEndpointAuthMethod: 'client_secret_basic',
    },
    confidential2: {
      clientId: 'ssoc-confidential-2',
      clientSecret: randomBytes(24).toString('base64url'),
      tokenEndpointAuthMethod: 'client_secret_basic',
    },
  } satisfies RunningOidcProvider['clients'];

  try {
    const Provider = await withoutStartupNotices(
      async () => (await import('oidc-provider')).default,
    );
    const provider = await withoutStartupNotices(
      async () => new Provider(issuer, configuration(clients, options)),
    );
    handle = provider.callback();
  } catch (error) {
    server.close();
    throw error;
  }

  return {
    issuer,
    clients,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets from fetch would otherwise hold close() open.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function configuration(
  clients: RunningOidcProvider['clients'],
  options: OidcProviderOptions,
): Record<string, unknown> {
  const staticClient = (client: TestClient) => ({
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
    // A device client has no browser redirect of its own.
    response_types: [],
    redirect_uris: [],
  });

  return {
    clients: [
      staticClient(clients.public),
      staticClient(clients.confidential),
      staticClient(clients.confidential2),
    ],
    // An explicit key: oidc-provider would otherwise warn about its development keys.
    jwks: { keys: [signingKey()] },
    // Cookie signing keys, fresh per server (nothing outlives the test).
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'offline_access'],
    features: {
      devInteractions: { enabled: true },
      registration: { enabled: options.registration ?? false },
      deviceFlow: {
        enabled: true,
        userCodeInputSource,
        userCodeConfirmSource,
        successSource,
      },
    },
    // Every refresh answers with a new refresh token and retires the old one (RFC 9700 §4.14.2),
    // for confidential clients too (oidc-provider's default rotates only public ones).
    rotateRefreshToken: true,
    // oidc-provider's default already issues a refresh token when `offline_access` was granted
    // and the client may use refresh_token; stated here because the tests depend on it.
    issueRefreshToken: async (_ctx: unknown, client: GrantCheckingClient, source: ScopedSource) =>
      client.grantTypeAllowed('refresh_token') && source.scopes.has('offline_access'),
    ttl: {
      DeviceCode: options.deviceCodeLifetimeSeconds ?? 30,
      AccessToken: options.accessTokenLifetimeSeconds ?? 600,
      RefreshToken: options.refreshTokenLifetimeSeconds ?? 3600,
      IdToken: 600,
      Interaction: 300,
      Session: 600,
      Grant: 600,
    },
    findAccount: async (_ctx: unknown, sub: string) =>
      sub === TEST_USER ? { accountId: sub, claims: async () => ({ sub }) } : undefined,
    renderError,
  };
}

interface GrantCheckingClient {
  grantTypeAllowed(grantType: string): boolean;
}
interface ScopedSource {
  scopes: Set<string>;
}

function signingKey(): Record<string, unknown> {
  // RSA because RS256 is the default id_token_signed_response_alg of a client.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'test-idp', use: 'sig', alg: 'RS256' };
}

// The browser pages. oidc-provider prints a notice the first time each default page renders;
// these replace the defaults with the same forms (oidc-provider builds `form`, including its
// hidden xsrf field) and the same messages, without styling. The approver recognises them by
// the form ids and field names oidc-provider itself uses, not by wording, except for the
// aborted-request message, which is the only sign on the page that a denial took effect.

interface PageContext {
  type: string;
  body: string;
}

async function userCodeInputSource(
  ctx: PageContext,
  form: string,
  _out: unknown,
  error?: { name?: string; userCode?: string },
) {
  let message = 'Enter the code displayed on your device';
  if (error?.userCode || error?.name === 'NoCodeError')
    message = 'The code you entered is incorrect. Try again';
  else if (error?.name === 'AbortedError') message = 'The Sign-in request was interrupted';
  else if (error) message = 'There was an error processing your request';
  ctx.type = 'html';
  ctx.body = page(
    'Sign-in',
    `<p class="message">${message}</p>${form}<button type="submit" form="op.deviceInputForm">Continue</button>`,
  );
}

async function userCodeConfirmSource(
  ctx: PageContext,
  form: string,
  _client: unknown,
  _deviceInfo: unknown,
  userCode: string,
) {
  ctx.type = 'html';
  ctx.body = page(
    'Device Login Confirmation',
    `<p>The following code should be displayed on your device: <code>${escapeHtml(userCode)}</code></p>${form}` +
      '<button autofocus type="submit" form="op.deviceConfirmForm">Continue</button>' +
      '<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">[ Abort ]</button>',
  );
}

async function successSource(ctx: PageContext) {
  ctx.type = 'html';
  ctx.body = page(
    'Sign-in Success',
    '<p>Your sign-in was successful, you can now close this page.</p>',
  );
}

// One line per member, so that the approver can quote `error` and `error_description`.
async function renderError(ctx: PageContext, out: Record<string, string>) {
  ctx.type = 'html';
  const lines = Object.entries(out).map(
    ([key, value]) => `<pre>${escapeHtml(key)}: ${escapeHtml(String(value))}</pre>`,
  );
  ctx.body = page('oops! something went wrong', lines.join(''));
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// oidc-provider announces, on console.warn, facts we chose on purpose: Node 20 is below its
// supported runtime (9.x runs on it), the in-memory adapter, devInteractions. Those exact
// warnings are dropped while the module loads and the provider is built; anything else
// (a real error, an unexpected warning) still reaches the console.
const EXPECTED_STARTUP_WARNINGS = [
  'oidc-provider WARNING: Unsupported runtime.',
  'oidc-provider WARNING: a quick start development-only in-memory adapter is used',
  'oidc-provider WARNING: a quick start development-only feature devInteractions is enabled',
];

async function withoutStartupNotices<T>(work: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    // attention.js wraps the text in ANSI colours when stderr is a terminal.
    const text = String(args[0]).replace(/\x1b\[[0-9;]*m/g, '');
    if (args.length === 1 && EXPECTED_STARTUP_WARNINGS.some((known) => text.startsWith(known)))
      return;
    warn(...args);
  };
  try {
    return await work();
  } finally {
    console.warn = warn;
  }
}
