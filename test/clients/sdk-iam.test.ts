import {
  AccessDeniedException,
  CreateTokenWithIAMCommand,
  InvalidGrantException,
  SSOOIDCClient,
} from '@aws-sdk/client-sso-oidc';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningReferenceServer } from '../../reference/server.ts';
import {
  REFERENCE_APPLICATION_ARN,
  REFERENCE_IAM_CREDENTIALS,
  REFERENCE_IAM_REGION,
} from '../../reference/iam-config.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * The AWS SDK for JavaScript v3, which signs CreateTokenWithIAM itself (SigV4, sso-oauth),
 * gets tokens from the reference server with the test credentials and a minted assertion, and
 * types its refusals: the harness's own signing is not the only signer the server accepts.
 */
describe('reference server: @aws-sdk/client-sso-oidc CreateTokenWithIAM', () => {
  let server: RunningReferenceServer;
  const client = (region = REFERENCE_IAM_REGION, credentials = REFERENCE_IAM_CREDENTIALS) =>
    new SSOOIDCClient({ region, endpoint: server.url, credentials, maxAttempts: 1 });

  beforeAll(async () => {
    server = await startReferenceServer({ port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('jwt-bearer with a minted assertion yields the modelled members', async () => {
    const out = await client().send(
      new CreateTokenWithIAMCommand({
        clientId: REFERENCE_APPLICATION_ARN,
        grantType: JWT_BEARER,
        assertion: await server.mintAssertion(),
      }),
    );
    expect(out.accessToken).toBeTruthy();
    expect(out.tokenType).toBe('Bearer');
    expect(out.expiresIn).toBeGreaterThan(0);
    expect(out.issuedTokenType).toBe(ACCESS_TOKEN_TYPE);
    expect(out.scope?.length).toBeGreaterThan(0);
    expect(out.awsAdditionalDetails?.identityContext).toBeTruthy();
    expect(decodeJwt(out.idToken!).aud).toContain(REFERENCE_APPLICATION_ARN);
  });

  it('refresh_token through the SDK', async () => {
    const first = await client().send(
      new CreateTokenWithIAMCommand({
        clientId: REFERENCE_APPLICATION_ARN,
        grantType: JWT_BEARER,
        assertion: await server.mintAssertion(),
      }),
    );
    expect(first.refreshToken).toBeTruthy();
    const refreshed = await client().send(
      new CreateTokenWithIAMCommand({
        clientId: REFERENCE_APPLICATION_ARN,
        grantType: 'refresh_token',
        refreshToken: first.refreshToken,
      }),
    );
    expect(refreshed.accessToken).toBeTruthy();
  });

  it('types the refusals: a wrong secret, another region, an expired assertion', async () => {
    const send = (c: SSOOIDCClient, assertion: string) =>
      c
        .send(
          new CreateTokenWithIAMCommand({
            clientId: REFERENCE_APPLICATION_ARN,
            grantType: JWT_BEARER,
            assertion,
          }),
        )
        .catch((e: unknown) => e);

    const wrongSecret = await send(
      client(REFERENCE_IAM_REGION, {
        ...REFERENCE_IAM_CREDENTIALS,
        secretAccessKey: 'not-the-secret-access-key',
      }),
      await server.mintAssertion(),
    );
    expect(wrongSecret).toBeInstanceOf(AccessDeniedException);

    // Signed for another region: a signature error (the region error is about tokens,
    // test/reference/sdk.test.ts).
    const region = await send(client('eu-west-1'), await server.mintAssertion());
    expect(region).toBeInstanceOf(AccessDeniedException);

    const expired = await send(client(), await server.mintAssertion({ expiresIn: -600 }));
    expect(expired).toBeInstanceOf(InvalidGrantException);
  });
});
