import { fail, ok, type Outcome } from './errors.ts';
import type { FaultSet } from './faults.ts';

/**
 * Decoding of operation inputs: the body must be a JSON object, required members present,
 * every member we read of its modelled JSON type. Semantic checks (is the client known, is
 * the grant type supported) belong to state.ts. Unknown members are ignored (restJson1).
 */

export type JsonObject = Record<string, unknown>;

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const REFRESH_TOKEN_GRANT = 'refresh_token';
export const AUTHORIZATION_CODE_GRANT = 'authorization_code';

export interface RegisterClientInput {
  clientName: string;
  clientType: string;
  scopes?: string[];
  redirectUris?: string[];
  grantTypes?: string[];
  issuerUrl?: string;
  entitledApplicationArn?: string;
}

export interface StartDeviceAuthorizationInput {
  clientId: string;
  clientSecret: string;
  /** Absent only under the `missing-start-url-accepted` fault. */
  startUrl?: string;
}

export interface CreateTokenInput {
  clientId: string;
  clientSecret: string;
  grantType: string;
  deviceCode?: string;
  code?: string;
  refreshToken?: string;
  scope?: string[];
  redirectUri?: string;
  codeVerifier?: string;
}

/** `undefined` when the body is not JSON or not a JSON object. */
export function parseJsonObject(text: string): JsonObject | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value as JsonObject;
}

function member(body: JsonObject, name: string): unknown {
  return Object.hasOwn(body, name) ? body[name] : undefined;
}

/** A string member; null and the empty string count as absent (RFC 6749 §3.2). */
function readString(body: JsonObject, name: string): Outcome<string | undefined> {
  const value = member(body, name);
  if (value === undefined || value === null || value === '') return ok(undefined);
  if (typeof value !== 'string') return fail('InvalidRequestException', `${name} must be a string`);
  return ok(value);
}

function requireString(body: JsonObject, name: string): Outcome<string> {
  const read = readString(body, name);
  if (!read.ok) return read;
  if (read.value === undefined) {
    return fail('InvalidRequestException', `Missing required member ${name}`);
  }
  return ok(read.value);
}

/** A list<string> member; null and the empty list count as absent. */
function readStringList(body: JsonObject, name: string): Outcome<string[] | undefined> {
  const value = member(body, name);
  if (value === undefined || value === null) return ok(undefined);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    return fail('InvalidRequestException', `${name} must be a list of strings`);
  }
  return ok(value.length === 0 ? undefined : (value as string[]));
}

type Reader = (body: JsonObject) => Outcome<unknown>;

/** Runs readers in order, stopping at the first error; returns the decoded members. */
function decode<T>(body: JsonObject, readers: Record<string, Reader>): Outcome<T> {
  const out: Record<string, unknown> = {};
  for (const [name, read] of Object.entries(readers)) {
    const result = read(body);
    if (!result.ok) return result;
    if (result.value !== undefined) out[name] = result.value;
  }
  return ok(out as T);
}

const required =
  (name: string): Reader =>
  (b) =>
    requireString(b, name);
const optional =
  (name: string): Reader =>
  (b) =>
    readString(b, name);
const list =
  (name: string): Reader =>
  (b) =>
    readStringList(b, name);

export function decodeRegisterClient(
  body: JsonObject,
  faults: FaultSet,
): Outcome<RegisterClientInput> {
  return decode(body, {
    clientName: required('clientName'),
    // The fault takes an absent clientType as "public".
    clientType: faults.has('missing-client-type-accepted')
      ? (b) => {
          const read = readString(b, 'clientType');
          return read.ok && read.value === undefined ? ok('public') : read;
        }
      : required('clientType'),
    scopes: list('scopes'),
    redirectUris: list('redirectUris'),
    grantTypes: list('grantTypes'),
    issuerUrl: optional('issuerUrl'),
    entitledApplicationArn: optional('entitledApplicationArn'),
  });
}

export function decodeStartDeviceAuthorization(
  body: JsonObject,
  faults: FaultSet,
): Outcome<StartDeviceAuthorizationInput> {
  return decode(body, {
    clientId: required('clientId'),
    clientSecret: required('clientSecret'),
    startUrl: faults.has('missing-start-url-accepted')
      ? optional('startUrl')
      : required('startUrl'),
  });
}

export function decodeCreateToken(body: JsonObject, faults: FaultSet): Outcome<CreateTokenInput> {
  const grantType: Reader = faults.has('missing-grant-type-accepted')
    ? (b) => {
        const read = readString(b, 'grantType');
        return read.ok && read.value === undefined ? ok(DEVICE_CODE_GRANT) : read;
      }
    : required('grantType');
  return decode(body, {
    clientId: required('clientId'),
    clientSecret: required('clientSecret'),
    grantType,
    deviceCode: optional('deviceCode'),
    code: optional('code'),
    refreshToken: optional('refreshToken'),
    scope: list('scope'),
    redirectUri: optional('redirectUri'),
    codeVerifier: optional('codeVerifier'),
  });
}
