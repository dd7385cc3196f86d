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
