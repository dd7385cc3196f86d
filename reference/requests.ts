import { fail, ok, type Outcome } from './errors.ts';
import type { FaultName, FaultSet } from './faults.ts';

/**
 * Decoding of operation inputs: the body must be a JSON object, required members present,
 * every member we read of its modelled JSON type. Semantic checks (is the client known, is
 * the grant type supported) belong to state.ts. Unknown members are ignored (restJson1).
 */

export type JsonObject = Record<string, unknown>;

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const REFRESH_TOKEN_GRANT = 'refresh_token';
export const AUTHORIZATION_CODE_GRANT = 'authorization_code';
/** CreateTokenWithIAM's own grants (WIRE.md §1.4). */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 §3 token type identifiers. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const REFRESH_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';

export interface RegisterClientInput {
  clientName: string;
  clientType: string;
  scopes?: string[];
  redirectUris?: string[];
  grantTypes?: string[];
  issuerUrl?: string;
  entitledApplicationArn?: string;
  /**
   * The plain OAuth front end registered the client with token_endpoint_auth_method `none`
   * (variation oauth-register-none-with-secret): a request without its secret authenticates it.
   */
  authMethodNone?: boolean;
}

export interface StartDeviceAuthorizationInput {
  clientId: string;
  clientSecret: string;
  /** Absent only under the `missing-start-url-accepted` fault. */
  startUrl?: string;
}

export interface CreateTokenInput {
  /** Absent only under the client-from-device-code fault. */
  clientId?: string;
  clientSecret: string;
  grantType: string;
  deviceCode?: string;
  code?: string;
  refreshToken?: string;
  scope?: string[];
  redirectUri?: string;
  codeVerifier?: string;
}

export interface CreateTokenWithIamInput {
  clientId: string;
  grantType: string;
  code?: string;
  refreshToken?: string;
  assertion?: string;
  scope?: string[];
  redirectUri?: string;
  subjectToken?: string;
  subjectTokenType?: string;
  requestedTokenType?: string;
  codeVerifier?: string;
}

/**
 * `undefined` when the body is not JSON or not a JSON object. A repeated member takes its last
 * value (ECMAScript JSON.parse), unless `firstWins` (the duplicate-key-first-wins fault).
 */
export function parseJsonObject(text: string, firstWins = false): JsonObject | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return firstWins ? { ...(value as JsonObject), ...firstValues(text) } : (value as JsonObject);
}

/** The first value of each top-level member of a JSON object text (already known to parse). */
function firstValues(text: string): JsonObject {
  const out: JsonObject = {};
  let depth = 0;
  let i = 0;
  const stringEnd = (from: number) => {
    let j = from + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(i);
      if (depth === 1) {
        let k = end;
        while (/\s/.test(text[k] ?? '')) k++;
        if (text[k] === ':') {
          // A member name at the top level: read its value up to the next top-level , or }.
          const name = JSON.parse(text.slice(i, end)) as string;
          let v = k + 1;
          let d = 0;
          while (v < text.length) {
            const ch = text[v]!;
            if (ch === '"') v = stringEnd(v);
            else {
              if (ch === '{' || ch === '[') d++;
              else if (ch === '}' || ch === ']') {
                if (d === 0) break;
                d--;
              } else if (ch === ',' && d === 0) break;
              v++;
            }
          }
          if (!Object.hasOwn(out, name)) out[name] = JSON.parse(text.slice(k + 1, v));
          i = v;
          continue;
        }
      }
      i = end;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    i++;
  }
  return out;
}

/**
 * The 500-on-wrong-type fault: the decoders run for one request at a time, so the fault set of
 * the request being decoded is held here while it is.
 */
let decodingFaults: FaultSet = new Set();
export function withDecodingFaults<T>(faults: FaultSet, decode: () => T): T {
  decodingFaults = faults;
  try {
    return decode();
  } finally {
    decodingFaults = new Set();
  }
}
function wrongTypeShape(): 'InternalServerException' | 'InvalidRequestException' {
  return decodingFaults.has('500-on-wrong-type')
    ? 'InternalServerException'
    : 'InvalidRequestException';
}

function member(body: JsonObject, name: string): unknown {
  return Object.hasOwn(body, name) ? body[name] : undefined;
}

/** A string member; null and the empty string count as absent (RFC 6749 §3.2). */
function readString(body: JsonObject, name: string): Outcome<string | undefined> {
  const value = member(body, name);
  if (value === undefined || value === null || value === '') return ok(undefined);
  if (typeof value !== 'string') return fail(wrongTypeShape(), `${name} must be a string`);
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
    return fail(wrongTypeShape(), `${name} must be a list of strings`);
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

/**
 * clientSecret is required, but under `optionalUnder`'s faults: then a missing one reads as ''
 * (secret-optional lets it through everywhere, refresh-secret-optional on refreshes only).
 */
function secretReader(faults: FaultSet, optionalUnder: FaultName[]): Reader {
  if (!optionalUnder.some((f) => faults.has(f))) return required('clientSecret');
  return (b) => {
    const read = readString(b, 'clientSecret');
    return read.ok && read.value === undefined ? ok('') : read;
  };
}

export function decodeStartDeviceAuthorization(
  body: JsonObject,
  faults: FaultSet,
): Outcome<StartDeviceAuthorizationInput> {
  return decode(body, {
    clientId: required('clientId'),
    clientSecret: secretReader(faults, ['secret-optional']),
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
    // client-from-device-code: a missing clientId is left for the device code to supply.
    clientId: faults.has('client-from-device-code') ? optional('clientId') : required('clientId'),
    clientSecret: secretReader(faults, ['secret-optional', 'refresh-secret-optional']),
    grantType,
    deviceCode: optional('deviceCode'),
    code: optional('code'),
    refreshToken: optional('refreshToken'),
    scope: list('scope'),
    redirectUri: optional('redirectUri'),
    codeVerifier: optional('codeVerifier'),
  });
}

/** CreateTokenWithIAM: no clientSecret (SigV4 authenticates), clientId and grantType required. */
export function decodeCreateTokenWithIam(body: JsonObject): Outcome<CreateTokenWithIamInput> {
  return decode(body, {
    clientId: required('clientId'),
    grantType: required('grantType'),
    code: optional('code'),
    refreshToken: optional('refreshToken'),
    assertion: optional('assertion'),
    scope: list('scope'),
    redirectUri: optional('redirectUri'),
    subjectToken: optional('subjectToken'),
    subjectTokenType: optional('subjectTokenType'),
    requestedTokenType: optional('requestedTokenType'),
    codeVerifier: optional('codeVerifier'),
  });
}
