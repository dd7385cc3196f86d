import { readFileSync } from 'node:fs';
import { validateConfig } from '../aws/schemas.ts';

/** Everything a run needs to know, after flags, SSOC_* environment and config file are merged. */
export interface Config {
  target?: string;
  profile: 'aws';
  startUrl: string;
  approver: 'reference' | 'exec' | 'manual' | 'none';
  approverCommand?: string;
  approverTimeout: number;
  /**
   * The exec approver acts as a user at the verification page (a browser driver), not through a
   * back door: tests of what the page accepts (retyped, denied codes) then judge the target.
   */
  approverUsesPage: boolean;
  grep?: string;
  strict: boolean;
  maxWait: number;
  reports: string;
  timeout: number;
  concurrency: number;
  faults: string[];
  /** Embedded reference server: behave like this vendor as recorded (reference/personas.ts). */
  like?: 'aws';
  interval: number;
  expiresIn: number;
  slowDown: 'off' | 'strict';
  /** Property-based suites: fast-check seed (fixed by default: same verdicts on every run). */
  seed: number;
  numRuns: number;
  requestBudget: number;
  /**
   * Politeness (issue 10, part 4): requests in flight at once over the whole run, and the
   * registrations (lasting clients on the target) a run may create; beyond it tests skip.
   * Unbounded against the embedded server, whose every test has a server of its own.
   */
  maxInFlight: number;
  maxRegistrations: number;
  /**
   * CreateTokenWithIAM against a target (the embedded server brings its own): the application
   * ARN sent as clientId, the endpoint region the requests are signed for, the redirect URI
   * registered for the application, and where jwt-bearer assertions come from. Credentials are
   * never settings: they come from SSOC_AWS_* or the standard provider chain (see iam.ts).
   */
  iamApplicationArn?: string;
  iamRegion?: string;
  iamRedirectUri?: string;
  iamAssertionFile?: string;
  iamAssertionCommand?: string;
  /**
   * The same service's endpoint in a second region (AWS-IAM-REGION): tokens it issues are
   * shown to the target, which must answer InvalidRequestRegionException. Its region is taken
   * from an oidc.<region>.amazonaws.com host, else from iamOtherRegion.
   */
  iamOtherRegionTarget?: string;
  iamOtherRegion?: string;
  /**
   * Known-deviations list (a file, or `aws` for the shipped one): its failures get the verdict
   * `known` and do not fail the run (harness/engine/known-deviations.ts).
   */
  knownDeviations?: string;
}

export type ConfigInput = Partial<Config>;

/** A problem with the settings: the CLI prints the message alone and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

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

const DEFAULTS = {
  profile: 'aws',
  startUrl: DEFAULT_START_URL,
  approverTimeout: 120,
  approverUsesPage: false,
  strict: false,
  maxWait: 900,
  reports: 'reports',
  timeout: 10,
  faults: [] as string[],
  interval: 1,
  expiresIn: 600,
  slowDown: 'off',
  seed: 8628,
} as const;

/** SSOC_* variable -> config key and how to read its text. */
const ENV: Record<string, { key: keyof Config; type: 'string' | 'number' | 'boolean' | 'list' }> = {
  SSOC_TARGET: { key: 'target', type: 'string' },
  SSOC_PROFILE: { key: 'profile', type: 'string' },
  SSOC_START_URL: { key: 'startUrl', type: 'string' },
  SSOC_APPROVER: { key: 'approver', type: 'string' },
  SSOC_APPROVER_COMMAND: { key: 'approverCommand', type: 'string' },
  SSOC_APPROVER_TIMEOUT: { key: 'approverTimeout', type: 'number' },
  SSOC_APPROVER_USES_PAGE: { key: 'approverUsesPage', type: 'boolean' },
  SSOC_GREP: { key: 'grep', type: 'string' },
  SSOC_STRICT: { key: 'strict', type: 'boolean' },
  SSOC_MAX_WAIT: { key: 'maxWait', type: 'number' },
  SSOC_REPORTS: { key: 'reports', type: 'string' },
  SSOC_TIMEOUT: { key: 'timeout', type: 'number' },
  SSOC_CONCURRENCY: { key: 'concurrency', type: 'number' },
  SSOC_FAULTS: { key: 'faults', type: 'list' },
  SSOC_LIKE: { key: 'like', type: 'string' },
  SSOC_INTERVAL: { key: 'interval', type: 'number' },
  SSOC_EXPIRES_IN: { key: 'expiresIn', type: 'number' },
  SSOC_SLOW_DOWN: { key: 'slowDown', type: 'string' },
  SSOC_SEED: { key: 'seed', type: 'number' },
  SSOC_NUM_RUNS: { key: 'numRuns', type: 'number' },
  SSOC_REQUEST_BUDGET: { key: 'requestBudget', type: 'number' },
  SSOC_MAX_IN_FLIGHT: { key: 'maxInFlight', type: 'number' },
  SSOC_MAX_REGISTRATIONS: { key: 'maxRegistrations', type: 'number' },
  SSOC_IAM_APPLICATION_ARN: { key: 'iamApplicationArn', type: 'string' },
  SSOC_IAM_REGION: { key: 'iamRegion', type: 'string' },
  SSOC_IAM_REDIRECT_URI: { key: 'iamRedirectUri', type: 'string' },
  SSOC_IAM_ASSERTION_FILE: { key: 'iamAssertionFile', type: 'string' },
  SSOC_IAM_ASSERTION_COMMAND: { key: 'iamAssertionCommand', type: 'string' },
  SSOC_IAM_OTHER_REGION_TARGET: { key: 'iamOtherRegionTarget', type: 'string' },
  SSOC_IAM_OTHER_REGION: { key: 'iamOtherRegion', type: 'string' },
  SSOC_KNOWN_DEVIATIONS: { key: 'knownDeviations', type: 'string' },
};

export const ENV_VARIABLES = Object.keys(ENV);

export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: Record<string, unknown> = {};
  for (const [name, { key, type }] of Object.entries(ENV)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    if (type === 'string') out[key] = text;
    else if (type === 'list')
      out[key] = text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (type === 'boolean') {
      if (!/^(1|0|true|false|yes|no)$/i.test(text))
        throw new ConfigError(`${name} must be true or false, not "${text}"`);
      out[key] = /^(1|true|yes)$/i.test(text);
    } else {
      const n = Number(text);
      if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number, not "${text}"`);
      out[key] = n;
    }
  }
  return out as ConfigInput;
}

export function configFromFile(path: string): ConfigInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const problems = validateConfig(value);
  if (problems.length > 0)
    throw new ConfigError(`config file ${path}: ${named(problems, (key) => key).join('; ')}`);
  const { $schema: _ignored, ...rest } = value as Record<string, unknown>;
  return rest as ConfigInput;
}

function withoutUndefined(input: ConfigInput): ConfigInput {
  return Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined),
  ) as ConfigInput;
}

/** Merge (flags over environment over file over defaults), fill derived defaults, validate. */
export function resolveConfig(layers: {
  file?: ConfigInput;
  env?: ConfigInput;
  flags?: ConfigInput;
}): Config {
  // Each layer is checked on its own first, so that a message names the flag or the variable.
  const flagProblems = validateConfig(withoutUndefined(layers.flags ?? {}));
  if (flagProblems.length > 0) throw new ConfigError(named(flagProblems, flagName).join('; '));
  const envProblems = validateConfig(withoutUndefined(layers.env ?? {}));
  if (envProblems.length > 0) throw new ConfigError(named(envProblems, envName).join('; '));
  const merged = {
    ...withoutUndefined(layers.file ?? {}),
    ...withoutUndefined(layers.env ?? {}),
    ...withoutUndefined(layers.flags ?? {}),
  } as ConfigInput;
  const problems = validateConfig(merged);
  if (problems.length > 0) throw new ConfigError(`invalid settings: ${problems.join('; ')}`);

  const target = merged.target?.replace(/\/+$/, '');
  const approver = merged.approver ?? (target ? 'none' : 'reference');
  const config: Config = {
    ...DEFAULTS,
    concurrency: target ? 32 : 8,
    numRuns: target ? 10 : 100,
    requestBudget: target ? 200 : 2000,
    maxInFlight: target ? REMOTE_MAX_IN_FLIGHT : Infinity,
    maxRegistrations: target ? REMOTE_MAX_REGISTRATIONS : Infinity,
    ...merged,
    target,
    approver,
    faults: merged.faults ?? [],
  } as Config;

  if (config.approver === 'exec' && !config.approverCommand)
    throw new ConfigError('--approver exec needs --approver-command');
  if (config.approver !== 'exec' && config.approverCommand)
    throw new ConfigError('--approver-command is only used with --approver exec');
  if (!target && config.approver === 'manual')
    throw new ConfigError(
      '--approver manual needs --target: nobody can reach the embedded reference server',
    );
  if (target) {
    for (const key of ['faults', 'like', 'interval', 'expiresIn', 'slowDown'] as const) {
      const given = merged[key];
      if (given !== undefined && !(Array.isArray(given) && given.length === 0))
        throw new ConfigError(
          `${flagName(key)} configures the embedded reference server and cannot be used with --target`,
        );
    }
  }
  if (config.iamAssertionFile !== undefined && config.iamAssertionCommand !== undefined)
    throw new ConfigError('--iam-assertion-file and --iam-assertion-command exclude each other');
  if (config.iamOtherRegion !== undefined && config.iamOtherRegionTarget === undefined)
    throw new ConfigError(
      '--iam-other-region names the region of --iam-other-region-target, which is not set',
    );
  if (!target) {
    for (const key of IAM_KEYS) {
      if (merged[key] !== undefined)
        throw new ConfigError(
          `${flagName(key)} configures CreateTokenWithIAM against a --target; the embedded reference server brings its own application, region and assertions`,
        );
    }
  }
  if (config.grep !== undefined) {
    try {
      new RegExp(config.grep, 'i');
    } catch (e) {
      throw new ConfigError(`--grep is not a valid regular expression: ${(e as Error).message}`);
    }
  }
  return config;
}

const IAM_KEYS = [
  'iamApplicationArn',
  'iamRegion',
  'iamRedirectUri',
  'iamAssertionFile',
  'iamAssertionCommand',
  'iamOtherRegionTarget',
  'iamOtherRegion',
] as const;

/** `/timeout must be > 0` -> `--timeout must be > 0`: a schema problem named after its source. */
function named(problems: string[], name: (key: string) => string): string[] {
  return problems.map((p) =>
    p
      .replace(/^\/(\S+) is not an allowed member$/, 'unknown setting "$1"')
      .replace(/^\/([A-Za-z$]+)/, (_, key: string) => name(key)),
  );
}

function flagName(key: string): string {
  return key === 'faults' ? '--fault' : `--${kebab(key)}`;
}

function envName(key: string): string {
  return Object.entries(ENV).find(([, v]) => v.key === key)?.[0] ?? key;
}

export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
