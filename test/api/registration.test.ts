import { describe, expect, it } from 'vitest';
import { TestAbort, TestSkip } from '../../harness/api/context.ts';
import { AWS_REGISTRATION } from '../../harness/profiles/aws-registration.ts';
import type {
  ClientRegistration,
  Profile,
  RegistrationRules,
} from '../../harness/profiles/profile.ts';
import { fakeContext, okOutcome, silentProfile } from './fake-context.ts';

/**
 * Registration is a capability of the profile (harness/profiles/profile.ts `registration`):
 * a stub second profile without it takes its clients from the `clients` setting, and the
 * AWS-only checks of a registration come from the AWS profile, not from the core.
 */
const plain: Profile = { ...silentProfile, name: 'rfc8628' };

function registering(rules: RegistrationRules, answer: ClientRegistration): Profile {
  return {
    ...silentProfile,
    registration: rules,
    registerClient: async () => okOutcome('registerClient', answer),
  };
}

describe('a profile that cannot register clients', () => {
  it('takes the first configured client, with or without a secret, and sends nothing', async () => {
    const t = fakeContext({ profile: plain }, { clients: ['device-app s3cret-value', 'other'] });
    expect(await t.client()).toEqual({ clientId: 'device-app', clientSecret: 's3cret-value' });
    expect(await t.sessionClient()).toEqual(await t.client());
    const bare = fakeContext({ profile: plain }, { clients: ['device-app'] });
    expect(await bare.client()).toEqual({ clientId: 'device-app' });
  });

  it('skips, saying so, when no client is configured', async () => {
    const t = fakeContext({ profile: plain });
    await expect(t.client()).rejects.toThrow(TestSkip);
    await expect(t.client()).rejects.toThrow(/rfc8628 profile cannot register one.*SSOC_CLIENTS/);
  });

  it('skips a test that needs a new registration, whatever is configured', async () => {
    const t = fakeContext({ profile: plain }, { clients: ['device-app'] });
    await expect(t.newClient()).rejects.toThrow(TestSkip);
    await expect(t.newClient()).rejects.toThrow(/needs a new client registration/);
    await expect(t.codeClient()).rejects.toThrow(TestSkip);
  });
});

describe("a registering profile's own checks", () => {
  const NO_SECRET = { clientId: 'c' };
  const PLAIN_RULES: RegistrationRules = {
    succeeded: { requirement: 'DA-3.1-CONF-AUTH', description: 'registered', expected: 'id' },
    checks: () => [],
  };

  it('a profile without AWS rules accepts a client without a secret', async () => {
    const t = fakeContext({ profile: registering(PLAIN_RULES, NO_SECRET) });
    expect(await t.client()).toEqual(NO_SECRET);
    expect(t.checks.map((c) => c.requirement)).toEqual(['DA-3.1-CONF-AUTH']);
  });

  it("the AWS profile's rules stop the test on a registration without clientSecret", async () => {
    const t = fakeContext({ profile: registering(AWS_REGISTRATION, NO_SECRET) });
    await expect(t.client()).rejects.toThrow(TestAbort);
    expect(t.checks.map((c) => [c.requirement, c.ok, c.fixture])).toEqual([
      ['AWS-REG-200', true, true],
      ['AWS-REG-SECRET-FOR-PUBLIC', false, true],
    ]);
  });

  it("the AWS profile's rules pass a registration with one", async () => {
    const t = fakeContext({
      profile: registering(AWS_REGISTRATION, { clientId: 'c', clientSecret: 'secret' }),
    });
    await t.client();
    expect(t.checks.every((c) => c.ok)).toBe(true);
  });
});

describe('a client with a wrong secret (the client-authentication tests)', () => {
  it('keeps the id and alters the secret the requests will carry', () => {
    const t = fakeContext();
    expect(t.withWrongSecret({ clientId: 'c1', clientSecret: 'right' })).toEqual({
      clientId: 'c1',
      clientSecret: 'rightx-wrong',
    });
  });

  it('is not judged for a client that sends no secret: public, or --client-auth none', () => {
    expect(() => fakeContext().withWrongSecret({ clientId: 'public-app' })).toThrow(TestSkip);
    const none: Profile = { ...plain, sendsSecret: () => false };
    expect(() =>
      fakeContext({ profile: none }).withWrongSecret({ clientId: 'c1', clientSecret: 'right' }),
    ).toThrow(/no secret to get wrong/);
  });
});

describe("the client-authentication probes: another client's secret, none, the secret upper-cased", () => {
  const client = {
    clientId: 'c1',
    clientSecret: 'Mixed-Case-secret-1',
    authMethod: 'client_secret_post',
  };
  const other = { clientId: 'c2', clientSecret: 'Other-Secret-2' };

  it("presents the other client's secret under the client's own id and method", () => {
    expect(fakeContext().withSecretOf(client, other)).toEqual({
      clientId: 'c1',
      clientSecret: 'Other-Secret-2',
      authMethod: 'client_secret_post',
    });
    expect(() => fakeContext().withSecretOf(client, { clientId: 'public-app' })).toThrow(
      /no secret to borrow/,
    );
    expect(() =>
      fakeContext().withSecretOf(client, { ...other, clientSecret: client.clientSecret }),
    ).toThrow(/hold the same secret/);
  });

  it('leaves the secret out as a public client would send the id alone', () => {
    expect(fakeContext().withoutSecret(client)).toEqual({ clientId: 'c1', authMethod: 'none' });
    expect(() => fakeContext().withoutSecret({ clientId: 'public-app' })).toThrow(
      /no secret to leave out/,
    );
  });

  it('upper-cases a mixed-case secret and teaches the reports to hide it, an echo included', () => {
    const learnt: (string | undefined)[] = [];
    const profile: Profile = { ...plain, learnSecrets: (...v) => learnt.push(...v) };
    expect(fakeContext({ profile }).withSecretUpperCased(client).clientSecret).toBe(
      'MIXED-CASE-SECRET-1',
    );
    expect(learnt).toEqual(['MIXED-CASE-SECRET-1']);
  });

  it('does not judge a single-case secret (hex, a UUID): its alphabet may ignore case', () => {
    for (const secret of ['0f3a9c2be4d1', '0F3A9C2BE4D1', '12345678'])
      expect(() =>
        fakeContext().withSecretUpperCased({ clientId: 'c1', clientSecret: secret }),
      ).toThrow(/not mixed-case/);
  });
});
