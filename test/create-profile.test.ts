import { describe, expect, it } from 'vitest';
import { createProfile } from '../harness/profiles/create.ts';
import { AwsProfile } from '../harness/profiles/aws.ts';
import { Rfc8628Profile } from '../harness/profiles/rfc8628.ts';
import { Redactor } from '../harness/http/redact.ts';
import type { HttpContext } from '../harness/http/http.ts';
import type { Profile } from '../harness/profiles/profile.ts';

// The runner chooses a wire profile in one place (issue 11, part 2): the factory answers the
// configured profile and refuses one that does not exist yet rather than quietly using AWS.
describe('createProfile', () => {
  const http = {
    recorder: { record: (e: never) => e },
    redactor: new Redactor(),
  } as unknown as HttpContext;

  it('chooses the rfc8628 client authentication: set, else the one published, else by secret', () => {
    const auth = (settings: object, methods?: string[]) =>
      (
        createProfile(
          { profile: 'rfc8628', target: 'https://idp.example', ...settings },
          {
            baseUrl: 'https://idp.example',
            http,
            oauth: { tokenEndpoint: 'https://idp.example/t', tokenEndpointAuthMethods: methods },
          },
        ) as Rfc8628Profile
      ).clientAuth;
    expect(auth({ clientAuth: 'client_secret_post' }, ['client_secret_basic'])).toBe(
      'client_secret_post',
    );
    expect(auth({}, ['private_key_jwt', 'client_secret_post'])).toBe('client_secret_post');
    expect(auth({ clientSecret: 's' }, ['client_secret_basic', 'client_secret_post'])).toBe(
      'client_secret_basic',
    );
    expect(auth({}, undefined)).toBe('none');
  });

  it('builds the AWS profile for profile "aws", wired to the given endpoint', () => {
    const p = createProfile({ profile: 'aws' }, { baseUrl: 'http://127.0.0.1:1', http });
    expect(p).toBeInstanceOf(AwsProfile);
    expect(p.name).toBe('aws');
    expect((p as AwsProfile).baseUrl).toBe('http://127.0.0.1:1');
  });

  it("builds an injected profile before a shipped one (the test's own profile)", () => {
    const stub = { name: 'rfc8628' } as unknown as Profile;
    const wiring = { baseUrl: 'http://x', http };
    expect(createProfile({ profile: 'rfc8628' }, wiring, { rfc8628: () => stub })).toBe(stub);
  });

  it('refuses a profile it cannot build', () => {
    expect(() => createProfile({ profile: 'rfc8628' }, { baseUrl: 'http://x', http })).toThrow(
      /rfc8628/,
    );
  });
});
