import fc from 'fast-check';
import { wrongTypeValue, type SchemaLike } from './schema-arbitrary.ts';

/**
 * Ways to break (or merely bend) a valid request body. `invalid` mutations make a request the
 * server must refuse with a well-formed error; `odd` ones stay valid and may succeed, but must
 * never get a 5xx or a malformed answer.
 */
export type MutationKind =
  | 'missing-required'
  | 'wrong-type'
  | 'empty-string'
  | 'not-json'
  | 'empty-body'
  | 'json-not-object'
  | 'long-string'
  | 'unicode-string'
  | 'extra-member'
  | 'content-type';

export interface MutatedRequest {
  kind: MutationKind;
  /** Must the server refuse it? */
  invalid: boolean;
  /** What was changed, for the report (no values of sensitive members). */
  what: string;
  body: string;
  headers: Record<string, string>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function withMember(body: Record<string, unknown>, name: string, value: unknown): string {
  return JSON.stringify({ ...body, [name]: value });
}

/** Mutations of `body` (valid against `schema`); members in `free` may take any string value. */
export function mutationArbitrary(
  schema: SchemaLike,
  body: Record<string, unknown>,
): fc.Arbitrary<MutatedRequest> {
  const required = schema.required ?? [];
  const props = schema.properties ?? {};
  const stringMembers = Object.entries(props)
    .filter(([, s]) => s.type === 'string')
    .map(([n]) => n);
  const members = Object.keys(props);
  const options: fc.Arbitrary<MutatedRequest>[] = [
    fc.constant({
      kind: 'not-json',
      invalid: true,
      what: 'a body that is not JSON',
      body: '{"clientId": ',
      headers: JSON_HEADERS,
    } as MutatedRequest),
    fc.constant({
      kind: 'empty-body',
      invalid: true,
      what: 'an empty body',
      body: '',
      headers: JSON_HEADERS,
    } as MutatedRequest),
    fc.constantFrom('[]', '"text"', '42', 'null').map((b): MutatedRequest => ({
      kind: 'json-not-object',
      invalid: true,
      what: `the JSON value ${b} as body`,
      body: b,
      headers: JSON_HEADERS,
    })),
    fc
      .record({
        key: fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in props)),
        value: fc.jsonValue({ maxDepth: 2 }),
      })
      .map(({ key, value }): MutatedRequest => ({
        kind: 'extra-member',
        invalid: false,
        what: `an extra member ${JSON.stringify(key)}`,
        body: withMember(body, key, value),
        headers: JSON_HEADERS,
      })),
    fc
      .constantFrom(
        undefined,
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-8',
      )
      .map((type): MutatedRequest => ({
        kind: 'content-type',
        invalid: false,
        what: type === undefined ? 'no Content-Type' : `Content-Type ${type}`,
        body: JSON.stringify(body),
        headers: type === undefined ? {} : { 'content-type': type },
      })),
  ];
  if (required.length > 0)
    options.push(
      fc.constantFrom(...required).map((name): MutatedRequest => {
        const copy = { ...body };
        delete copy[name];
        return {
          kind: 'missing-required',
          invalid: true,
          what: `without required ${name}`,
          body: JSON.stringify(copy),
          headers: JSON_HEADERS,
        };
      }),
    );
  if (members.length > 0)
    options.push(
      fc
        .constantFrom(...members)
        .chain((name) => wrongTypeValue(props[name]!.type).map((value) => ({ name, value })))
        .map(({ name, value }): MutatedRequest => ({
          kind: 'wrong-type',
          invalid: true,
          what: `${name} as ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
          body: withMember(body, name, value),
          headers: JSON_HEADERS,
        }))
        // null counts as absent for an optional member (restJson1): not a wrong type there.
        .filter((m) => !(m.what.endsWith(' as null') && !required.includes(m.what.split(' ')[0]!))),
    );
  const requiredStrings = stringMembers.filter((n) => required.includes(n));
  if (requiredStrings.length > 0)
    options.push(
      fc.constantFrom(...requiredStrings).map((name): MutatedRequest => ({
        kind: 'empty-string',
        invalid: true,
        what: `${name} as an empty string`,
        body: withMember(body, name, ''),
        headers: JSON_HEADERS,
      })),
    );
  if (stringMembers.length > 0) {
    options.push(
      fc
        .record({
          name: fc.constantFrom(...stringMembers),
          length: fc.integer({ min: 1024, max: 8192 }),
        })
        .map(({ name, length }): MutatedRequest => ({
          kind: 'long-string',
          invalid: false,
          what: `${name} of ${length} characters`,
          body: withMember(body, name, 'x'.repeat(length)),
          headers: JSON_HEADERS,
        })),
      fc
        .record({
          name: fc.constantFrom(...stringMembers),
          text: fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
        })
        .map(({ name, text }): MutatedRequest => ({
          kind: 'unicode-string',
          invalid: false,
          what: `${name} with non-ASCII or control characters`,
          body: withMember(body, name, text),
          headers: JSON_HEADERS,
        })),
    );
  }
  return fc.oneof(...options);
}
