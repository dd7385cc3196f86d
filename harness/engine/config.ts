import { readFileSync } from 'node:fs';
import { validateConfig } from '../aws/schemas.ts';
import {
  DEFAULT_START_URL,
  defaultsFor,
  SETTINGS,
  settingOf,
  type SettingValues,
} from './settings.ts';

/**
 * Everything a run needs to know, after flags, SSOC_* environment and config file are merged.
 * Its members, their types and defaults are the table in settings.ts.
 */
export interface Config extends SettingValues {}

export type ConfigInput = Partial<Config>;

/** A problem with the settings: the CLI prints the message alone and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export { DEFAULT_START_URL };

export function configFromEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: Record<string, unknown> = {};
  for (const { env: name, key, type } of SETTINGS) {
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

  // rfc8628: an issuer given alone is the target; its metadata names the endpoints.
  const target = (merged.target ?? merged.issuer)?.replace(/\/+$/, '');
  const config = {
    ...defaultsFor(target ? 'target' : 'embedded'),
    ...merged,
    target,
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
    for (const { key } of settingsOnly('embedded')) {
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
    for (const { key } of settingsOnly('target')) {
      if (merged[key] !== undefined)
        throw new ConfigError(
          `${flagName(key)} configures CreateTokenWithIAM against a --target; the embedded reference server brings its own application, region and assertions`,
        );
    }
  }
  checkRfc8628Settings(config, merged);
  if (config.grep !== undefined) {
    try {
      new RegExp(config.grep, 'i');
    } catch (e) {
      throw new ConfigError(`--grep is not a valid regular expression: ${(e as Error).message}`);
    }
  }
  return config;
}

/** Settings of the plain RFC 8628 profile: they mean nothing to the aws profile. */
const RFC8628_SETTINGS = [
  'issuer',
  'deviceAuthorizationEndpoint',
  'tokenEndpoint',
  'registrationEndpoint',
  'clientAuth',
  'clientId',
  'clientSecret',
  'clientId2',
  'clientSecret2',
  'scope',
] as const;

/**
 * The profile's own settings: refused under aws; under rfc8628 the endpoints and clients name a
 * target's, and --client-id (with SSOC_CLIENT_SECRET) and --client-id-2 become the `clients`
 * the fixtures use, in that order.
 */
function checkRfc8628Settings(config: Config, merged: ConfigInput): void {
  const given = RFC8628_SETTINGS.filter((key) => merged[key] !== undefined);
  if (config.profile !== 'rfc8628') {
    if (given.length > 0)
      throw new ConfigError(`${flagName(given[0]!)} is a setting of --profile rfc8628`);
    return;
  }
  const targetOnly = given.filter((key) => key !== 'scope' && key !== 'clientAuth');
  if (!config.target && targetOnly.length > 0)
    throw new ConfigError(
      `${flagName(targetOnly[0]!)} names a target's endpoint or client; the embedded reference server brings its own`,
    );
  if (config.clientSecret !== undefined && config.clientId === undefined)
    throw new ConfigError('SSOC_CLIENT_SECRET is the secret of --client-id, which is not set');
  if (config.clientSecret2 !== undefined && config.clientId2 === undefined)
    throw new ConfigError('SSOC_CLIENT_SECRET_2 is the secret of --client-id-2, which is not set');
  if (config.clientId2 !== undefined && config.clientId === undefined)
    throw new ConfigError('--client-id-2 is a second client: give --client-id first');
  if (config.clientId !== undefined && config.clients === undefined) {
    const entry = (id: string, secret?: string) => (secret === undefined ? id : `${id} ${secret}`);
    config.clients = [entry(config.clientId, config.clientSecret)];
    if (config.clientId2 !== undefined)
      config.clients.push(entry(config.clientId2, config.clientSecret2));
  }
}

/** The settings that configure only the embedded server, or only a run against a --target. */
function settingsOnly(kind: 'embedded' | 'target') {
  return SETTINGS.filter((s) => 'only' in s && s.only === kind);
}

/** `/timeout must be > 0` -> `--timeout must be > 0`: a schema problem named after its source. */
function named(problems: string[], name: (key: string) => string): string[] {
  return problems.map((p) =>
    p
      .replace(/^\/(\S+) is not an allowed member$/, 'unknown setting "$1"')
      .replace(/^\/([A-Za-z$]+)/, (_, key: string) => name(key)),
  );
}

function flagName(key: string): string {
  return `--${settingOf(key)?.flag ?? kebab(key)}`;
}

function envName(key: string): string {
  return settingOf(key)?.env ?? key;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
