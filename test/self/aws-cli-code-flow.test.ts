import { describe, expect, it } from 'vitest';
import {
  authorizationUrl,
  REDIRECT_URI,
  REGISTERED_REDIRECT_URI,
} from '../../harness/oauth/authorization-request.ts';
import { newCodeVerifier, s256Challenge } from '../../harness/oauth/pkce.ts';
import { DEFAULT_START_URL } from '../../harness/engine/config.ts';
import { runEmbedded, describeRun } from './run-embedded.ts';

/**
 * The AWS CLI's authorization code flow (EVIDENCE.md E8, G1): RegisterClient names no
 * authorizationEndpoint (null, as AWS sends it), so the suite builds <target>/authorize as the
 * CLI and the Toolkit do, registers as they do and redeems with the ported redirect URI. The
 * authorization code tests must then run and pass, not skip.
 */
describe("the AWS CLI's authorization code flow", () => {
  it('authorization-endpoint-null: every authorization code test runs and passes', async () => {
    const run = await runEmbedded({
      faults: ['authorization-endpoint-null'],
      grep: '^(PKCE-|OA-4\\.1\\.|NAT-7\\.3-)',
      // The requests of a passed test are read below.
      exchanges: 'all',
    });
    expect(run.tests.length).toBeGreaterThanOrEqual(9);
    expect(
      run.tests.filter((t) => t.verdict !== 'passed').map((t) => `${t.verdict} ${t.name}`),
      describeRun(run),
    ).toEqual([]);
    const nat = run.tests.find((t) => t.id === 'NAT-7.3-LOOPBACK-PORT')!;
    const [registration, ...redemptions] = nat.exchanges.map((e) => JSON.parse(e.request.body!));
    expect(registration).toMatchObject({
      issuerUrl: DEFAULT_START_URL,
      redirectUris: [REGISTERED_REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['sso:account:access'],
    });
    // Redeemed with the redirect URI the browser came back to: two ports, one each.
    const ports = redemptions.map((b) => new URL(b.redirectUri).port);
    expect(ports).toHaveLength(2);
    expect(new Set(ports).size).toBe(2);
  });

  it('the authorization request: scopes space-separated, an unpadded S256 challenge', () => {
    const challenge = s256Challenge(newCodeVerifier());
    const url = new URL(
      authorizationUrl({
        endpoint: 'https://oidc.us-east-1.amazonaws.com/authorize',
        clientId: 'client',
        redirectUri: REDIRECT_URI,
        state: 'state',
        scopes: ['sso:account:access', 'codewhisperer:completions'],
        codeChallenge: challenge,
      }),
    );
    expect(url.searchParams.get('scopes')).toBe('sso:account:access codewhisperer:completions');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/,
    );
  });
});
