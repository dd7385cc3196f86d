import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AWS_ERROR_SHAPES,
  AWS_OPERATIONS,
  AWS_SENSITIVE_MEMBERS,
  awsShapeForErrorCode,
  validateAwsError,
  validateAwsRequest,
  validateAwsResponse,
  validateConfig,
  type AwsOperation,
} from '../harness/aws/schemas.ts';
import { member } from '../harness/api/checks.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const AWS_DIR = path.join(REPO, 'schemas', 'aws');
const ERRORS_DIR = path.join(AWS_DIR, 'errors');
const MODEL_PATH = path.resolve(REPO, '../shared/spec/sso-oidc.smithy.json');
const HAVE_MODEL = existsSync(MODEL_PATH);
const ID_BASE = 'https://sso-oidc-conformance.dev/schemas/aws/';
const NS = 'com.amazonaws.ssooidc#';

const OPS: AwsOperation[] = [
  'RegisterClient',
  'StartDeviceAuthorization',
  'CreateToken',
  'CreateTokenWithIAM',
];

/** What the protocol needs in a success body although the model marks nothing @required. */
const PROTOCOL_REQUIRED: Record<AwsOperation, string[]> = {
  RegisterClient: ['clientId', 'clientSecret', 'clientIdIssuedAt', 'clientSecretExpiresAt'],
  StartDeviceAuthorization: ['deviceCode', 'userCode', 'verificationUri', 'expiresIn'],
  CreateToken: ['accessToken', 'tokenType', 'expiresIn'],
  CreateTokenWithIAM: ['accessToken', 'tokenType', 'expiresIn'],
};

function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

const operationsFile = readJson(path.join(AWS_DIR, 'operations.json'));
const requestSchemas = Object.fromEntries(
  OPS.map((op) => [op, readJson(path.join(AWS_DIR, `${op}.request.json`))]),
) as Record<AwsOperation, any>;
const responseSchemas = Object.fromEntries(
  OPS.map((op) => [op, readJson(path.join(AWS_DIR, `${op}.response.json`))]),
) as Record<AwsOperation, any>;
const errorFiles = readdirSync(ERRORS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const errorSchemas: Record<string, any> = Object.fromEntries(
  errorFiles.map((f) => [f.slice(0, -5), readJson(path.join(ERRORS_DIR, f))]),
);

// ---------------------------------------------------------------------------------------------
// Sample bodies

const validRequests: Record<AwsOperation, Record<string, unknown>> = {
  RegisterClient: {
    clientName: 'conformance',
    clientType: 'public',
    scopes: ['sso:account:access'],
    redirectUris: ['http://127.0.0.1:8080/oauth/callback'],
    grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    issuerUrl: 'https://identitycenter.amazonaws.com/ssoins-1111111111111111',
    entitledApplicationArn: 'arn:aws:sso::123456789012:application/ssoins-1/apl-1',
  },
  StartDeviceAuthorization: {
    clientId: 'cid',
    clientSecret: 'csecret',
    startUrl: 'https://d-1234567890.awsapps.com/start',
  },
  CreateToken: {
    clientId: 'cid',
    clientSecret: 'csecret',
    grantType: 'urn:ietf:params:oauth:grant-type:device_code',
    deviceCode: 'dc',
    code: 'c',
    refreshToken: 'rt',
    scope: ['sso:account:access'],
    redirectUri: 'http://127.0.0.1:8080/oauth/callback',
    codeVerifier: 'cv',
  },
  CreateTokenWithIAM: {
    clientId: 'arn:aws:sso::123456789012:application/ssoins-1/apl-1',
    grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
    code: 'c',
    refreshToken: 'rt',
    assertion: 'a.b.c',
    scope: ['openid'],
    redirectUri: 'https://app.example/cb',
    subjectToken: 'st',
    subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
    requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
    codeVerifier: 'cv',
  },
};

const validResponses: Record<AwsOperation, Record<string, unknown>> = {
  RegisterClient: {
    clientId: 'cid',
    clientSecret: 'csecret',
    clientIdIssuedAt: 1700000000,
    clientSecretExpiresAt: 1707776000,
    authorizationEndpoint: 'https://oidc.us-east-1.amazonaws.com/authorize',
    tokenEndpoint: 'https://oidc.us-east-1.amazonaws.com/token',
  },
  StartDeviceAuthorization: {
    deviceCode: 'dc',
    userCode: 'ABCD-EFGH',
    verificationUri: 'https://device.sso.us-east-1.amazonaws.com/',
    verificationUriComplete: 'https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH',
    expiresIn: 600,
    interval: 1,
  },
  CreateToken: {
    accessToken: 'at',
    tokenType: 'Bearer',
    expiresIn: 3600,
    refreshToken: 'rt',
    idToken: 'it',
  },
  CreateTokenWithIAM: {
    accessToken: 'at',
    tokenType: 'Bearer',
    expiresIn: 3600,
    refreshToken: 'rt',
    idToken: 'it',
    issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
    scope: ['openid', 'aws'],
    awsAdditionalDetails: { identityContext: 'ctx' },
  },
};

function without(body: Record<string, unknown>, member: string): Record<string, unknown> {
  const copy = { ...body };
  delete copy[member];
  return copy;
}

/** A value of the wrong JSON type for a property schema, and the line ajv reports for it. */
function wrongValue(schema: any): { value: unknown; expected: string } {
  switch (schema.type) {
    case 'string':
      return { value: 42, expected: 'must be string' };
    case 'integer':
      return { value: '5', expected: 'must be integer' };
    case 'array':
      return { value: 'a', expected: 'must be array' };
    case 'object':
      return { value: [], expected: 'must be object' };
    default:
      throw new Error(`no wrong value for type ${String(schema.type)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas in isolation

describe('AWS schema files', () => {
  it('every file under schemas/aws is a draft 2020-12 schema with a stable $id, and is loaded', () => {
    for (const op of OPS) {
      for (const [kind, schema] of [
        ['request', requestSchemas[op]],
        ['response', responseSchemas[op]],
      ] as const) {
        expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
        expect(schema.$id).toBe(`${ID_BASE}${op}.${kind}.json`);
        expect(schema.type).toBe('object');
        expect(schema.additionalProperties).toBe(false);
        expect(typeof schema.description).toBe('string');
      }
      expect(operationsFile.operations[op].request).toBe(`${op}.request.json`);
      expect(operationsFile.operations[op].response).toBe(`${op}.response.json`);
    }
    for (const [shape, schema] of Object.entries(errorSchemas)) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`${ID_BASE}errors/${shape}.json`);
      expect(schema.additionalProperties).toBe(false);
    }
    const topLevel = readdirSync(AWS_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(topLevel).toEqual(
      [
        ...OPS.flatMap((op) => [`${op}.request.json`, `${op}.response.json`]),
        'operations.json',
      ].sort(),
    );
    // The harness compiled every one of them when it was imported (strict mode, custom keywords).
    expect(Object.keys(AWS_ERROR_SHAPES).sort()).toEqual(Object.keys(errorSchemas).sort());
    expect(Object.keys(AWS_ERROR_SHAPES)).toHaveLength(14);
  });

  it('response schemas require exactly the protocol-required members, listed in x-protocol-required', () => {
    for (const op of OPS) {
      expect(responseSchemas[op]['x-protocol-required']).toEqual(PROTOCOL_REQUIRED[op]);
      expect([...responseSchemas[op].required].sort()).toEqual([...PROTOCOL_REQUIRED[op]].sort());
      expect(requestSchemas[op]['x-protocol-required']).toBeUndefined();
    }
  });

  it('marks the model-sensitive members', () => {
    expect(AWS_SENSITIVE_MEMBERS).toEqual([
      'accessToken',
      'assertion',
      'clientSecret',
      'codeVerifier',
      'idToken',
      'refreshToken',
      'subjectToken',
    ]);
  });
});

describe.each(OPS)('%s bodies', (op) => {
  const request = validRequests[op];
  const response = validResponses[op];

  it('valid request and response bodies pass (all members, and required members only)', () => {
    expect(validateAwsRequest(op, request)).toEqual([]);
    expect(validateAwsResponse(op, response)).toEqual([]);
    const minimalRequest = Object.fromEntries(
      requestSchemas[op].required.map((m: string) => [m, request[m]]),
    );
    expect(validateAwsRequest(op, minimalRequest)).toEqual([]);
    const minimalResponse = Object.fromEntries(
      PROTOCOL_REQUIRED[op].map((m: string) => [m, response[m]]),
    );
    expect(validateAwsResponse(op, minimalResponse)).toEqual([]);
  });

  it('the samples cover every member of the schemas', () => {
    expect(Object.keys(request).sort()).toEqual(Object.keys(requestSchemas[op].properties).sort());
    expect(Object.keys(response).sort()).toEqual(
      Object.keys(responseSchemas[op].properties).sort(),
    );
  });

  it('reports each missing required member', () => {
    for (const m of requestSchemas[op].required as string[]) {
      expect(validateAwsRequest(op, without(request, m))).toEqual([`/${m} is required`]);
    }
    for (const m of PROTOCOL_REQUIRED[op]) {
      expect(validateAwsResponse(op, without(response, m))).toEqual([`/${m} is required`]);
    }
  });

  it('reports each member of the wrong type', () => {
    for (const [m, schema] of Object.entries<any>(requestSchemas[op].properties)) {
      const { value, expected } = wrongValue(schema);
      expect(validateAwsRequest(op, { ...request, [m]: value })).toEqual([`/${m} ${expected}`]);
    }
    for (const [m, schema] of Object.entries<any>(responseSchemas[op].properties)) {
      const { value, expected } = wrongValue(schema);
      expect(validateAwsResponse(op, { ...response, [m]: value })).toEqual([`/${m} ${expected}`]);
    }
  });

  it('reports extra members and non-object bodies', () => {
    expect(validateAwsRequest(op, { ...request, extra: 'x' })).toEqual([
      '/extra is not an allowed member',
    ]);
    expect(validateAwsResponse(op, { ...response, extra: 'x' })).toEqual([
      '/extra is not an allowed member',
    ]);
    // snake_case OAuth names are not the AWS wire names.
    expect(validateAwsResponse(op, { ...response, access_token: 'x' })).toEqual([
      '/access_token is not an allowed member',
    ]);
    expect(validateAwsRequest(op, 'body')).toEqual(['/ must be object']);
    expect(validateAwsResponse(op, null)).toEqual(['/ must be object']);
    expect(validateAwsResponse(op, [response])).toEqual(['/ must be object']);
  });
});

describe('response details', () => {
  it('integers must be JSON integers within their Smithy width', () => {
    const sda = validResponses.StartDeviceAuthorization;
    expect(validateAwsResponse('StartDeviceAuthorization', { ...sda, interval: 1.5 })).toEqual([
      '/interval must be integer',
    ]);
    expect(validateAwsResponse('StartDeviceAuthorization', { ...sda, expiresIn: 2 ** 31 })).toEqual(
      ['/expiresIn must be a 32-bit integer'],
    );
    // clientIdIssuedAt / clientSecretExpiresAt are Smithy longs: epoch seconds beyond 2^31 are fine.
    const rc = validResponses.RegisterClient;
    expect(
      validateAwsResponse('RegisterClient', { ...rc, clientSecretExpiresAt: 2 ** 40 }),
    ).toEqual([]);
    expect(
      validateAwsResponse('RegisterClient', { ...rc, clientIdIssuedAt: '1700000000' }),
    ).toEqual(['/clientIdIssuedAt must be integer']);
  });

  it('lists hold strings and awsAdditionalDetails holds only identityContext', () => {
    const body = validResponses.CreateTokenWithIAM;
    expect(validateAwsResponse('CreateTokenWithIAM', { ...body, scope: ['a', 1] })).toEqual([
      '/scope/1 must be string',
    ]);
    expect(
      validateAwsResponse('CreateTokenWithIAM', {
        ...body,
        awsAdditionalDetails: { identityContext: 1, other: 'x' },
      }),
    ).toEqual([
      '/awsAdditionalDetails/other is not an allowed member',
      '/awsAdditionalDetails/identityContext must be string',
    ]);
    expect(
      validateAwsResponse('CreateToken', { ...validResponses.CreateToken, scope: [] }),
    ).toEqual(['/scope is not an allowed member']);
  });

  it('the model examples (copied in test/fixtures) pass', () => {
    const fixture = readJson(path.join(REPO, 'test/fixtures/aws-model-examples.json'));
    expect(fixture.examples.length).toBeGreaterThanOrEqual(8);
    for (const ex of fixture.examples) {
      expect(validateAwsRequest(ex.operation, ex.input), ex.title).toEqual([]);
      expect(validateAwsResponse(ex.operation, ex.output), ex.title).toEqual([]);
    }
  });
});

describe('error bodies', () => {
  it('each shape accepts its own code, with and without error_description', () => {
    for (const [shape, info] of Object.entries(AWS_ERROR_SHAPES)) {
      expect(validateAwsError(shape, { error: info.code, error_description: 'text' })).toEqual([]);
      expect(validateAwsError(shape, { error: info.code })).toEqual([]);
    }
  });

  it('reports a wrong code, a missing code, a wrong type and extra members', () => {
    expect(validateAwsError('SlowDownException', { error: 'invalid_request' })).toEqual([
      '/error must be "slow_down"',
    ]);
    expect(validateAwsError('SlowDownException', { error_description: 'x' })).toEqual([
      '/error is required',
    ]);
    expect(
      validateAwsError('SlowDownException', { error: 'slow_down', error_description: 5 }),
    ).toEqual(['/error_description must be string']);
    expect(validateAwsError('SlowDownException', { error: 'slow_down', message: 'm' })).toEqual([
      '/message is not an allowed member',
    ]);
    expect(validateAwsError('SlowDownException', { error: 'slow_down', reason: 'm' })).toEqual([
      '/reason is not an allowed member',
    ]);
    expect(validateAwsError('ExpiredTokenException', 'expired_token')).toEqual([
      '/ must be object',
    ]);
  });

  it('reason is an enum on AccessDenied and InvalidRequest only', () => {
    expect(
      validateAwsError('AccessDeniedException', {
        error: 'access_denied',
        reason: 'KMS_AccessDeniedException',
      }),
    ).toEqual([]);
    expect(
      validateAwsError('AccessDeniedException', { error: 'access_denied', reason: 'KMS_Other' }),
    ).toEqual(['/reason must be one of "KMS_AccessDeniedException"']);
    for (const reason of [
      'KMS_NotFoundException',
      'KMS_InvalidKeyUsageException',
      'KMS_InvalidStateException',
      'KMS_DisabledException',
    ]) {
      expect(
        validateAwsError('InvalidRequestException', { error: 'invalid_request', reason }),
      ).toEqual([]);
    }
    expect(
      validateAwsError('InvalidRequestException', {
        error: 'invalid_request',
        reason: 'KMS_AccessDeniedException',
      }),
    ).toHaveLength(1);
  });

  it('endpoint and region belong to InvalidRequestRegionException only', () => {
    const body = {
      error: 'invalid_request',
      error_description: 'wrong region',
      endpoint: 'https://oidc.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
    };
    expect(validateAwsError('InvalidRequestRegionException', body)).toEqual([]);
    expect(validateAwsError('InvalidRequestException', body)).toEqual([
      '/endpoint is not an allowed member',
      '/region is not an allowed member',
    ]);
  });

  it('unknown shapes are reported', () => {
    expect(validateAwsError('FooException', { error: 'x' })).toEqual([
      'unknown error shape FooException',
    ]);
  });
});

describe('error lines never carry data values', () => {
  const SECRET = 'S3CR3T-VALUE';

  it('wrong types, wrong codes, enum misses and extra members show paths and rules only', () => {
    const lines = [
      ...validateAwsResponse('CreateTokenWithIAM', {
        accessToken: [SECRET],
        tokenType: { v: SECRET },
        expiresIn: `${SECRET}`,
        refreshToken: 7,
        idToken: false,
        access_token: SECRET,
        awsAdditionalDetails: { identityContext: [SECRET], extra: SECRET },
        scope: [SECRET, { SECRET }],
      }),
      ...validateAwsRequest('CreateToken', {
        clientId: 'c',
        clientSecret: { value: SECRET },
        grantType: 'x',
        codeVerifier: [SECRET],
        client_secret: SECRET,
      }),
      ...validateAwsRequest('CreateTokenWithIAM', {
        clientId: 'c',
        grantType: 'x',
        assertion: 1,
        subjectToken: [SECRET],
      }),
      ...validateAwsRequest('RegisterClient', {
        clientName: 1,
        clientType: SECRET,
        scopes: SECRET,
      }),
      ...validateAwsError('InvalidRequestException', {
        error: SECRET,
        reason: SECRET,
        error_description: [SECRET],
      }),
    ];
    expect(lines.length).toBeGreaterThan(15);
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line.length).toBeLessThan(200);
    }
    expect(lines).toContain('/accessToken must be string');
    expect(lines).toContain('/clientSecret must be string');
  });

  it('member names from the data are shortened and made printable', () => {
    const name = `${'k'.repeat(300)}\n\u0007`;
    const [line] = validateAwsResponse('CreateToken', { ...validResponses.CreateToken, [name]: 1 });
    expect(line).toBe(`/${'k'.repeat(40)}... is not an allowed member`);
    const [line2] = validateAwsResponse('CreateToken', {
      ...validResponses.CreateToken,
      'a/b~c\n': 1,
    });
    expect(line2).toBe('/a/b~c? is not an allowed member');
  });
});

describe('operation and error-shape tables', () => {
  it('AWS_OPERATIONS has the method, URI and auth of each operation', () => {
    expect(
      Object.fromEntries(
        OPS.map((op) => [op, [AWS_OPERATIONS[op].method, AWS_OPERATIONS[op].uri]]),
      ),
    ).toEqual({
      RegisterClient: ['POST', '/client/register'],
      StartDeviceAuthorization: ['POST', '/device_authorization'],
      CreateToken: ['POST', '/token'],
      CreateTokenWithIAM: ['POST', '/token?aws_iam=t'],
    });
    expect(OPS.map((op) => AWS_OPERATIONS[op].auth)).toEqual(['none', 'none', 'none', 'sigv4']);
    expect(AWS_OPERATIONS.CreateTokenWithIAM.errors).toContain('InvalidRequestRegionException');
    for (const op of OPS.slice(0, 3)) {
      expect(AWS_OPERATIONS[op].errors).not.toContain('InvalidRequestRegionException');
    }
    for (const op of OPS) {
      expect(AWS_OPERATIONS[op].errors).toEqual(operationsFile.operations[op].errors);
    }
  });

  it('AWS_ERROR_SHAPES has the code, status and fault of each shape', () => {
    expect(AWS_ERROR_SHAPES.AccessDeniedException).toEqual({
      code: 'access_denied',
      status: 400,
      fault: 'client',
    });
    expect(AWS_ERROR_SHAPES.InvalidClientException).toEqual({
      code: 'invalid_client',
      status: 401,
      fault: 'client',
    });
    expect(AWS_ERROR_SHAPES.InternalServerException).toEqual({
      code: 'server_error',
      status: 500,
      fault: 'server',
    });
    for (const [shape, info] of Object.entries(AWS_ERROR_SHAPES)) {
      expect(info.code, shape).toBe(errorSchemas[shape].properties.error.const);
    }
  });

  it('awsShapeForErrorCode maps OAuth codes back to shapes', () => {
    expect(awsShapeForErrorCode('invalid_request')).toEqual([
      'InvalidRequestException',
      'InvalidRequestRegionException',
    ]);
    expect(awsShapeForErrorCode('authorization_pending')).toEqual([
      'AuthorizationPendingException',
    ]);
    expect(awsShapeForErrorCode('nope')).toEqual([]);
    for (const [shape, info] of Object.entries(AWS_ERROR_SHAPES)) {
      expect(awsShapeForErrorCode(info.code)).toContain(shape);
    }
  });
});

describe('validateConfig', () => {
  const configSchema = path.join(REPO, 'schemas', 'config.schema.json');
  it('compiles schemas/config.schema.json on first use, or throws a clear error without it', () => {
    if (existsSync(configSchema)) {
      expect(Array.isArray(validateConfig({}))).toBe(true);
      expect(validateConfig('not an object')).toEqual(['/ must be object']);
    } else {
      expect(() => validateConfig({})).toThrow(/config\.schema\.json/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Comparison with the Smithy model

type Shapes = Record<string, any>;

const PRELUDE: Record<string, string> = {
  String: 'string',
  Boolean: 'boolean',
  PrimitiveBoolean: 'boolean',
  Byte: 'byte',
  Short: 'short',
  Integer: 'integer',
  PrimitiveInteger: 'integer',
  Long: 'long',
  PrimitiveLong: 'long',
};

function resolveShape(shapes: Shapes, id: string): any {
  if (id.startsWith('smithy.api#')) {
    const type = PRELUDE[id.slice('smithy.api#'.length)];
    if (!type) throw new Error(`unsupported prelude shape ${id}`);
    return { type };
  }
  const shape = shapes[id];
  if (!shape) throw new Error(`shape ${id} is not in the model`);
  return shape;
}

function isRequired(member: any): boolean {
  return member.traits?.['smithy.api#required'] !== undefined;
}

/** The OAuth code the model states for an error shape ("the value will be <code>x</code>"). */
function modelErrorCode(shape: any): string | undefined {
  const doc: string = shape.members?.error?.traits?.['smithy.api#documentation'] ?? '';
  return /the value will be\s*<code>([a-z_]+)<\/code>/.exec(doc)?.[1];
}

/** The JSON Schema a member must have, derived from the model alone. */
function expectedMember(shapes: Shapes, member: any): any {
  const target = resolveShape(shapes, member.target);
  const out: any = {};
  switch (target.type) {
    case 'string':
      out.type = 'string';
      if (target.traits?.['smithy.api#enum']) {
        out.enum = target.traits['smithy.api#enum'].map((e: any) => e.value).sort();
      }
      break;
    case 'enum':
      out.type = 'string';
      out.enum = Object.values<any>(target.members)
        .map((m) => m.traits['smithy.api#enumValue'])
        .sort();
      break;
    case 'byte':
    case 'short':
    case 'integer':
      out.type = 'integer';
      out.format = 'int32';
      break;
    case 'long':
      out.type = 'integer';
      out.format = 'int64';
      break;
    case 'boolean':
      out.type = 'boolean';
      break;
    case 'list':
      out.type = 'array';
      out.items = expectedMember(shapes, target.member);
      break;
    case 'structure':
      Object.assign(out, expectedStructure(shapes, target, []));
      break;
    default:
      throw new Error(`unsupported target type ${target.type} (${member.target})`);
  }
  const dflt = member.traits?.['smithy.api#default'];
  if (dflt !== undefined) out.default = dflt;
  if (target.traits?.['smithy.api#sensitive'] !== undefined) out['x-sensitive'] = true;
  return out;
}

function expectedStructure(shapes: Shapes, structure: any, protocolRequired: string[]): any {
  const members = Object.entries<any>(structure.members ?? {});
  const out: any = {
    type: 'object',
    properties: Object.fromEntries(members.map(([n, m]) => [n, expectedMember(shapes, m)])),
    additionalProperties: false,
  };
  const required = [
    ...new Set([...members.filter(([, m]) => isRequired(m)).map(([n]) => n), ...protocolRequired]),
  ].sort();
  if (required.length) out.required = required;
  if (protocolRequired.length) out['x-protocol-required'] = [...protocolRequired].sort();
  return out;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$comment']);

/** A schema reduced to what the model determines: annotations dropped, sets sorted. */
function normalise(schema: any, root = false): any {
  const out: any = {};
  for (const [k, v] of Object.entries<any>(schema)) {
    if (ANNOTATIONS.has(k)) continue;
    if (root && (k === 'x-http-status' || k === 'x-fault' || k === 'x-error-code')) continue;
    if (k === 'properties') {
      out[k] = Object.fromEntries(Object.entries<any>(v).map(([n, s]) => [n, normalise(s)]));
    } else if (k === 'items') {
      out[k] = normalise(v);
    } else if (k === 'required' || k === 'enum' || k === 'x-protocol-required') {
      out[k] = [...v].sort();
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** Differences between a schema and the model's structure, one line each ([] when equal). */
function diffStructure(label: string, actual: any, expected: any): string[] {
  const diffs: string[] = [];
  const a = normalise(actual, true);
  const aProps = Object.keys(a.properties ?? {}).sort();
  const eProps = Object.keys(expected.properties).sort();
  for (const m of eProps.filter((p) => !aProps.includes(p))) diffs.push(`${label}: missing ${m}`);
  for (const m of aProps.filter((p) => !eProps.includes(p))) diffs.push(`${label}: extra ${m}`);
  for (const m of eProps.filter((p) => aProps.includes(p))) {
    if (!isDeepStrictEqual(a.properties[m], expected.properties[m])) {
      diffs.push(
        `${label}.${m}: schema ${JSON.stringify(a.properties[m])} != model ${JSON.stringify(expected.properties[m])}`,
      );
    }
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(expected)])) {
    if (k === 'properties') continue;
    if (!isDeepStrictEqual(a[k], expected[k])) {
      diffs.push(
        `${label} ${k}: schema ${JSON.stringify(a[k])} != model ${JSON.stringify(expected[k])}`,
      );
    }
  }
  return diffs;
}

function opShape(shapes: Shapes, op: string): any {
  return resolveShape(shapes, NS + op);
}

function diffRequest(shapes: Shapes, op: AwsOperation, schema: any): string[] {
  const input = resolveShape(shapes, opShape(shapes, op).input.target);
  return diffStructure(`${op}.request`, schema, expectedStructure(shapes, input, []));
}

function diffResponse(shapes: Shapes, op: AwsOperation, schema: any): string[] {
  const output = resolveShape(shapes, opShape(shapes, op).output.target);
  return diffStructure(
    `${op}.response`,
    schema,
    expectedStructure(shapes, output, PROTOCOL_REQUIRED[op]),
  );
}

function diffError(shapes: Shapes, name: string, schema: any): string[] {
  const shape = resolveShape(shapes, NS + name);
  const code = modelErrorCode(shape);
  const expected = expectedStructure(shapes, shape, ['error']);
  expected.properties.error.const = code;
  const diffs = diffStructure(`errors/${name}`, schema, expected);
  const want = {
    'x-http-status': shape.traits['smithy.api#httpError'],
    'x-fault': shape.traits['smithy.api#error'],
    'x-error-code': code,
  };
  for (const [k, v] of Object.entries(want)) {
    if (schema[k] !== v) diffs.push(`errors/${name} ${k}: schema ${schema[k]} != model ${v}`);
  }
  return diffs;
}

function diffOperation(shapes: Shapes, op: AwsOperation, entry: any): string[] {
  const service = resolveShape(shapes, `${NS}AWSSSOOIDCService`);
  const shape = opShape(shapes, op);
  const http = shape.traits['smithy.api#http'];
  const authTrait: string[] | undefined = shape.traits['smithy.api#auth'];
  const schemes = authTrait ?? Object.keys(service.traits).filter((t) => t === 'aws.auth#sigv4');
  const auth = schemes.length === 0 ? 'none' : schemes[0] === 'aws.auth#sigv4' ? 'sigv4' : '?';
  const want = {
    method: http.method,
    uri: http.uri,
    successCode: http.code,
    auth,
    request: `${op}.request.json`,
    response: `${op}.response.json`,
    errors: (shape.errors ?? []).map((e: any) => e.target.slice(NS.length)).sort(),
  };
  const diffs: string[] = [];
  for (const k of new Set([...Object.keys(want), ...Object.keys(entry ?? {})])) {
    const actual = k === 'errors' ? [...(entry?.errors ?? [])].sort() : entry?.[k];
    if (!isDeepStrictEqual(actual, (want as any)[k])) {
      diffs.push(
        `operations.${op}.${k}: ${JSON.stringify(actual)} != model ${JSON.stringify((want as any)[k])}`,
      );
    }
  }
  return diffs;
}

if (!HAVE_MODEL) {
  console.warn(
    `[schemas.test] Smithy model comparison skipped: ${MODEL_PATH} not found (it is only needed to check the schemas against the official model).`,
  );
}

describe.skipIf(!HAVE_MODEL)(
  'schemas match the Smithy model (skipped when ../shared/spec/sso-oidc.smithy.json is absent)',
  () => {
    const model = HAVE_MODEL ? readJson(MODEL_PATH) : { shapes: {} };
    const shapes: Shapes = model.shapes;

    it('the service has exactly the four operations of operations.json', () => {
      const service = resolveShape(shapes, `${NS}AWSSSOOIDCService`);
      const names = service.operations.map((o: any) => o.target.slice(NS.length)).sort();
      expect(names).toEqual([...OPS].sort());
      expect(Object.keys(operationsFile.operations).sort()).toEqual([...OPS].sort());
      expect(operationsFile.service.version).toBe(service.version);
      expect(operationsFile.service.signingName).toBe(service.traits['aws.auth#sigv4'].name);
    });

    it('there is one error schema per error structure of the model', () => {
      const modelErrors = Object.entries<any>(shapes)
        .filter(([, s]) => s.type === 'structure' && s.traits?.['smithy.api#error'])
        .map(([id]) => id.slice(NS.length))
        .sort();
      expect(Object.keys(errorSchemas).sort()).toEqual(modelErrors);
    });

    it.each(OPS)('%s: method, URI, auth and error shapes', (op) => {
      expect(diffOperation(shapes, op, operationsFile.operations[op])).toEqual([]);
    });

    it.each(OPS)('%s: request schema = input structure', (op) => {
      expect(diffRequest(shapes, op, requestSchemas[op])).toEqual([]);
    });

    it.each(OPS)('%s: response schema = output structure + protocol-required members', (op) => {
      expect(diffResponse(shapes, op, responseSchemas[op])).toEqual([]);
      const output = resolveShape(shapes, opShape(shapes, op).output.target);
      const modelRequired = Object.entries<any>(output.members)
        .filter(([, m]) => isRequired(m))
        .map(([n]) => n);
      expect(modelRequired).toEqual([]); // if the model ever marks one, revisit x-protocol-required
    });

    it('each error schema = its error structure (members, code, status, fault, enums)', () => {
      for (const name of Object.keys(errorSchemas)) {
        expect(modelErrorCode(resolveShape(shapes, NS + name)), name).toBeTruthy();
        expect(diffError(shapes, name, errorSchemas[name])).toEqual([]);
      }
    });

    it('the model examples validate', () => {
      for (const op of OPS) {
        for (const ex of opShape(shapes, op).traits['smithy.api#examples'] ?? []) {
          expect(validateAwsRequest(op, ex.input), ex.title).toEqual([]);
          expect(validateAwsResponse(op, ex.output), ex.title).toEqual([]);
        }
      }
    });

    describe('the comparison catches edited schemas', () => {
      const edit = (schema: any, change: (s: any) => void): any => {
        const copy = structuredClone(schema);
        change(copy);
        return copy;
      };
      const cases: [string, () => string[]][] = [
        [
          'a dropped response member',
          () =>
            diffResponse(
              shapes,
              'CreateToken',
              edit(responseSchemas.CreateToken, (s) => delete s.properties.idToken),
            ),
        ],
        [
          'an added request member',
          () =>
            diffRequest(
              shapes,
              'RegisterClient',
              edit(
                requestSchemas.RegisterClient,
                (s) => (s.properties.codeChallenge = { type: 'string' }),
              ),
            ),
        ],
        [
          'a long turned into an integer',
          () =>
            diffResponse(
              shapes,
              'RegisterClient',
              edit(
                responseSchemas.RegisterClient,
                (s) => (s.properties.clientIdIssuedAt.format = 'int32'),
              ),
            ),
        ],
        [
          'a string turned into a list',
          () =>
            diffRequest(
              shapes,
              'CreateToken',
              edit(requestSchemas.CreateToken, (s) => {
                s.properties.redirectUri = { type: 'array', items: { type: 'string' } };
              }),
            ),
        ],
        [
          'a nested structure member dropped',
          () =>
            diffResponse(
              shapes,
              'CreateTokenWithIAM',
              edit(responseSchemas.CreateTokenWithIAM, (s) => {
                delete s.properties.awsAdditionalDetails.properties.identityContext;
              }),
            ),
        ],
        [
          'a dropped @required member',
          () =>
            diffRequest(
              shapes,
              'StartDeviceAuthorization',
              edit(requestSchemas.StartDeviceAuthorization, (s) => s.required.pop()),
            ),
        ],
        [
          'an optional request member made required',
          () =>
            diffRequest(
              shapes,
              'CreateToken',
              edit(requestSchemas.CreateToken, (s) => s.required.push('deviceCode')),
            ),
        ],
        [
          'a protocol-required member dropped',
          () =>
            diffResponse(
              shapes,
              'StartDeviceAuthorization',
              edit(responseSchemas.StartDeviceAuthorization, (s) => {
                s.required = s.required.filter((m: string) => m !== 'userCode');
                s['x-protocol-required'] = s.required;
              }),
            ),
        ],
        [
          'additionalProperties relaxed',
          () =>
            diffResponse(
              shapes,
              'CreateToken',
              edit(responseSchemas.CreateToken, (s) => (s.additionalProperties = true)),
            ),
        ],
        [
          'a sensitive mark dropped',
          () =>
            diffRequest(
              shapes,
              'CreateTokenWithIAM',
              edit(
                requestSchemas.CreateTokenWithIAM,
                (s) => delete s.properties.assertion['x-sensitive'],
              ),
            ),
        ],
        [
          'a changed status',
          () =>
            diffError(
              shapes,
              'InvalidClientException',
              edit(errorSchemas.InvalidClientException, (s) => (s['x-http-status'] = 400)),
            ),
        ],
        [
          'a changed fault',
          () =>
            diffError(
              shapes,
              'InternalServerException',
              edit(errorSchemas.InternalServerException, (s) => (s['x-fault'] = 'client')),
            ),
        ],
        [
          'a changed error code',
          () =>
            diffError(
              shapes,
              'InvalidRequestRegionException',
              edit(errorSchemas.InvalidRequestRegionException, (s) => {
                s.properties.error.const = 'invalid_region';
                s['x-error-code'] = 'invalid_region';
              }),
            ),
        ],
        [
          'a dropped enum value',
          () =>
            diffError(
              shapes,
              'InvalidRequestException',
              edit(errorSchemas.InvalidRequestException, (s) => s.properties.reason.enum.pop()),
            ),
        ],
        [
          'a dropped error member',
          () =>
            diffError(
              shapes,
              'InvalidRequestRegionException',
              edit(errorSchemas.InvalidRequestRegionException, (s) => delete s.properties.region),
            ),
        ],
        [
          'a dropped error shape of an operation',
          () =>
            diffOperation(
              shapes,
              'CreateTokenWithIAM',
              edit(operationsFile.operations.CreateTokenWithIAM, (s) => s.errors.pop()),
            ),
        ],
        [
          'a changed auth',
          () =>
            diffOperation(
              shapes,
              'CreateTokenWithIAM',
              edit(operationsFile.operations.CreateTokenWithIAM, (s) => (s.auth = 'none')),
            ),
        ],
        [
          'a changed URI',
          () =>
            diffOperation(
              shapes,
              'CreateTokenWithIAM',
              edit(operationsFile.operations.CreateTokenWithIAM, (s) => (s.uri = '/token')),
            ),
        ],
      ];
      it.each(cases)('%s', (_name, diff) => {
        expect(diff().length).toBeGreaterThan(0);
      });
    });
  },
);

describe('null means absent for optional members (restJson1, EVIDENCE.md E3)', () => {
  const registration = {
    clientId: 'c',
    clientSecret: 's',
    clientIdIssuedAt: 1,
    clientSecretExpiresAt: 2,
  };

  it('optional members set to null pass, as AWS sends them', () => {
    expect(
      validateAwsResponse('RegisterClient', {
        ...registration,
        authorizationEndpoint: null,
        tokenEndpoint: null,
      }),
    ).toEqual([]);
    expect(
      validateAwsResponse('CreateToken', {
        accessToken: 'a',
        tokenType: 'Bearer',
        expiresIn: 3600,
        idToken: null,
        refreshToken: null,
      }),
    ).toEqual([]);
  });

  it('a required member set to null still fails', () => {
    expect(validateAwsResponse('RegisterClient', { ...registration, clientId: null })).toEqual([
      '/clientId must be string',
    ]);
  });

  it('member() reads a null member as absent', () => {
    expect(member({ idToken: null }, 'idToken')).toBeUndefined();
    expect(member({ idToken: 'x' }, 'idToken')).toBe('x');
  });
});
