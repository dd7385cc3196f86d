import type { ClientRegistration, RegistrationRules } from './profile.ts';

/**
 * What an AWS RegisterClient answer must show before the fixtures use its client: a clientId
 * (AWS-REG-200), and a clientSecret, which AWS issues even to a public client and every later
 * call presents (AWS-REG-SECRET-FOR-PUBLIC).
 */
export const AWS_REGISTRATION: RegistrationRules = {
  succeeded: {
    requirement: 'AWS-REG-200',
    description: 'RegisterClient with valid public-client metadata succeeds (fixture)',
    expected: 'HTTP 200 with clientId',
  },
  checks: (client: ClientRegistration) => [
    {
      requirement: 'AWS-REG-SECRET-FOR-PUBLIC',
      description: 'the registration carries the clientSecret every later AWS call needs (fixture)',
      ok: typeof client.clientSecret === 'string' && client.clientSecret.length > 0,
      expected: 'clientSecret: non-empty string',
      actual:
        client.clientSecret === undefined
          ? 'clientSecret absent'
          : client.clientSecret.length > 0
            ? 'clientSecret present (redacted)'
            : 'clientSecret empty',
    },
  ],
};
