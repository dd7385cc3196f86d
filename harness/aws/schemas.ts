/**
 * JSON Schema validation of sso-oidc wire bodies (AWS profile) and of the run configuration.
 *
 * The schemas live in `schemas/aws/` (draft 2020-12, written from the Smithy model; see
 * test/schemas.test.ts for the comparison with the model). Every validator is made once, when this
 * module is loaded (precompiled by the build, see schema-validators.ts); those of
 * `schemas/config.schema.json` and the known deviations on first use.
 *
 * Error lines name the JSON path and the violated rule, never the data: ajv runs without `verbose`,
 * and member names taken from the data are shortened and cleaned before they are printed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { validatorFor } from './schema-validators.ts';

export type AwsOperation =
  'RegisterClient' | 'StartDeviceAuthorization' | 'CreateToken' | 'CreateTokenWithIAM';

export interface AwsErrorShapeInfo {
  /** The OAuth `error` value of the shape (x-error-code). */
  code: string;
  /** The shape's @httpError status (x-http-status). */
  status: number;
  /** The shape's @error fault (x-fault). */
  fault: 'client' | 'server';
}

export interface AwsOperationInfo {
  method: 'POST';
  /** The @http uri, with its literal query when it has one (`/token?aws_iam=t`). */
  uri: string;
  /** 'none': unsigned (@auth([])); 'sigv4': signed, signing name sso-oauth. */
  auth: 'none' | 'sigv4';
  /** Error shape names the operation may raise, sorted. */
  errors: string[];
}

const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url);
const AWS_DIR = new URL('aws/', SCHEMAS_DIR);
const ERRORS_DIR = new URL('errors/', AWS_DIR);
const CONFIG_SCHEMA = new URL('config.schema.json', SCHEMAS_DIR);

const OPERATION_NAMES: readonly AwsOperation[] = [
  'RegisterClient',
  'StartDeviceAuthorization',
  'CreateToken',
  'CreateTokenWithIAM',
];

function readJson(url: URL): any {
  const file = fileURLToPath(url);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot load ${file}: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

interface OperationsFile {
  operations: Record<
    string,
    AwsOperationInfo & { successCode: number; request: string; response: string }
  >;
}

const operationsFile = readJson(new URL('operations.json', AWS_DIR)) as OperationsFile;

const requestSchemas = new Map<AwsOperation, Readonly<Record<string, unknown>>>();
const requestValidators = new Map<AwsOperation, ValidateFunction>();
const responseValidators = new Map<AwsOperation, ValidateFunction>();
/** Members each response and error schema requires (a null there is still a failure). */
const requiredMembers = new Map<ValidateFunction, ReadonlySet<string>>();
const operations = {} as Record<AwsOperation, AwsOperationInfo>;
const sensitive = new Set<string>();

function collectSensitive(schema: any): void {
  for (const [name, member] of Object.entries<any>(schema?.properties ?? {})) {
    if (member['x-sensitive'] === true) sensitive.add(name);
    collectSensitive(member);
    if (member.items) collectSensitive(member.items);
  }
}

for (const op of OPERATION_NAMES) {
  const info = operationsFile.operations?.[op];
  if (!info) throw new Error(`schemas/aws/operations.json has no operation ${op}`);
  if (info.method !== 'POST' || typeof info.uri !== 'string' || !Array.isArray(info.errors)) {
    throw new Error(`schemas/aws/operations.json: malformed entry for ${op}`);
  }
  if (info.auth !== 'none' && info.auth !== 'sigv4') {
    throw new Error(`schemas/aws/operations.json: ${op} has auth ${String(info.auth)}`);
  }
  operations[op] = Object.freeze({
    method: info.method,
    uri: info.uri,
    auth: info.auth,
    errors: Object.freeze([...info.errors].sort()) as string[],
  });
  const request = readJson(new URL(info.request, AWS_DIR));
  const response = readJson(new URL(info.response, AWS_DIR));
  requestSchemas.set(op, Object.freeze(request));
  requestValidators.set(op, validatorFor(`aws/${info.request}`, request));
  responseValidators.set(op, compileWithRequired(response, `aws/${info.response}`));
  collectSensitive(request);
  collectSensitive(response);
}

/** The request schema of an operation, as data (the fuzzers build arbitraries from it). */
export function awsRequestSchema(op: AwsOperation): Readonly<Record<string, unknown>> {
  return requestSchemas.get(op)!;
}

const errorValidators = new Map<string, ValidateFunction>();
const errorShapes: Record<string, AwsErrorShapeInfo> = {};

for (const file of readdirSync(fileURLToPath(ERRORS_DIR))
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const shape = file.slice(0, -'.json'.length);
  const schema = readJson(new URL(file, ERRORS_DIR));
  errorValidators.set(shape, compileWithRequired(schema, `aws/errors/${file}`));
  const code = schema['x-error-code'];
  const status = schema['x-http-status'];
  const fault = schema['x-fault'];
  if (typeof code !== 'string' || typeof status !== 'number' || typeof fault !== 'string') {
    throw new Error(`schemas/aws/errors/${file} lacks x-error-code, x-http-status or x-fault`);
  }
  errorShapes[shape] = Object.freeze({ code, status, fault: fault as 'client' | 'server' });
  collectSensitive(schema);
}

for (const op of OPERATION_NAMES) {
  for (const shape of operations[op].errors) {
    if (!errorShapes[shape]) {
      throw new Error(`operations.json: ${op} raises ${shape}, which has no schema in errors/`);
    }
  }
}

/** Error shapes by name: OAuth `error` code, HTTP status and fault. */
export const AWS_ERROR_SHAPES: Readonly<Record<string, AwsErrorShapeInfo>> =
  Object.freeze(errorShapes);

/** The four operations: method, URI, auth and the error shapes each may raise. */
export const AWS_OPERATIONS: Readonly<Record<AwsOperation, AwsOperationInfo>> =
  Object.freeze(operations);

/** Members whose target shape is @sensitive in the model (x-sensitive in the schemas), sorted. */
export const AWS_SENSITIVE_MEMBERS: readonly string[] = Object.freeze([...sensitive].sort());

// ---------------------------------------------------------------------------------------------
// Error lines

const MAX_SEGMENT = 40;

/** A member name from the data, made printable and short. */
function cleanSegment(segment: string): string {
  const printable = segment.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return printable.length > MAX_SEGMENT ? `${printable.slice(0, MAX_SEGMENT)}...` : printable;
}

function cleanPath(instancePath: string): string {
  if (instancePath === '') return '/';
  return instancePath
    .split('/')
    .map((s) => cleanSegment(s.replace(/~1/g, '/').replace(/~0/g, '~')))
    .join('/');
}

function child(path: string, name: string): string {
  return `${path === '/' ? '' : path}/${cleanSegment(name)}`;
}

function quote(value: unknown): string {
  return JSON.stringify(value);
}

function formatError(e: ErrorObject): string {
  const path = cleanPath(e.instancePath);
  const params = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'required':
      return `${child(path, String(params.missingProperty))} is required`;
    case 'additionalProperties':
      return `${child(path, String(params.additionalProperty))} is not an allowed member`;
    case 'type':
      return `${path} must be ${params.type}`;
    case 'const':
      // The allowed value comes from the schema, not from the data.
      return `${path} must be ${quote(params.allowedValue)}`;
    case 'enum':
      return `${path} must be one of ${(params.allowedValues as unknown[]).map(quote).join(', ')}`;
    case 'format':
      if (params.format === 'int32') return `${path} must be a 32-bit integer`;
      if (params.format === 'int64') return `${path} must be a 64-bit integer`;
      return `${path} must match format ${quote(params.format)}`;
    default:
      return `${path} ${e.message ?? `violates ${e.keyword}`}`;
  }
}

/** One readable line per ajv error, without data values, duplicates or redundant format errors. */
function errorLines(errors: readonly ErrorObject[] | null | undefined): string[] {
  if (!errors) return [];
  const typeFailed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const lines: string[] = [];
  for (const e of errors) {
    if (e.keyword === 'format' && typeFailed.has(e.instancePath)) continue;
    const line = formatError(e);
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
}

function run(validate: ValidateFunction, body: unknown): string[] {
  return validate(body) ? [] : errorLines(validate.errors);
}

function compileWithRequired(schema: Record<string, unknown>, name: string): ValidateFunction {
  const validate = validatorFor(name, schema);
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  requiredMembers.set(validate, new Set(required));
  return validate;
}

/**
 * A received body with its optional members set to null left out: restJson1 clients (Smithy,
 * the AWS SDKs) read a null optional member as unset, and AWS sends them so
 * (`"authorizationEndpoint":null` in every RegisterClient answer). A null in a required member
 * stays, and fails.
 */
function withoutOptionalNulls(validate: ValidateFunction, body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const required = requiredMembers.get(validate) ?? new Set<string>();
  return Object.fromEntries(
    Object.entries(body).filter(([name, value]) => value !== null || required.has(name)),
  );
}

/** A received body judged as restJson1 clients read it (optional nulls are unset). */
function runReceived(validate: ValidateFunction, body: unknown): string[] {
  return run(validate, withoutOptionalNulls(validate, body));
}

// ---------------------------------------------------------------------------------------------
// API

/** Validates a request body we are about to send. [] when valid. */
export function validateAwsRequest(op: AwsOperation, body: unknown): string[] {
  const validate = requestValidators.get(op);
  return validate ? run(validate, body) : [`unknown operation ${String(op)}`];
}

/** Validates the JSON body of a 200 response (optional members may be null). [] when valid. */
export function validateAwsResponse(op: AwsOperation, body: unknown): string[] {
  const validate = responseValidators.get(op);
  return validate ? runReceived(validate, body) : [`unknown operation ${String(op)}`];
}

/** Validates the JSON body of an error response against the schema of error shape `shape`. */
export function validateAwsError(shape: string, body: unknown): string[] {
  const validate = errorValidators.get(shape);
  return validate
    ? runReceived(validate, body)
    : [`unknown error shape ${cleanSegment(String(shape))}`];
}

/** Error shapes whose OAuth `error` value is `code`, sorted ([] when none). */
export function awsShapeForErrorCode(code: string): string[] {
  return Object.keys(AWS_ERROR_SHAPES)
    .filter((shape) => AWS_ERROR_SHAPES[shape].code === code)
    .sort();
}

let configValidator: ValidateFunction | undefined;

/**
 * Validates a run configuration against schemas/config.schema.json (draft 2020-12), compiled on
 * first use. Throws when that file is missing or does not compile.
 */
export function validateConfig(config: unknown): string[] {
  if (!configValidator) {
    const file = fileURLToPath(CONFIG_SCHEMA);
    if (!existsSync(file)) {
      throw new Error(`validateConfig: the configuration schema ${file} does not exist`);
    }
    configValidator = validatorFor('config.schema.json', readJson(CONFIG_SCHEMA));
  }
  return run(configValidator, config);
}

let knownDeviationsValidator: ValidateFunction | undefined;

/** Validates a known-deviations file against schemas/known-deviations.schema.json. */
export function validateKnownDeviations(list: unknown): string[] {
  knownDeviationsValidator ??= validatorFor(
    'known-deviations.schema.json',
    readJson(new URL('known-deviations.schema.json', SCHEMAS_DIR)),
  );
  return run(knownDeviationsValidator, list);
}
