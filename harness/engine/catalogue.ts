import catalogue from './catalogue.json' with { type: 'json' };

/**
 * The requirement catalogue as data: one stable ID per testable behaviour, taken from the
 * project's REQUIREMENTS.md (shared/) and extended here when a new requirement is found
 * (group "6.4 AWS wire rules"). IDs are never renumbered.
 */
export interface Requirement {
  id: string;
  kind: 'requirement' | 'client-rule' | 'ambiguity';
  group: string;
  source: string;
  level: string;
  behaviour: string;
  check?: string;
  approver?: string;
  wait?: string;
  treatment?: string;
}

export const REQUIREMENTS: readonly Requirement[] = catalogue as Requirement[];

const byId = new Map(REQUIREMENTS.map((r) => [r.id, r]));

export function findRequirement(id: string): Requirement | undefined {
  return byId.get(id);
}

/** IDs a test may cite: requirements and client rules (ambiguities are cited in text only). */
export function isCitableId(id: string): boolean {
  const r = byId.get(id);
  return r !== undefined && r.kind !== 'ambiguity';
}

const RFC_EDITOR = 'https://www.rfc-editor.org/rfc/rfc';
const AWS_API_REFERENCE = 'https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/';
const AWS_OPERATIONS = [
  'RegisterClient',
  'StartDeviceAuthorization',
  'CreateToken',
  'CreateTokenWithIAM',
] as const;

/**
 * Where a requirement is written (OIDF's LogEntryHelper.specLinks): the first RFC section its
 * `source` cites (`8628 §3.5` -> rfc8628#section-3.5, `6749 App. B` -> rfc6749#appendix-B),
 * else the RFC it names, else AWS's API reference (the operation's page when named).
 */
export function specLink(id: string): string | undefined {
  const r = byId.get(id);
  if (!r) return undefined;
  const section = r.source.match(/\b(\d{4}) (?:§(\d+(?:\.\d+)*)|App\. ([A-Z]))/);
  if (section)
    return section[2]
      ? `${RFC_EDITOR}${section[1]}#section-${section[2]}`
      : `${RFC_EDITOR}${section[1]}#appendix-${section[3]}`;
  const rfc = r.source.match(/\bRFC (\d{4})\b/);
  if (rfc) return `${RFC_EDITOR}${rfc[1]}`;
  const operation = [...AWS_OPERATIONS].reverse().find((op) => r.source.includes(op));
  return `${AWS_API_REFERENCE}${operation ? `API_${operation}.html` : 'Welcome.html'}`;
}
