import type { RegistrationRules } from './profile.ts';

/**
 * What an RFC 7591 registration answer must show before the fixtures use its client: a
 * client_id (§3.2.1, REQUIRED). The server may substitute metadata (§3.2.1), so nothing more is
 * demanded here; the DCR-* tests judge the rest.
 */
export const RFC7591_REGISTRATION: RegistrationRules = {
  succeeded: {
    requirement: 'DCR-3.2.1-CLIENTID',
    description: 'a registration with valid client metadata succeeds (fixture)',
    expected: 'a 2xx answer with client_id',
  },
  checks: () => [],
};
