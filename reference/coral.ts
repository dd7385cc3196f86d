import type { JsonObject } from './requests.ts';
import { jsonResponse, type ApiOperation, type WireResponse } from './wire.ts';

/**
 * The `coral-front-end-errors` variation: the AWS JSON front end (Coral) deserialises the body
 * before the service runs and refuses what it cannot read, a body that is not a JSON object or
 * a modelled member of the wrong JSON type, with its own SerializationException: HTTP 400,
 * `{"message":…}` with no OAuth `error` member, and the error type with Coral's own namespace
 * (EVIDENCE.md §2.6). Members the model does not have are ignored, null reads as unset, as
 * there. The service never sees such a request.
 */

/** Header value as Coral sends it (shape, then the namespace after ':'). */
export const SERIALIZATION_ERROR_TYPE =
  'SerializationException:http://internal.amazon.com/coral/com.amazon.coral.service/';

const STRING = 'string';
const LIST = 'list<string>';
type MemberType = typeof STRING | typeof LIST;

/** The request members of each operation with their model types (shared/spec/WIRE.md §1). */
const MEMBERS: Record<ApiOperation, Record<string, MemberType>> = {
  RegisterClient: {
    clientName: STRING,
    clientType: STRING,
    scopes: LIST,
    redirectUris: LIST,
    grantTypes: LIST,
    issuerUrl: STRING,
    entitledApplicationArn: STRING,
  },
  StartDeviceAuthorization: { clientId: STRING, clientSecret: STRING, startUrl: STRING },
  CreateToken: {
    clientId: STRING,
    clientSecret: STRING,
    grantType: STRING,
    deviceCode: STRING,
    code: STRING,
    refreshToken: STRING,
    scope: LIST,
    redirectUri: STRING,
    codeVerifier: STRING,
  },
  CreateTokenWithIAM: {
    clientId: STRING,
    grantType: STRING,
    code: STRING,
    refreshToken: STRING,
    assertion: STRING,
    scope: LIST,
    redirectUri: STRING,
    subjectToken: STRING,
    subjectTokenType: STRING,
    requestedTokenType: STRING,
    codeVerifier: STRING,
  },
};

const hasType = (value: unknown, type: MemberType) =>
  type === STRING
    ? typeof value === 'string'
    : Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Coral's answer to a body it cannot deserialise for `operation`, if it cannot. */
export function coralRefuses(
  operation: ApiOperation,
  json: JsonObject | undefined,
): WireResponse | undefined {
  if (!json) return serializationException('Start of structure or map found where not expected.');
  for (const [name, type] of Object.entries(MEMBERS[operation])) {
    const value = json[name];
    if (value !== undefined && value !== null && !hasType(value, type))
      return serializationException(`Expected ${type} for member ${name}`);
  }
  return undefined;
}

function serializationException(message: string): WireResponse {
  return jsonResponse(400, { message }, { 'x-amzn-ErrorType': SERIALIZATION_ERROR_TYPE });
}
