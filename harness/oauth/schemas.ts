import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { validatorFor } from '../aws/schema-validators.ts';

/**
 * JSON Schemas of the plain OAuth wire, written from the RFCs, in `schemas/oauth/`: the device
 * authorization response (RFC 8628 §3.2), the token response (RFC 6749 §5.1), the error response
 * (RFC 6749 §5.2) and the client information response (RFC 7591 §3.2.1). Members beyond these
 * are allowed (RFC 6749 §5.1: "The client MUST ignore unrecognized value names"). Their
 * validators are the build's precompiled ones (schema-validators.ts), so loading this module
 * never loads ajv. Error lines name the JSON path and the rule, never the data (no `verbose`).
 */

const FILES = {
  deviceAuthorization: 'oauth/device-authorization.response.json',
  token: 'oauth/token.response.json',
  error: 'oauth/error.response.json',
  clientInformation: 'oauth/client-information.response.json',
} as const;

export type OauthSchema = keyof typeof FILES;

const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url);
const validators = new Map<OauthSchema, ValidateFunction>();

/** Made on first use: a run under the AWS profile never reads these files. */
function validator(name: OauthSchema): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const file = FILES[name];
    const schema = JSON.parse(readFileSync(new URL(file, SCHEMAS_DIR), 'utf8')) as object;
    validate = validatorFor(file, schema);
    validators.set(name, validate);
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
