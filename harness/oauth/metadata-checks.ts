import type { Level } from '../api/levels.ts';

/**
 * What RFC 8414 and RFC 8628 §4 ask of an authorization server's metadata document, as plain
 * functions: each returns the judgements a suite records (`t.check`), so they are tested on
 * documents alone. Publishing metadata is optional; these judge what is published.
 */

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface MetadataJudgement {
  requirement: string;
  level?: Level;
  description: string;
  ok: boolean;
  expected: string[];
  actual: string;
}

/** The answer to the metadata request, as seen on the wire. */
export interface MetadataAnswer {
  status: number;
  contentType?: string;
  /** The parsed body, when it parsed. */
  body: unknown;
}

/** RFC 8414 §3.2: 200, application/json, a JSON object. */
export function judgeMetadataAnswer(answer: MetadataAnswer): MetadataJudgement[] {
  const media = (answer.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const isObject =
    answer.body !== null && typeof answer.body === 'object' && !Array.isArray(answer.body);
  return [
    {
      requirement: 'MD-8414-3.2-JSON',
      description: 'the metadata document is a JSON object sent as application/json',
      ok: answer.status === 200 && media === 'application/json' && isObject,
      expected: ['HTTP 200, Content-Type application/json, a JSON object'],
      actual: `HTTP ${answer.status}, Content-Type ${answer.contentType ?? '(none)'}, ${
        isObject
          ? 'a JSON object'
          : answer.body === undefined
            ? 'not JSON'
            : 'JSON but not an object'
      }`,
    },
  ];
}

/** RFC 8414 §3.3: the issuer member is the issuer the document was requested for. */
export function judgeIssuer(document: Record<string, unknown>, issuer: string): MetadataJudgement {
  const sent = document.issuer;
  return {
    requirement: 'MD-8414-3.3-ISSUER',
    description: 'the metadata issuer is identical to the issuer it was requested for',
    ok: sent === issuer,
    expected: [`issuer ${JSON.stringify(issuer)}`],
    actual: sent === undefined ? 'no issuer member' : `issuer ${JSON.stringify(sent)}`,
  };
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/** Whether `url` is an absolute https URL; http on a loopback host is `loopback`. */
export function urlScheme(url: unknown): 'https' | 'loopback-http' | 'other' {
  if (typeof url !== 'string' || !URL.canParse(url)) return 'other';
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return 'https';
  if (parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname)) return 'loopback-http';
  return 'other';
}

const ENDPOINTS = ['token_endpoint', 'device_authorization_endpoint', 'registration_endpoint'];

/**
 * RFC 8414 §2: an https issuer without query or fragment; the endpoints named are absolute https
 * URLs. A loopback development target over http passes, with an INFO judgement saying so.
 */
export function judgeSchemes(document: Record<string, unknown>): MetadataJudgement[] {
  const out: MetadataJudgement[] = [];
  const issuer = document.issuer;
  const issuerUrl =
    typeof issuer === 'string' && URL.canParse(issuer) ? new URL(issuer) : undefined;
  const urls: [string, unknown][] = [
    ['issuer', issuer],
    ...ENDPOINTS.filter((name) => document[name] !== undefined).map((name): [string, unknown] => [
      name,
      document[name],
    ]),
  ];
  const loopback = urls.filter(([, u]) => urlScheme(u) === 'loopback-http').map(([n]) => n);
  out.push({
    requirement: 'MD-8414-2-HTTPS',
    description: 'the issuer and the endpoints of the metadata are absolute https URLs',
    ok: urls.every(([, u]) => urlScheme(u) !== 'other') && !issuerUrl?.search && !issuerUrl?.hash,
    expected: ['absolute https URLs; an issuer without query or fragment'],
    actual: urls.map(([n, u]) => `${n} ${JSON.stringify(u)}`).join(', '),
  });
  if (loopback.length > 0) {
    out.push({
      requirement: 'MD-8414-2-HTTPS',
      level: 'INFO',
      description: `plain http on a loopback development target (${loopback.join(', ')})`,
      ok: true,
      expected: ['https in production'],
      actual: 'http on loopback',
    });
  }
  return out;
}

/** RFC 8414 §2: token_endpoint is REQUIRED for any server but an implicit-only one. */
export function judgeTokenEndpoint(document: Record<string, unknown>): MetadataJudgement {
  const sent = document.token_endpoint;
  return {
    requirement: 'MD-8414-2-TOKEN-ENDPOINT',
    description: 'the metadata names the token endpoint',
    ok: typeof sent === 'string' && sent !== '',
    expected: ['a token_endpoint string'],
    actual: sent === undefined ? 'no token_endpoint' : `token_endpoint ${JSON.stringify(sent)}`,
  };
}

/**
 * RFC 8628 §4: a server that advertises the device grant names its device authorization endpoint
 * (MUST here: a client could not use the grant otherwise); one that names the endpoint and lists
 * its grants lists the device grant too (SHOULD: grant_types_supported is OPTIONAL, so its
 * absence is not judged); the endpoint named is the one the run uses (SHOULD).
 */
export function judgeDeviceMetadata(
  document: Record<string, unknown>,
  used?: string,
): MetadataJudgement[] {
  const grants = document.grant_types_supported;
  const listsGrant = Array.isArray(grants) && grants.includes(DEVICE_GRANT);
  const endpoint = document.device_authorization_endpoint;
  const named = typeof endpoint === 'string' && endpoint !== '';
  const actual = `device_authorization_endpoint ${JSON.stringify(endpoint)}, grant_types_supported ${JSON.stringify(grants)}`;
  const out: MetadataJudgement[] = [
    {
      requirement: 'DA-4-METADATA',
      description: 'metadata that lists the device grant names the device authorization endpoint',
      ok: !listsGrant || named,
      expected: ['device_authorization_endpoint when grant_types_supported lists the device grant'],
      actual,
    },
  ];
  if (named && grants !== undefined) {
    out.push({
      requirement: 'DA-4-METADATA',
      level: 'SHOULD',
      description: 'metadata that names a device authorization endpoint lists the device grant',
      ok: listsGrant,
      expected: [`${DEVICE_GRANT} in grant_types_supported`],
      actual,
    });
  }
  if (used !== undefined && named) {
    out.push({
      requirement: 'DA-4-METADATA',
      level: 'SHOULD',
      description: 'the device authorization endpoint of the metadata is the one the run uses',
      ok: endpoint === used,
      expected: [used],
      actual: endpoint,
    });
  }
  return out;
}
