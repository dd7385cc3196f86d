import type { FaultName } from './faults.ts';

/**
 * Personas: the reference server behaving like a real vendor as recorded, built from seeded
 * faults that each stand in the self-test matrix on their own (variations that must pass, and
 * the vendor's recorded deviations with their `breaks`), plus the figures the vendor sends.
 * `--like aws` (config key `like`, SSOC_LIKE) for the embedded run, `serve --like aws` alone.
 */
export interface Persona {
  /** What it is like, for `serve` and the run's header. */
  description: string;
  faults: FaultName[];
  /** Polling interval and device authorization lifetime it sends (s). */
  interval: number;
  expiresIn: number;
  accessTokenLifetime: number;
  clientSecretLifetime: number;
}

const PERSONA_CATALOGUE = {
  aws: {
    description:
      'AWS IAM Identity Center OIDC as recorded (EVIDENCE.md E1-E7, EXCHANGES.md X1-X6), its RFC deviations included',
    faults: [
      // Variations: what AWS was seen to send, which the suite must accept.
      'null-for-unset', // E3, X4: unset optional members as null
      'aws-headers', // E1, E2, X1, X2: header set and order, x-amzn-ErrorType suffix
      'aws-shaped-credentials', // E3, E4, X4, X6: clientId with region, JWS secret, aoa/aor tokens
      'verification-uri-portal-fragment', // E2, X3: <portal>/start/#/device?user_code=…
      'authorization-endpoint-null', // E3, E8: null endpoints even for clients with redirect URIs
      'one-session-per-registration', // E12: reported for Builder ID, not verified for IdC
      // AWS's recorded deviations from the RFCs: a run --like aws fails exactly these.
      'no-cache-control', // E1, X1 (F4): OA-5.1-NOSTORE
      'sda-cacheable', // E2, X2 (F3): DA-3.2-NOSTORE
      'expired-registration-starts-authorization', // E7 (F10): DCR-3.2.1-EXPIRY-ENFORCED
    ],
    interval: 1, // E1, X3
    expiresIn: 600, // E5, X3
    accessTokenLifetime: 3600, // E6, X6
    clientSecretLifetime: 90 * 24 * 3600, // E3, X4: 7,776,000 s
  },
} satisfies Record<string, Persona>;

export type PersonaName = keyof typeof PERSONA_CATALOGUE;

export const PERSONAS: Record<PersonaName, Persona> = PERSONA_CATALOGUE;

export const PERSONA_NAMES = Object.keys(PERSONAS) as PersonaName[];

export function isPersonaName(name: unknown): name is PersonaName {
  return typeof name === 'string' && Object.hasOwn(PERSONAS, name);
}
