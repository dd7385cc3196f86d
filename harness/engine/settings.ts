/**
 * Every setting of a run, once: its config key, flag, SSOC_* variable, type, default (per
 * target kind), help line, schema description and validation. From this table come the yargs
 * options (harness/cli/cli.ts), the environment map and the Config type (config.ts) and
 * schemas/config.schema.json (written by `npm run config-schema`, checked equal by
 * test/settings.test.ts, as is README's settings table). A new setting is one entry here.
 */

export const DEFAULT_START_URL = 'https://d-0000000000.awsapps.com/start';

/**
 * A remote target's defaults (README "Politeness"): tests still run 32 at once, so that their
 * real-time waits (600 s expiries, intervals) overlap, but no more than 4 requests are in
 * flight at any moment: a handful of concurrent clients, as a few CLI users would be, not a
 * burst of 32. Registrations: a run needs about 30 when every test runs; each is a lasting
 * client in the user's Identity Center, so a run stops at 60.
 */
export const REMOTE_MAX_IN_FLIGHT = 4;
export const REMOTE_MAX_REGISTRATIONS = 60;

/** How the text of a flag or variable is read: `list` is comma-separated (and `--fault` repeats). */
export type SettingType = 'string' | 'number' | 'boolean' | 'list';

/** A default that depends on the target: the embedded reference server, or a `--target`. */
export interface PerTarget<T> {
  embedded: T;
  target: T;
}

export interface Setting {
  /** The config file key and Config member. */
  key: string;
  /** The flag without its dashes; none for a setting only the environment or a file gives. */
  flag?: string;
  env: string;
  type: SettingType;
  /** The only values allowed (yargs `choices`, the schema's `enum`, the Config member's type). */
  choices?: readonly string[];
  /** Absent: the Config member is optional (undefined when not given). */
  default?: unknown;
  /** `embedded`: configures the embedded reference server; `target`: only with --target. */
  only?: 'embedded' | 'target';
  /** The --help line. */
  help?: string;
  /** The schema's description. */
  doc: string;
  /** The schema's checks (JSON Schema draft 2020-12), beside `enum` from `choices`. */
  validation?: Record<string, unknown>;
}

export const SETTINGS = [
  {
    key: 'target',
    flag: 'target',
    env: 'SSOC_TARGET',
    type: 'string',
    help: 'Base URL of the server under test (default: the embedded reference server)',
    doc: 'Base URL of the server under test. Absent: the embedded reference server is started and tested.',
    validation: { type: 'string', pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$' },
  },
  {
    key: 'profile',
    flag: 'profile',
    env: 'SSOC_PROFILE',
    type: 'string',
    choices: ['aws', 'rfc8628'],
    default: 'aws',
    help: 'Wire profile: aws (sso-oidc, restJson1) or rfc8628 (plain OAuth 2.0: forms, snake_case, metadata)',
    doc: 'Wire profile of the target: `aws` (the sso-oidc API) or `rfc8628` (a plain OAuth 2.0 server with the device grant).',
  },
  {
    key: 'issuer',
    flag: 'issuer',
    env: 'SSOC_ISSUER',
    type: 'string',
    help: 'rfc8628: the issuer whose metadata names the endpoints (RFC 8414); also the target',
    doc: 'Profile rfc8628: the issuer identifier; its metadata (RFC 8414, then OpenID discovery) names the endpoints. Given without --target, it is the target.',
    validation: { type: 'string', pattern: '^https?://[^\\s?#]+$' },
  },
  {
    key: 'deviceAuthorizationEndpoint',
    flag: 'device-authorization-endpoint',
    env: 'SSOC_DEVICE_AUTHORIZATION_ENDPOINT',
    type: 'string',
    help: 'rfc8628: the device authorization endpoint (over the metadata)',
    doc: 'Profile rfc8628: the device authorization endpoint URL; takes precedence over the metadata.',
    validation: { type: 'string', pattern: '^https?://\\S+$' },
  },
  {
    key: 'tokenEndpoint',
    flag: 'token-endpoint',
    env: 'SSOC_TOKEN_ENDPOINT',
    type: 'string',
    help: 'rfc8628: the token endpoint (over the metadata)',
    doc: 'Profile rfc8628: the token endpoint URL; takes precedence over the metadata.',
    validation: { type: 'string', pattern: '^https?://\\S+$' },
  },
  {
    key: 'registrationEndpoint',
    flag: 'registration-endpoint',
    env: 'SSOC_REGISTRATION_ENDPOINT',
    type: 'string',
    help: 'rfc8628: the RFC 7591 registration endpoint the run may register clients at',
    doc: 'Profile rfc8628: the dynamic registration endpoint (RFC 7591). Against a target, clients are registered only when it is given here (the metadata alone does not allow it); the embedded server registers.',
    validation: { type: 'string', pattern: '^https?://\\S+$' },
  },
  {
    key: 'clientAuth',
    flag: 'client-auth',
    env: 'SSOC_CLIENT_AUTH',
    type: 'string',
    choices: ['none', 'client_secret_basic', 'client_secret_post'],
    help: 'rfc8628: client authentication (default: the one the metadata publishes, else client_secret_basic with a secret, else none)',
    doc: 'Profile rfc8628: how the client authenticates (RFC 6749 §2.3). Default: the one of these the metadata publishes when it publishes one, else client_secret_basic when the client has a secret, else none. A client the run registers asks for this method and then authenticates as the server registered it (RFC 7591 §3.2.1 lets the server choose another).',
  },
  {
    key: 'clientId',
    flag: 'client-id',
    env: 'SSOC_CLIENT_ID',
    type: 'string',
    help: 'rfc8628: the client the run uses (its secret only from SSOC_CLIENT_SECRET)',
    doc: 'Profile rfc8628: the client registered out of band that the run uses; its secret comes from SSOC_CLIENT_SECRET only.',
    validation: { type: 'string', pattern: '^\\S+$' },
  },
  {
    key: 'clientSecret',
    env: 'SSOC_CLIENT_SECRET',
    type: 'string',
    doc: 'Profile rfc8628: the secret of --client-id. No flag and no config key worth writing down: keep it in the environment.',
    validation: { type: 'string', minLength: 1 },
  },
  {
    key: 'clientId2',
    flag: 'client-id-2',
    env: 'SSOC_CLIENT_ID_2',
    type: 'string',
    help: 'rfc8628: a second client, for the cross-client tests (secret from SSOC_CLIENT_SECRET_2)',
    doc: "Profile rfc8628: a second client for the tests of one client presenting another client's codes and tokens; its secret comes from SSOC_CLIENT_SECRET_2 only.",
    validation: { type: 'string', pattern: '^\\S+$' },
  },
  {
    key: 'clientSecret2',
    env: 'SSOC_CLIENT_SECRET_2',
    type: 'string',
    doc: 'Profile rfc8628: the secret of --client-id-2.',
    validation: { type: 'string', minLength: 1 },
  },
  {
    key: 'scope',
    flag: 'scope',
    env: 'SSOC_SCOPE',
    type: 'string',
    help: 'rfc8628: scope of the device authorization request (space-separated; e.g. "openid offline_access")',
    doc: 'Profile rfc8628: the scope sent on the device authorization request, space-separated. Ask for what the server needs to issue a refresh token (often offline_access).',
    validation: {
      type: 'string',
      pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*$',
    },
  },
  {
    key: 'startUrl',
    flag: 'start-url',
    env: 'SSOC_START_URL',
    type: 'string',
    default: DEFAULT_START_URL,
    help: 'startUrl sent on StartDeviceAuthorization',
    doc: 'AWS access portal URL sent as startUrl on StartDeviceAuthorization.',
    validation: { type: 'string', minLength: 1 },
  },
  {
    key: 'approver',
    flag: 'approver',
    env: 'SSOC_APPROVER',
    type: 'string',
    choices: ['reference', 'exec', 'manual', 'none'],
    default: { embedded: 'reference', target: 'none' },
    help: 'Who approves or denies device authorizations',
    doc: 'Who approves or denies device authorizations: reference (embedded or a `serve`d reference server), exec (a command), manual (a person at a TTY), none (tests that need approval are skipped).',
  },
  {
    key: 'approverCommand',
    flag: 'approver-command',
    env: 'SSOC_APPROVER_COMMAND',
    type: 'string',
    help: 'Command of the exec approver (run with sh -c)',
    doc: 'Shell command of the exec approver (run with sh -c; see README for its environment).',
    validation: { type: 'string', minLength: 1 },
  },
  {
    key: 'approverTimeout',
    flag: 'approver-timeout',
    env: 'SSOC_APPROVER_TIMEOUT',
    type: 'number',
    default: 120,
    help: 'Seconds one approval may take',
    doc: 'Seconds an approver may take for one decision.',
    validation: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
  },
  {
    key: 'approverUsesPage',
    flag: 'approver-uses-page',
    env: 'SSOC_APPROVER_USES_PAGE',
    type: 'boolean',
    default: false,
    help: 'The exec approver enters codes at the verification page as a user does (enables the tests of what the page accepts)',
    doc: 'The exec approver enters codes at the verification page as a user does (not through a back door), so the tests of what the page accepts judge the target.',
    validation: { type: 'boolean' },
  },
  {
    key: 'grep',
    flag: 'grep',
    env: 'SSOC_GREP',
    type: 'string',
    help: 'Only tests whose name matches this regular expression',
    doc: 'Only run tests whose name matches this regular expression (case-insensitive).',
    validation: { type: 'string', minLength: 1 },
  },
  {
    key: 'strict',
    flag: 'strict',
    env: 'SSOC_STRICT',
    type: 'boolean',
    default: false,
    help: 'SHOULD-level deviations fail the run',
    doc: 'SHOULD-level deviations fail the run.',
    validation: { type: 'boolean' },
  },
  {
    key: 'maxWait',
    flag: 'max-wait',
    env: 'SSOC_MAX_WAIT',
    type: 'number',
    default: 900,
    help: 'Longest wait (s) a test may need in real time; longer ones are skipped',
    doc: 'Longest wait in seconds a test may need against a real-time target; longer ones are skipped with the figure in the reason.',
    validation: { type: 'number', minimum: 0 },
  },
  {
    key: 'reports',
    flag: 'reports',
    env: 'SSOC_REPORTS',
    type: 'string',
    default: 'reports',
    help: 'Directory for junit.xml, results.json and report.html (default reports)',
    doc: 'Directory the reports are written to.',
    validation: { type: 'string', minLength: 1 },
  },
  {
    key: 'timeout',
    flag: 'timeout',
    env: 'SSOC_TIMEOUT',
    type: 'number',
    default: 10,
    help: 'Seconds one HTTP exchange may take in all',
    doc: 'Seconds one HTTP exchange may take in all (connect, headers, body).',
    validation: { type: 'number', exclusiveMinimum: 0, maximum: 300 },
  },
  {
    key: 'concurrency',
    flag: 'concurrency',
    env: 'SSOC_CONCURRENCY',
    type: 'number',
    default: { embedded: 8, target: 32 },
    help: 'Tests run at the same time',
    doc: 'Tests run at the same time.',
    validation: { type: 'integer', minimum: 1, maximum: 64 },
  },
  {
    key: 'faults',
    flag: 'fault',
    env: 'SSOC_FAULTS',
    type: 'list',
    default: [],
    only: 'embedded',
    help: 'Embedded reference server: switch on a seeded fault (repeatable)',
    doc: 'Embedded reference server only: seeded faults to switch on.',
    validation: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
  },
  {
    key: 'like',
    flag: 'like',
    env: 'SSOC_LIKE',
    type: 'string',
    choices: ['aws'],
    only: 'embedded',
    help: 'Embedded reference server: behave like AWS as recorded, its deviations included',
    doc: "Embedded reference server only: behave like a vendor as recorded (a named bundle of seeded variations and the vendor's known deviations; see reference/personas.ts).",
  },
  {
    key: 'interval',
    flag: 'interval',
    env: 'SSOC_INTERVAL',
    type: 'number',
    default: 1,
    only: 'embedded',
    help: 'Embedded reference server: polling interval it sends (s)',
    doc: 'Embedded reference server only: polling interval it sends, in seconds.',
    validation: { type: 'integer', minimum: 1 },
  },
  {
    key: 'expiresIn',
    flag: 'expires-in',
    env: 'SSOC_EXPIRES_IN',
    type: 'number',
    default: 600,
    only: 'embedded',
    help: 'Embedded reference server: device code lifetime (s)',
    doc: 'Embedded reference server only: device authorization lifetime in seconds.',
    validation: { type: 'integer', minimum: 1 },
  },
  {
    key: 'slowDown',
    flag: 'slow-down',
    env: 'SSOC_SLOW_DOWN',
    type: 'string',
    choices: ['off', 'strict'],
    default: 'off',
    only: 'embedded',
    help: 'Embedded reference server: slow_down mode',
    doc: 'Embedded reference server only: off, or strict per-code interval enforcement with slow_down.',
  },
  {
    key: 'seed',
    flag: 'seed',
    env: 'SSOC_SEED',
    type: 'number',
    default: 8628,
    help: 'Seed of the property-based suites (default fixed: 8628)',
    doc: 'Seed of the property-based suites (fast-check). The default is fixed, so that every run gives the same verdicts; another seed explores other cases, and a failure prints the seed that replays it.',
    validation: { type: 'integer' },
  },
  {
    key: 'numRuns',
    flag: 'num-runs',
    env: 'SSOC_NUM_RUNS',
    type: 'number',
    default: { embedded: 100, target: 10 },
    help: 'Generated cases per property',
    doc: 'Generated cases per property (default 100 against the embedded server, 10 against a target).',
    validation: { type: 'integer', minimum: 1, maximum: 100000 },
  },
  {
    key: 'requestBudget',
    flag: 'request-budget',
    env: 'SSOC_REQUEST_BUDGET',
    type: 'number',
    default: { embedded: 2000, target: 200 },
    help: 'Most requests one property may send',
    doc: 'Most requests one property may send (default 2000 embedded, 200 against a target).',
    validation: { type: 'integer', minimum: 1, maximum: 1000000 },
  },
  {
    key: 'maxInFlight',
    flag: 'max-in-flight',
    env: 'SSOC_MAX_IN_FLIGHT',
    type: 'number',
    default: { embedded: Infinity, target: REMOTE_MAX_IN_FLIGHT },
    help: 'Requests in flight at once over the run (4 against a target)',
    doc: 'Requests in flight at once over the run (default: unlimited embedded, 4 against a target).',
    validation: { type: 'integer', minimum: 1, maximum: 1000 },
  },
  {
    key: 'maxRegistrations',
    flag: 'max-registrations',
    env: 'SSOC_MAX_REGISTRATIONS',
    type: 'number',
    default: { embedded: Infinity, target: REMOTE_MAX_REGISTRATIONS },
    help: 'Registrations the run may create (60 against a target); beyond it tests skip',
    doc: 'Registrations the run may create on the target; beyond it tests skip (default: unbounded embedded, 60 against a target).',
    validation: { type: 'integer', minimum: 1, maximum: 100000 },
  },
  {
    key: 'clients',
    env: 'SSOC_CLIENTS',
    type: 'list',
    doc: 'Clients registered out of band, for a wire profile that cannot register clients: each `clientId` or `clientId clientSecret` (SSOC_CLIENTS: comma-separated). The tests use the first; tests that need a new registration are skipped. No flag, so that a secret stays off the command line. A profile that registers clients (aws) does not read it.',
    validation: {
      type: 'array',
      items: { type: 'string', pattern: '^\\S+( \\S+)?$' },
      minItems: 1,
    },
  },
  {
    key: 'iamApplicationArn',
    flag: 'iam-application-arn',
    env: 'SSOC_IAM_APPLICATION_ARN',
    type: 'string',
    only: 'target',
    help: 'CreateTokenWithIAM: application ARN sent as clientId (with --target)',
    doc: 'CreateTokenWithIAM against a target: the ARN of the IAM Identity Center application, sent as clientId. Without it (or without AWS credentials) the CreateTokenWithIAM tests are skipped. The embedded reference server brings its own.',
    validation: { type: 'string', pattern: '^arn:[^:\\s]+:[^:\\s]+:[^:\\s]*:[^:\\s]*:\\S+$' },
  },
  {
    key: 'iamRegion',
    flag: 'iam-region',
    env: 'SSOC_IAM_REGION',
    type: 'string',
    only: 'target',
    help: 'CreateTokenWithIAM: endpoint region requests are signed for (with --target)',
    doc: 'CreateTokenWithIAM against a target: the region of the endpoint, which requests are signed for (default: taken from an oidc.<region>.amazonaws.com target).',
    validation: { type: 'string', pattern: '^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$' },
  },
  {
    key: 'iamRedirectUri',
    flag: 'iam-redirect-uri',
    env: 'SSOC_IAM_REDIRECT_URI',
    type: 'string',
    only: 'target',
    help: "CreateTokenWithIAM: a redirect URI of the application's (with --target)",
    doc: 'CreateTokenWithIAM against a target: a redirect URI registered for the application, used by the authorization_code test (default http://127.0.0.1:53682/oauth/callback).',
    validation: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9+.-]*://\\S+$' },
  },
  {
    key: 'iamAssertionFile',
    flag: 'iam-assertion-file',
    env: 'SSOC_IAM_ASSERTION_FILE',
    type: 'string',
    only: 'target',
    help: 'CreateTokenWithIAM: file holding a jwt-bearer assertion (with --target)',
    doc: "CreateTokenWithIAM against a target: a file holding a JWT from the application's trusted token issuer, for the jwt-bearer grant (read at each use).",
    validation: { type: 'string', minLength: 1 },
  },
  {
    key: 'iamAssertionCommand',
    flag: 'iam-assertion-command',
    env: 'SSOC_IAM_ASSERTION_COMMAND',
    type: 'string',
    only: 'target',
    help: 'CreateTokenWithIAM: command printing a fresh jwt-bearer assertion (with --target)',
    doc: "CreateTokenWithIAM against a target: a command (sh -c) printing a fresh JWT from the application's trusted token issuer on standard output; see README for the variables that ask for a broken one.",
    validation: { type: 'string', minLength: 1 },
  },
  {
    key: 'iamOtherRegionTarget',
    flag: 'iam-other-region-target',
    env: 'SSOC_IAM_OTHER_REGION_TARGET',
    type: 'string',
    only: 'target',
    help: 'CreateTokenWithIAM: the endpoint of a second region, whose tokens the target must refuse with InvalidRequestRegionException (AWS-IAM-REGION; without it, not judged)',
    doc: 'CreateTokenWithIAM against a target: the endpoint of the same service in a second region; tokens it issues (jwt-bearer, with the same application, credentials and assertions) are shown to the target, which must answer InvalidRequestRegionException (AWS-IAM-REGION). Absent: AWS-IAM-REGION is not judged.',
    validation: { type: 'string', pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$' },
  },
  {
    key: 'iamOtherRegion',
    flag: 'iam-other-region',
    env: 'SSOC_IAM_OTHER_REGION',
    type: 'string',
    only: 'target',
    help: 'CreateTokenWithIAM: the region of --iam-other-region-target when its host does not name it',
    doc: 'The region of iamOtherRegionTarget, when its host is not oidc.<region>.amazonaws.com.',
    validation: { type: 'string', pattern: '^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$' },
  },
  {
    key: 'knownDeviations',
    flag: 'known-deviations',
    env: 'SSOC_KNOWN_DEVIATIONS',
    type: 'string',
    help: 'JSON list of known deviations (schemas/known-deviations.schema.json), or aws for the shipped one: their failures are reported as known and do not fail the run',
    doc: 'Known deviations of the target: a JSON file valid against schemas/known-deviations.schema.json (path relative to the working directory), or `aws` for the list shipped with the tool. A failure it lists gets the verdict `known` (reported, exit 0); a listed entry whose checks all pass warns "no longer deviates".',
    validation: { type: 'string', minLength: 1 },
  },
  {
    key: 'exchanges',
    flag: 'exchanges',
    env: 'SSOC_EXCHANGES',
    type: 'string',
    choices: ['failed', 'all'],
    default: 'failed',
    help: 'Exchanges the reports keep: failed (of every test that did not pass or skip) or all',
    doc: "The recorded HTTP exchanges the reports keep: `failed` keeps those of every test whose verdict is not passed or skipped (failed, warning, known, info, error: the ones a reader must be able to check), `all` keeps every test's. Checks, notes, request counts and curl lines are always kept; results.json says which was chosen (`exchanges`).",
  },
] as const satisfies readonly Setting[];

type Entry = (typeof SETTINGS)[number];

/** The value type of one setting, as the Config member holds it. */
type ValueOf<S> = S extends { choices: readonly (infer C)[] }
  ? C
  : S extends { type: 'number' }
    ? number
    : S extends { type: 'boolean' }
      ? boolean
      : S extends { type: 'list' }
        ? string[]
        : string;

/** Settings with a default are always set; the others are optional members. */
export type SettingValues = {
  -readonly [S in Entry as S extends { default: unknown } ? S['key'] : never]: ValueOf<S>;
} & {
  -readonly [S in Entry as S extends { default: unknown } ? never : S['key']]?: ValueOf<S>;
};

const BY_KEY: ReadonlyMap<string, Setting> = new Map(SETTINGS.map((s) => [s.key, s]));

export function settingOf(key: string): Setting | undefined {
  return BY_KEY.get(key);
}

/** The defaults for this kind of target, settings without one left out. */
export function defaultsFor(kind: keyof PerTarget<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS as readonly Setting[]) {
    if (!('default' in s)) continue;
    const d = s.default;
    out[s.key] = isPerTarget(d) ? d[kind] : Array.isArray(d) ? [...d] : d;
  }
  return out;
}

function isPerTarget(value: unknown): value is PerTarget<unknown> {
  return typeof value === 'object' && value !== null && 'embedded' in value && 'target' in value;
}

/** The JSON schema of a config file, as schemas/config.schema.json holds it. */
export function configSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = { $schema: { type: 'string' } };
  for (const s of SETTINGS as readonly Setting[]) {
    properties[s.key] = {
      description: s.doc,
      ...(s.choices ? { enum: [...s.choices] } : {}),
      ...s.validation,
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://sso-oidc-conformance.dev/schemas/config.schema.json',
    title: 'sso-oidc-conformance configuration',
    description:
      'Settings of a run, from a --config JSON file, SSOC_* environment variables and flags (flags win, then environment, then file). Unknown keys are an error.',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
