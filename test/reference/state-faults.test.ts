import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../reference/clock.ts';
import type { FaultName } from '../../reference/faults.ts';
import {
  REFERENCE_APPLICATION_ARN,
  REFERENCE_APPLICATION_REDIRECT_URIS,
  REFERENCE_APPLICATION_SCOPES,
} from '../../reference/iam-config.ts';
import { AUTHORIZATION_CODE_GRANT } from '../../reference/requests.ts';
import { ReferenceState } from '../../reference/state.ts';
import { pkcePair } from './helpers.ts';

/**
 * The faults each call of the state sees are chosen by the facade and passed in, not swapped:
 * CreateToken sees every configured fault, CreateTokenWithIAM's grants only those that act
 * there (actsInIam), and neither leaks into the other, whatever the order of the calls.
 */

const REDIRECT = REFERENCE_APPLICATION_REDIRECT_URIS[0];

function newState(faults: FaultName[]): ReferenceState {
  const state = new ReferenceState(
    {
      interval: 5,
      expiresIn: 600,
      accessTokenLifetime: 3600,
      clientSecretLifetime: 86_400,
      slowDown: 'off',
      faults: new Set(faults),
      region: 'us-east-1',
    },
    new VirtualClock(),
  );
  state.registerApplication({
    arn: REFERENCE_APPLICATION_ARN,
    name: 'app',
    scopes: REFERENCE_APPLICATION_SCOPES,
    redirectUris: REFERENCE_APPLICATION_REDIRECT_URIS,
  });
  return state;
}

/** An authorization code for `clientId`, issued with an S256 challenge the test never answers. */
function codeFor(state: ReferenceState, clientId: string): string {
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
  });
  const check = state.checkAuthorization(query);
  if (check.kind !== 'consent') throw new Error(`no consent: ${JSON.stringify(check)}`);
  const end = state.decide(check.request, 'approve');
  if (end.kind !== 'redirect') throw new Error(`no redirect: ${JSON.stringify(end)}`);
  return new URL(end.location).searchParams.get('code')!;
}

function createTokenWithWrongVerifier(state: ReferenceState) {
  const client = state.registerClient({
    clientName: 'c',
    clientType: 'public',
    grantTypes: [AUTHORIZATION_CODE_GRANT],
    redirectUris: [REDIRECT],
  });
  if (!client.ok) throw new Error('registration refused');
  const { clientId, clientSecret } = client.value;
  return state.createToken({
    clientId,
    clientSecret,
    grantType: AUTHORIZATION_CODE_GRANT,
    code: codeFor(state, clientId),
    redirectUri: REDIRECT,
    codeVerifier: pkcePair().verifier,
  });
}

function iamWithWrongVerifier(state: ReferenceState) {
  const code = codeFor(state, REFERENCE_APPLICATION_ARN);
  return state.iamAuthorizationCode(
    { code, redirectUri: REDIRECT, codeVerifier: pkcePair().verifier },
    undefined,
  );
}

describe('the faults each state call sees', () => {
  it('conformant: a wrong verifier is refused by both grants', () => {
    const state = newState([]);
    expect(createTokenWithWrongVerifier(state).ok).toBe(false);
    expect(iamWithWrongVerifier(state).ok).toBe(false);
  });

  it('pkce-not-checked acts in CreateToken only, before and after an IAM grant', () => {
    const state = newState(['pkce-not-checked']);
    expect(createTokenWithWrongVerifier(state).ok).toBe(true);
    expect(iamWithWrongVerifier(state).ok).toBe(false);
    expect(createTokenWithWrongVerifier(state).ok).toBe(true);
  });

  it('iam-pkce-not-checked acts in CreateTokenWithIAM only', () => {
    const state = newState(['iam-pkce-not-checked']);
    expect(iamWithWrongVerifier(state).ok).toBe(true);
    expect(createTokenWithWrongVerifier(state).ok).toBe(false);
  });
});
