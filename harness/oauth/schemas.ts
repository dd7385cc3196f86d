import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';

/**
 * JSON Schemas of the plain OAuth wire, written from the RFCs: the device authorization response
 * (RFC 8628 §3.2), the token response (RFC 6749 §5.1), the error response (RFC 6749 §5.2) and
 * the client information response (RFC 7591 §3.2.1). Members beyond these are allowed (RFC 6749
 * §5.1: "The client MUST ignore unrecognized value names"). Error lines name the JSON path and
 * the rule, never the data (no `verbose`).
 */

const positiveInteger = { type: 'integer', minimum: 1 };
const nonEmptyString = { type: 'string', minLength: 1 };

const SCHEMAS = {
  deviceAuthorization: {
    type: 'object',
    required: ['device_code', 'user_code', 'verification_uri', 'expires_in'],
    properties: {
      device_code: nonEmptyString,
      user_code: nonEmptyString,
      verification_uri: nonEmptyString,
      verification_uri_complete: nonEmptyString,
      expires_in: positiveInteger,
      interval: positiveInteger,
    },
  },
  token: {
    type: 'object',
    required: ['access_token', 'token_type'],
    properties: {
      access_token: nonEmptyString,
      token_type: nonEmptyString,
      expires_in: positiveInteger,
      refresh_token: nonEmptyString,
      scope: { type: 'string' },
      id_token: nonEmptyString,
    },
  },
  error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: { type: 'string', pattern: '^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+$' },
      error_description: { type: 'string', pattern: '^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]*$' },
      error_uri: { type: 'string', pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]*$' },
    },
  },
  clientInformation: {
    type: 'object',
    required: ['client_id'],
    properties: {
      client_id: nonEmptyString,
      client_secret: nonEmptyString,
      client_id_issued_at: { type: 'integer', minimum: 0 },
      client_secret_expires_at: { type: 'integer', minimum: 0 },
    },
  },
} as const;

export type OauthSchema = keyof typeof SCHEMAS;

let ajv: Ajv2020 | undefined;
const compiled = new Map<OauthSchema, ValidateFunction>();

/** Compiled on first use: a run under the AWS profile never pays for these. */
function validator(name: OauthSchema): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    ajv ??= new Ajv2020({ allErrors: true, strict: true });
    validate = ajv.compile(SCHEMAS[name]);
    compiled.set(name, validate);
  }
  return validate;
}

/** Schema errors of `value`, one line each (`/expires_in must be integer`); [] when valid. */
export function validateOauth(name: OauthSchema, value: unknown): string[] {
  const validate = validator(name);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}`,
  );
}
