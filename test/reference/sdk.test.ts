import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  CreateTokenWithIAMCommand,
  InvalidClientException,
  InvalidGrantException,
  InvalidRequestException,
  InvalidRequestRegionException,
  InvalidScopeException,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  REFERENCE_APPLICATION_ARN,
  REFERENCE_IAM_CREDENTIALS,
  REFERENCE_IAM_REGION,
} from '../../reference/iam-config.ts';
import {
  DEVICE_GRANT,
  REDIRECT_URI,
  START_URL,
  authorizationCode,
  codeClient,
  start,
} from './helpers.ts';
import { twoRegions } from './iam-helpers.ts';
import type { RunningReferenceServer } from '../../reference/server.ts';

/** The AWS SDK for JavaScript, a client no one here wrote, accepts and types our responses. */
describe('reference server: @aws-sdk/client-sso-oidc', () => {
  it('runs the device flow and types the errors', async () => {
    const server = await start();
    const sdk = new SSOOIDCClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 });
    try {
      const reg = await sdk.send(
        new RegisterClientCommand({ clientName: 'sdk', clientType: 'public' }),
      );
      expect(reg.clientId).toBeTruthy();
      expect(reg.clientSecretExpiresAt! - reg.clientIdIssuedAt!).toBe(90 * 24 * 3600);
      const client = { clientId: reg.clientId!, clientSecret: reg.clientSecret! };

      const auth = await sdk.send(
        new StartDeviceAuthorizationCommand({ ...client, startUrl: START_URL }),
      );
      expect(auth.interval).toBe(1);
      expect(auth.verificationUriComplete).toContain(auth.userCode);

      const pollCmd = new CreateTokenCommand({
        ...client,
        grantType: DEVICE_GRANT,
        deviceCode: auth.deviceCode,
      });
      const pending = await sdk.send(pollCmd).catch((e: unknown) => e);
      expect(pending).toBeInstanceOf(AuthorizationPendingException);
      expect((pending as AuthorizationPendingException).error).toBe('authorization_pending');

      server.approve(auth.userCode!);
      const token = await sdk.send(pollCmd);
      expect(token.tokenType).toBe('Bearer');
      expect(token.expiresIn).toBe(3600);

      const refreshed = await sdk.send(
        new CreateTokenCommand({
          ...client,
          grantType: 'refresh_token',
          refreshToken: token.refreshToken,
        }),
      );
      expect(refreshed.accessToken).toBeTruthy();

      const badSecret = await sdk
        .send(
          new StartDeviceAuthorizationCommand({
            ...client,
            clientSecret: 'x',
            startUrl: START_URL,
          }),
        )
        .catch((e: unknown) => e);
      expect(badSecret).toBeInstanceOf(InvalidClientException);
      expect((badSecret as InvalidClientException).$metadata.httpStatusCode).toBe(401);
      expect((badSecret as InvalidClientException).$metadata.requestId).toBeTruthy();

      const missing = await sdk
        .send(new RegisterClientCommand({ clientName: 'sdk' } as never))
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(InvalidRequestException);
    } finally {
      sdk.destroy();
    }
  });

  it('redeems an authorization code with redirectUri and codeVerifier, and types invalid_grant', async () => {
    const server = await start();
    const sdk = new SSOOIDCClient({ region: 'us-east-1', endpoint: server.url, maxAttempts: 1 });
    try {
      const client = await codeClient(server);
      const { code, verifier } = await authorizationCode(server, client);
      const redeem = (codeVerifier: string) =>
        new CreateTokenCommand({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          grantType: 'authorization_code',
          code,
          redirectUri: REDIRECT_URI,
          codeVerifier,
        });
      const wrong = await sdk.send(redeem('x'.repeat(43))).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(InvalidGrantException);
      const token = await sdk.send(redeem(verifier));
      expect(token.tokenType).toBe('Bearer');
      expect(token.refreshToken).toBeTruthy();
    } finally {
      sdk.destroy();
    }
  });

  it('CreateTokenWithIAM: the SDK signs, gets jwt-bearer tokens, and types the refusals', async () => {
    const { home: server, away } = await twoRegions();
    const sdk = (
      region = REFERENCE_IAM_REGION,
      credentials = REFERENCE_IAM_CREDENTIALS,
      endpoint = server.url,
    ) => new SSOOIDCClient({ region, endpoint, credentials, maxAttempts: 1 });
    const client = sdk();
    const jwtBearer = async (
      c: SSOOIDCClient,
      extra: { scope?: string[] } = {},
      issuer: RunningReferenceServer = server,
    ) =>
      c.send(
        new CreateTokenWithIAMCommand({
          clientId: REFERENCE_APPLICATION_ARN,
          grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: await issuer.mintAssertion(),
          ...extra,
        }),
      );
    try {
      const out = await jwtBearer(client, { scope: ['openid', 'sts:identity_context'] });
      expect(out.tokenType).toBe('Bearer');
      expect(out.expiresIn).toBe(3600);
      expect(out.refreshToken).toBeTruthy();
      expect(out.issuedTokenType).toBe('urn:ietf:params:oauth:token-type:access_token');
      expect(out.scope).toEqual(['openid', 'sts:identity_context']);
      expect(decodeJwt(out.idToken!).aud).toBe(REFERENCE_APPLICATION_ARN);
      expect(out.awsAdditionalDetails?.identityContext).toBeTruthy();

      const refreshed = await client.send(
        new CreateTokenWithIAMCommand({
          clientId: REFERENCE_APPLICATION_ARN,
          grantType: 'refresh_token',
          refreshToken: out.refreshToken,
        }),
      );
      expect(refreshed.accessToken).toBeTruthy();
      expect(refreshed.idToken).toBeUndefined();

      const wrongSecret = sdk(REFERENCE_IAM_REGION, {
        ...REFERENCE_IAM_CREDENTIALS,
        secretAccessKey: 'not-the-secret',
      });
      const denied = await jwtBearer(wrongSecret).catch((e: unknown) => e);
      wrongSecret.destroy();
      expect(denied).toBeInstanceOf(AccessDeniedException);
      expect((denied as AccessDeniedException).$metadata.httpStatusCode).toBe(400);
      expect((denied as AccessDeniedException).error).toBe('access_denied');

      // Signed for another region: a signature error, not the region error.
      const misSigned = sdk('eu-west-1');
      expect(await jwtBearer(misSigned).catch((e: unknown) => e)).toBeInstanceOf(
        AccessDeniedException,
      );
      misSigned.destroy();
      // A refresh token the eu-west-1 endpoint issued: the region error, naming where it works.
      const elsewhere = sdk('eu-west-1', REFERENCE_IAM_CREDENTIALS, away.url);
      const foreign = await jwtBearer(elsewhere, {}, away);
      elsewhere.destroy();
      const region = await client
        .send(
          new CreateTokenWithIAMCommand({
            clientId: REFERENCE_APPLICATION_ARN,
            grantType: 'refresh_token',
            refreshToken: foreign.refreshToken,
          }),
        )
        .catch((e: unknown) => e);
      expect(region).toBeInstanceOf(InvalidRequestRegionException);
      expect((region as InvalidRequestRegionException).region).toBe('eu-west-1');
      expect((region as InvalidRequestRegionException).endpoint).toBe(away.url);

      const scope = await jwtBearer(client, { scope: ['admin'] }).catch((e: unknown) => e);
      expect(scope).toBeInstanceOf(InvalidScopeException);
    } finally {
      client.destroy();
    }
  });
});
