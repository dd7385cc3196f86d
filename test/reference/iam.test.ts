import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  REFERENCE_APPLICATION_ARN,
  REFERENCE_APPLICATION_SCOPES,
  REFERENCE_IAM_CREDENTIALS,
  REFERENCE_IAM_REGION,
  REFERENCE_TRUSTED_ISSUER,
} from '../../reference/iam-config.ts';
import { parseAmzDate, parseAuthorization } from '../../reference/sigv4.ts';
import {
  errorType,
  poll,
  post,
  redeem,
  authorizationCode,
  codeClient,
  request,
  start,
  tokens,
} from './helpers.ts';
import {
  ACCESS_TOKEN_TYPE,
  APP,
  APP_REDIRECT,
  IAM_PATH,
  JWT_BEARER,
  REFRESH_TOKEN_TYPE,
  TOKEN_EXCHANGE,
  appCode,
  iam,
  iamTokens,
  jwtBearer,
  redeemApp,
  send,
  serverNow,
  signHeaders,
  twoRegions,
} from './iam-helpers.ts';

const ALL_SCOPES = [...REFERENCE_APPLICATION_SCOPES];

/** A refusal: status, x-amzn-ErrorType, error, and never a token. */
function refused(
  reply: { status: number; json: any; headers: Headers },
  shape: string,
  error: string,
  status = 400,
) {
  expect(reply.status, JSON.stringify(reply.json)).toBe(status);
  expect(reply.headers.get('x-amzn-errortype')?.split(':')[0]).toBe(shape);
  expect(reply.json.error).toBe(error);
  expect(reply.json.accessToken).toBeUndefined();
}

const denied = (reply: { status: number; json: any; headers: Headers }) =>
  refused(reply, 'AccessDeniedException', 'access_denied');

describe('CreateTokenWithIAM: SigV4', () => {
  it('accepts a request signed by SignatureV4 as the SDK signs it', async () => {
    const server = await start();
    const reply = await jwtBearer(server);
    expect(reply.status).toBe(200);
    expect(reply.json.accessToken).toBeTruthy();
  });

  it('works on the real clock too', async () => {
    const server = await start({ virtualClock: false });
    expect((await jwtBearer(server)).status).toBe(200);
    denied(await jwtBearer(server, {}, { skew: -400 }));
  });

  it('refuses an unsigned request, and never looks at its body', async () => {
    const server = await start();
    denied(await jwtBearer(server, {}, { unsigned: true }));
    // Not JSON, not signed: AccessDenied, not InvalidRequest.
    denied(await iam(server, undefined, { raw: 'not json', unsigned: true }));
    // Signed garbage gets as far as the body.
    refused(
      await iam(server, undefined, { raw: 'not json' }),
      'InvalidRequestException',
      'invalid_request',
    );
  });

  it('refuses malformed Authorization headers', async () => {
    const server = await start();
    const body = JSON.stringify({ clientId: APP, grantType: JWT_BEARER, assertion: 'x' });
    const good = await signHeaders(server, body);
    const auth = good.authorization;
    const variants = [
      'Bearer abc',
      auth.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'),
      auth.replace(/, Signature=[0-9a-f]+/, ''),
      auth.replace(/Signature=[0-9a-f]+/, 'Signature=abc'),
      auth.replace('/aws4_request', ''),
      auth.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=content-type'),
      `${auth}, Signature=${'0'.repeat(64)}`,
      '',
    ];
    for (const authorization of variants) {
      denied(await send(server, { ...good, authorization }, body));
    }
  });

  it('refuses a wrong secret, an unknown access key and another service', async () => {
    const server = await start();
    const wrongSecret = { ...REFERENCE_IAM_CREDENTIALS, secretAccessKey: 'wrong-secret' };
    denied(await jwtBearer(server, {}, { credentials: wrongSecret }));
    const unknownKey = { ...REFERENCE_IAM_CREDENTIALS, accessKeyId: 'AKIDUNKNOWN' };
    denied(await jwtBearer(server, {}, { credentials: unknownKey }));
    for (const service of ['sso', 'awsssooidc', 'sso-oidc']) {
      denied(await jwtBearer(server, {}, { service }));
    }
  });

  it('refuses x-amz-date more than 5 minutes from the server clock (virtual clock)', async () => {
    const server = await start();
    denied(await jwtBearer(server, {}, { skew: -301 }));
    denied(await jwtBearer(server, {}, { skew: 301 }));
    expect((await jwtBearer(server, {}, { skew: -299 })).status).toBe(200);
    expect((await jwtBearer(server, {}, { skew: 299 })).status).toBe(200);

    // Signed now, sent after the clock moved: stale.
    const body = JSON.stringify({
      clientId: APP,
      grantType: JWT_BEARER,
      assertion: await server.mintAssertion({ expiresIn: 3600 }),
    });
    const headers = await signHeaders(server, body);
    server.advance(301);
    denied(await send(server, headers, body));
    // A malformed x-amz-date.
    const again = await signHeaders(server, body);
    denied(
      await send(server, { ...again, 'x-amz-date': again['x-amz-date'].replace('T', '') }, body),
    );
  });

  it('covers the body, the query and the signed headers', async () => {
    const server = await start();
    const body = JSON.stringify({
      clientId: APP,
      grantType: JWT_BEARER,
      assertion: await server.mintAssertion(),
    });
    const headers = await signHeaders(server, body, { headers: { 'x-custom': 'one' } });
    // Another body with the original x-amz-content-sha256, then with its own hash.
    const other = body.replace('}', ',"scope":["openid"]}');
    denied(await send(server, headers, other));
    const { createHash } = await import('node:crypto');
    const rehashed = createHash('sha256').update(other).digest('hex');
    denied(await send(server, { ...headers, 'x-amz-content-sha256': rehashed }, other));
    // A signed header changed or dropped.
    denied(await send(server, { ...headers, 'x-custom': 'two' }, body));
    const { 'x-custom': _dropped, ...withoutCustom } = headers;
    denied(await send(server, withoutCustom, body));
    // Another query than the one signed.
    denied(await send(server, headers, body, `${IAM_PATH}&extra=1`));
    // An unsigned header added on the way is fine.
    const ok = await send(server, { ...headers, 'x-unsigned': 'whatever' }, body);
    expect(ok.status, ok.text).toBe(200);
  });

  it('x-amz-content-sha256, when sent, must be the hash of the body', async () => {
    const server = await start();
    const body = JSON.stringify({
      clientId: APP,
      grantType: JWT_BEARER,
      assertion: await server.mintAssertion(),
    });
    // Signed with a declared hash that is not the body's.
    const headers = await signHeaders(server, body, {
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    denied(await send(server, headers, body));
    // Without the header at all (the signer then hashes the body itself): accepted.
    const { Hash } = await import('@smithy/hash-node');
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const url = new URL(server.url);
    const signer = new SignatureV4({
      service: 'sso-oauth',
      region: REFERENCE_IAM_REGION,
      credentials: REFERENCE_IAM_CREDENTIALS,
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false,
    });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/token',
        query: { aws_iam: 't' },
        headers: { host: url.host, 'content-type': 'application/json' },
        body,
      },
      { signingDate: await serverNow(server) },
    );
    expect(signed.headers['x-amz-content-sha256']).toBeUndefined();
    const reply = await send(server, signed.headers as Record<string, string>, body);
    expect(reply.status, reply.text).toBe(200);
  });

  it('accepts the configured credentials only, temporary ones with their session token', async () => {
    const other = { accessKeyId: 'AKIDOTHER', secretAccessKey: 'other-secret' };
    const temporary = {
      accessKeyId: 'ASIATEMPORARY',
      secretAccessKey: 'temporary-secret',
      sessionToken: 'session-token-value',
    };
    const server = await start({ iam: { credentials: [other, temporary] } });
    expect(server.options.iam.credentials).toEqual([other, temporary]);
    expect((await jwtBearer(server, {}, { credentials: other })).status).toBe(200);
    expect((await jwtBearer(server, {}, { credentials: temporary })).status).toBe(200);
    denied(await jwtBearer(server));
    // A session token with long-term credentials.
    denied(
      await jwtBearer(
        server,
        {},
        { credentials: { ...other, sessionToken: 'session-token-value' } },
      ),
    );
    // Signed without the session token, or the token swapped afterwards.
    const { sessionToken: _t, ...withoutToken } = temporary;
    denied(await jwtBearer(server, {}, { credentials: withoutToken }));
    denied(
      await jwtBearer(
        server,
        {},
        {
          credentials: temporary,
          alter: (h) => {
            h['x-amz-security-token'] = 'another-token';
          },
        },
      ),
    );
  });
});

describe('CreateTokenWithIAM: region', () => {
  it('a request signed for another region is a signature error (AccessDenied), not the region error', async () => {
    const server = await start();
    denied(await jwtBearer(server, {}, { region: 'eu-west-1' }));
    const wrongSecret = { ...REFERENCE_IAM_CREDENTIALS, secretAccessKey: 'wrong' };
    denied(await jwtBearer(server, {}, { region: 'eu-west-1', credentials: wrongSecret }));
    denied(await jwtBearer(server, {}, { region: 'eu-west-1', unsigned: true }));
  });

  it("another region's refresh token or subject token gets InvalidRequestRegionException naming where it is usable", async () => {
    const { home, away } = await twoRegions();
    const foreign = await iamTokens(away);
    const presented = [
      { grantType: 'refresh_token', refreshToken: foreign.refreshToken },
      {
        grantType: TOKEN_EXCHANGE,
        subjectToken: foreign.accessToken,
        subjectTokenType: ACCESS_TOKEN_TYPE,
        requestedTokenType: ACCESS_TOKEN_TYPE,
      },
    ];
    for (const body of presented) {
      const reply = await iam(home, { clientId: APP, ...body });
      refused(reply, 'InvalidRequestRegionException', 'invalid_request');
      expect(reply.json).toMatchObject({ endpoint: away.url, region: 'eu-west-1' });
      expect(typeof reply.json.error_description).toBe('string');
      expect(reply.headers.get('cache-control')).toBe('no-store');
    }
    // The home region's own tokens, and tokens nobody issued, are not region errors.
    const own = await iamTokens(home);
    expect(
      (
        await iam(home, {
          clientId: APP,
          grantType: 'refresh_token',
          refreshToken: own.refreshToken,
        })
      ).status,
    ).toBe(200);
    refused(
      await iam(home, {
        clientId: APP,
        grantType: 'refresh_token',
        refreshToken: 'nobody-issued-it',
      }),
      'InvalidGrantException',
      'invalid_grant',
    );
    // The away region still honours its own refresh token.
    expect(
      (
        await iam(away, {
          clientId: APP,
          grantType: 'refresh_token',
          refreshToken: foreign.refreshToken,
        })
      ).status,
    ).toBe(200);
  });

  it('iam.region sets the region served', async () => {
    const server = await start({ iam: { region: 'eu-central-1' } });
    expect(server.options.iam).toEqual({
      region: 'eu-central-1',
      credentials: [{ ...REFERENCE_IAM_CREDENTIALS }],
      applicationArn: REFERENCE_APPLICATION_ARN,
    });
    expect((await jwtBearer(server, {}, { region: 'eu-central-1' })).status).toBe(200);
    denied(await jwtBearer(server, {}, { region: REFERENCE_IAM_REGION }));
  });
});

describe('CreateTokenWithIAM: request and application', () => {
  it('clientId must be the application ARN (InvalidClientException, 401)', async () => {
    const server = await start();
    const other = REFERENCE_APPLICATION_ARN.replace(/apl-\w+$/, 'apl-2222222222222222');
    refused(
      await jwtBearer(server, { clientId: other }),
      'InvalidClientException',
      'invalid_client',
      401,
    );
    const client = await codeClient(server);
    refused(
      await jwtBearer(server, { clientId: client.clientId }),
      'InvalidClientException',
      'invalid_client',
      401,
    );
  });

  it('clientId and grantType are required; members have their JSON types', async () => {
    const server = await start();
    for (const body of [
      { grantType: JWT_BEARER },
      { clientId: APP },
      { clientId: APP, grantType: JWT_BEARER, scope: 'openid' },
      { clientId: 7, grantType: JWT_BEARER },
      [],
    ]) {
      refused(await iam(server, body), 'InvalidRequestException', 'invalid_request');
    }
  });

  it('other grant types: UnsupportedGrantTypeException', async () => {
    const server = await start();
    for (const grantType of [
      'urn:ietf:params:oauth:grant-type:device_code',
      'client_credentials',
    ]) {
      refused(
        await iam(server, { clientId: APP, grantType, deviceCode: 'x' }),
        'UnsupportedGrantTypeException',
        'unsupported_grant_type',
      );
    }
  });

  it('the application is not a CreateToken client', async () => {
    const server = await start();
    const reply = await post(server, '/token', {
      clientId: APP,
      clientSecret: 'guess',
      grantType: 'refresh_token',
      refreshToken: 'x',
    });
    refused(reply, 'InvalidClientException', 'invalid_client', 401);
  });
});

describe('CreateTokenWithIAM: jwt-bearer', () => {
  it('a valid assertion yields every modelled member, no-store', async () => {
    const server = await start();
    const reply = await jwtBearer(server);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.headers.get('pragma')).toBe('no-cache');
    const t = reply.json;
    expect(Object.keys(t).sort()).toEqual(
      [
        'accessToken',
        'awsAdditionalDetails',
        'expiresIn',
        'idToken',
        'issuedTokenType',
        'refreshToken',
        'scope',
        'tokenType',
      ].sort(),
    );
    expect(t.tokenType).toBe('Bearer');
    expect(t.expiresIn).toBe(3600);
    expect(t.issuedTokenType).toBe(ACCESS_TOKEN_TYPE);
    expect(t.scope).toEqual(ALL_SCOPES);
    expect(typeof t.awsAdditionalDetails.identityContext).toBe('string');
  });

  it('the idToken is an ES256 JWT of the server with the model example claims', async () => {
    const server = await start();
    const now = Math.floor((await serverNow(server)).getTime() / 1000);
    const t = await iamTokens(server);
    expect(decodeProtectedHeader(t.idToken).alg).toBe('ES256');
    const key = await importJWK(await server.idTokenPublicJwk(), 'ES256');
    const { payload } = await jwtVerify(t.idToken, key, {
      audience: APP,
      currentDate: new Date(now * 1000),
    });
    expect(Object.keys(payload).sort()).toEqual(
      [
        'aws:identity_store_id',
        'sub',
        'aws:instance_account',
        'sts:identity_context',
        'sts:audit_context',
        'iss',
        'aws:identity_store_arn',
        'aud',
        'aws:instance_arn',
        'aws:credential_id',
        'auth_time',
        'exp',
        'iat',
      ].sort(),
    );
    expect(payload.aud).toBe(APP);
    expect(payload.iat).toBe(now);
    expect(payload.exp).toBe(now + 3600);
    expect(payload['aws:instance_account']).toBe('123456789012');
    expect(payload['aws:instance_arn']).toBe('arn:aws:sso:::instance/ssoins-1111111111111111');
    expect(payload.iss).toBe('https://identitycenter.amazonaws.com/ssoins-1111111111111111');
    expect(payload['sts:identity_context']).toBe(t.awsAdditionalDetails.identityContext);
    expect(payload.auth_time).toBe(new Date(now * 1000).toISOString().replace('.000Z', 'Z'));
    expect(payload.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('the same subject is the same user; another subject another one', async () => {
    const server = await start();
    const sub = async (subject?: string) =>
      decodeJwt(
        (
          await iamTokens(server, {
            assertion: await server.mintAssertion(subject ? { subject } : {}),
          })
        ).idToken,
      ).sub;
    expect(await sub()).toBe(await sub());
    expect(await sub('someone-else')).not.toBe(await sub());
  });

  it('refuses expired, foreign-signed, misaddressed, subject-less and non-JWT assertions', async () => {
    const server = await start();
    const bad = [
      await server.mintAssertion({ expiresIn: -1 }),
      await server.mintAssertion({ expiresIn: 0 }),
      await server.mintAssertion({ foreignKey: true }),
      await server.mintAssertion({ issuer: 'https://other-issuer.invalid' }),
      await server.mintAssertion({ audience: 'arn:aws:sso::123456789012:application/x/apl-x' }),
      await server.mintAssertion({ subject: '' }),
      'not-a-jwt',
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    ];
    for (const assertion of bad) {
      refused(await jwtBearer(server, { assertion }), 'InvalidGrantException', 'invalid_grant');
    }
    refused(
      await jwtBearer(server, { assertion: undefined }),
      'InvalidGrantException',
      'invalid_grant',
    );
  });

  it('an assertion expires on the server clock', async () => {
    const server = await start();
    const assertion = await server.mintAssertion({ expiresIn: 60 });
    const claims = decodeJwt(assertion);
    expect(claims.iss).toBe(REFERENCE_TRUSTED_ISSUER);
    expect(claims.aud).toBe(APP);
    expect(claims.exp! - Math.floor((await serverNow(server)).getTime() / 1000)).toBe(60);
    server.advance(59);
    expect((await jwtBearer(server, { assertion })).status).toBe(200);
    server.advance(1);
    refused(await jwtBearer(server, { assertion }), 'InvalidGrantException', 'invalid_grant');
  });

  it('mintAssertion refuses options it does not know how to honour', async () => {
    const server = await start();
    await expect(server.mintAssertion({ expiresIn: Number.NaN })).rejects.toThrow(TypeError);
    await expect(server.mintAssertion({ issuer: 7 as unknown as string })).rejects.toThrow(
      TypeError,
    );
    await expect(server.mintAssertion({ foreignKey: 'yes' as unknown as boolean })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('CreateTokenWithIAM: downscoping', () => {
  it('scope omitted or empty: every application scope; a subset: exactly that subset', async () => {
    const server = await start();
    expect((await iamTokens(server)).scope).toEqual(ALL_SCOPES);
    expect((await iamTokens(server, { scope: [] })).scope).toEqual(ALL_SCOPES);
    expect((await iamTokens(server, { scope: ['sso:account:access', 'openid'] })).scope).toEqual([
      'sso:account:access',
      'openid',
    ]);
    expect((await iamTokens(server, { scope: ['openid', 'openid'] })).scope).toEqual(['openid']);
  });

  it('a scope outside the application: InvalidScopeException', async () => {
    const server = await start();
    for (const scope of [['openid', 'admin:everything'], ['sso:account:access:x']]) {
      refused(await jwtBearer(server, { scope }), 'InvalidScopeException', 'invalid_scope');
    }
  });
});

describe('CreateTokenWithIAM: authorization_code', () => {
  it('a code of /authorize for the application, with PKCE, yields every member', async () => {
    const server = await start();
    const { code, verifier } = appCode(server);
    const reply = await redeemApp(server, code, verifier);
    expect(reply.status, reply.text).toBe(200);
    const t = reply.json;
    expect(t.refreshToken).toBeTruthy();
    expect(t.issuedTokenType).toBe(ACCESS_TOKEN_TYPE);
    expect(t.scope).toEqual(ALL_SCOPES);
    expect(t.awsAdditionalDetails.identityContext).toBeTruthy();
    const claims = decodeJwt(t.idToken);
    expect(claims.aud).toBe(APP);
    expect(claims['sts:identity_context']).toBe(t.awsAdditionalDetails.identityContext);
    expect(reply.headers.get('cache-control')).toBe('no-store');
  });

  it('auth_time is when the user approved', async () => {
    const server = await start();
    const approvedAt = await serverNow(server);
    const { code, verifier } = appCode(server);
    server.advance(120);
    const t = (await redeemApp(server, code, verifier)).json;
    expect(decodeJwt(t.idToken).auth_time).toBe(approvedAt.toISOString().replace('.000Z', 'Z'));
    expect(decodeJwt(t.idToken).iat).toBe(approvedAt.getTime() / 1000 + 120);
  });

  it('the scopes of the authorization request, downscoped further at the token request', async () => {
    const server = await start();
    const a = appCode(server, { scopes: 'openid aws' });
    expect((await redeemApp(server, a.code, a.verifier)).json.scope).toEqual(['openid', 'aws']);
    const b = appCode(server, { scopes: 'openid aws' });
    // Asking for more than the code carries does not consume it.
    refused(
      await redeemApp(server, b.code, b.verifier, { scope: ['sso:account:access'] }),
      'InvalidScopeException',
      'invalid_scope',
    );
    const narrowed = await redeemApp(server, b.code, b.verifier, { scope: ['aws'] });
    expect(narrowed.json.scope).toEqual(['aws']);
  });

  it('the usual checks: verifier, redirect URI, code, single use', async () => {
    const server = await start();
    const { code, verifier } = appCode(server);
    const grant = (r: Awaited<ReturnType<typeof redeemApp>>) =>
      refused(r, 'InvalidGrantException', 'invalid_grant');
    grant(await redeemApp(server, code, 'x'.repeat(43)));
    grant(await redeemApp(server, code, undefined));
    grant(await redeemApp(server, code, verifier, { redirectUri: 'http://127.0.0.1:1/cb' }));
    grant(await redeemApp(server, code, verifier, { redirectUri: undefined }));
    grant(await redeemApp(server, 'unknown-code', verifier));
    refused(
      await redeemApp(server, undefined as unknown as string, verifier),
      'InvalidRequestException',
      'invalid_request',
    );
    const first = await redeemApp(server, code, verifier);
    expect(first.status).toBe(200);
    // Presented again: refused, and the tokens issued for it are revoked.
    grant(await redeemApp(server, code, verifier));
    grant(
      await iam(server, {
        clientId: APP,
        grantType: 'refresh_token',
        refreshToken: first.json.refreshToken,
      }),
    );
  });

  it('codes expire after 600 s, and a registered client’s code is not the application’s', async () => {
    const server = await start();
    const { code, verifier } = appCode(server);
    server.advance(600);
    refused(await redeemApp(server, code, verifier), 'InvalidGrantException', 'invalid_grant');
    const client = await codeClient(server);
    const other = await authorizationCode(server, client);
    refused(
      await redeemApp(server, other.code, other.verifier),
      'InvalidGrantException',
      'invalid_grant',
    );
    // And the application's code is not the client's.
    const mine = appCode(server);
    refused(
      await redeem(server, client, mine.code, mine.verifier),
      'InvalidGrantException',
      'invalid_grant',
    );
  });

  it('/authorize requires PKCE and a registered redirect URI of the application', async () => {
    const server = await start();
    expect(() => appCode(server, { code_challenge: undefined })).toThrow();
    const result = server.authorize(
      `/authorize?response_type=code&client_id=${encodeURIComponent(APP)}&redirect_uri=${encodeURIComponent(APP_REDIRECT)}`,
    );
    expect(result.status).toBe(302);
    expect(new URL(result.location!).searchParams.get('error')).toBe('invalid_request');
    const elsewhere = server.authorize(
      `/authorize?response_type=code&client_id=${encodeURIComponent(APP)}&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/cb')}`,
    );
    expect(elsewhere.status).toBe(400);
  });
});

describe('CreateTokenWithIAM: refresh_token', () => {
  const refreshWith = (
    server: Awaited<ReturnType<typeof start>>,
    refreshToken: string,
    extra = {},
  ) => iam(server, { clientId: APP, grantType: 'refresh_token', refreshToken, ...extra });

  it('rotates; the response has no idToken and no awsAdditionalDetails', async () => {
    const server = await start();
    const t = await iamTokens(server, { scope: ['openid', 'aws'] });
    const reply = await refreshWith(server, t.refreshToken);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.json).sort()).toEqual(
      ['accessToken', 'expiresIn', 'issuedTokenType', 'refreshToken', 'scope', 'tokenType'].sort(),
    );
    expect(reply.json.refreshToken).not.toBe(t.refreshToken);
    expect(reply.json.issuedTokenType).toBe(ACCESS_TOKEN_TYPE);
    expect(reply.json.scope).toEqual(['openid', 'aws']);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    // The retired token replayed: refused, and the family (the new token too) is revoked.
    refused(await refreshWith(server, t.refreshToken), 'InvalidGrantException', 'invalid_grant');
    refused(
      await refreshWith(server, reply.json.refreshToken),
      'InvalidGrantException',
      'invalid_grant',
    );
  });

  it('downscopes within the grant', async () => {
    const server = await start();
    const t = await iamTokens(server, { scope: ['openid', 'aws'] });
    const narrow = await refreshWith(server, t.refreshToken, { scope: ['aws'] });
    expect(narrow.json.scope).toEqual(['aws']);
    // The refresh token keeps the grant's scopes.
    const back = await refreshWith(server, narrow.json.refreshToken);
    expect(back.json.scope).toEqual(['openid', 'aws']);
    refused(
      await refreshWith(server, back.json.refreshToken, { scope: ['sso:account:access'] }),
      'InvalidScopeException',
      'invalid_scope',
    );
    // Not consumed by the refusal.
    expect((await refreshWith(server, back.json.refreshToken)).status).toBe(200);
  });

  it('refuses unknown tokens, CreateToken clients’ tokens, and a missing token', async () => {
    const server = await start();
    refused(await refreshWith(server, 'unknown'), 'InvalidGrantException', 'invalid_grant');
    const { tokens: device } = await tokens(server);
    refused(
      await refreshWith(server, device.refreshToken),
      'InvalidGrantException',
      'invalid_grant',
    );
    refused(
      await iam(server, { clientId: APP, grantType: 'refresh_token' }),
      'InvalidRequestException',
      'invalid_request',
    );
  });
});

describe('CreateTokenWithIAM: token-exchange', () => {
  const exchange = (server: Awaited<ReturnType<typeof start>>, extra: Record<string, unknown>) =>
    iam(server, {
      clientId: APP,
      grantType: TOKEN_EXCHANGE,
      subjectTokenType: ACCESS_TOKEN_TYPE,
      ...extra,
    });

  it('an access token of another client for an access token only', async () => {
    const server = await start();
    const { tokens: device } = await tokens(server);
    const reply = await exchange(server, { subjectToken: device.accessToken });
    expect(reply.status, reply.text).toBe(200);
    expect(Object.keys(reply.json).sort()).toEqual(
      ['accessToken', 'expiresIn', 'issuedTokenType', 'scope', 'tokenType'].sort(),
    );
    expect(reply.json.issuedTokenType).toBe(ACCESS_TOKEN_TYPE);
    expect(reply.json.scope).toEqual(ALL_SCOPES);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    // requestedTokenType access_token explicitly: the same.
    const explicit = await exchange(server, {
      subjectToken: device.accessToken,
      requestedTokenType: ACCESS_TOKEN_TYPE,
    });
    expect(explicit.json.refreshToken).toBeUndefined();
    // The new access token is itself an Identity Center access token.
    expect((await exchange(server, { subjectToken: reply.json.accessToken })).status).toBe(200);
  });

  it('requestedTokenType refresh_token adds a refresh token that works', async () => {
    const server = await start();
    const t = await iamTokens(server);
    const reply = await exchange(server, {
      subjectToken: t.accessToken,
      requestedTokenType: REFRESH_TOKEN_TYPE,
      scope: ['openid'],
    });
    expect(reply.status).toBe(200);
    expect(reply.json.issuedTokenType).toBe(REFRESH_TOKEN_TYPE);
    expect(reply.json.scope).toEqual(['openid']);
    const refreshed = await iam(server, {
      clientId: APP,
      grantType: 'refresh_token',
      refreshToken: reply.json.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.scope).toEqual(['openid']);
  });

  it('refuses unknown, expired and revoked subject tokens (InvalidGrantException)', async () => {
    const server = await start();
    refused(
      await exchange(server, { subjectToken: 'unknown' }),
      'InvalidGrantException',
      'invalid_grant',
    );
    const { client, tokens: device } = await tokens(server);
    // A refresh token is not an access token.
    refused(
      await exchange(server, { subjectToken: device.refreshToken }),
      'InvalidGrantException',
      'invalid_grant',
    );
    // Revoked: replaying a retired refresh token revokes the family's access tokens.
    const rotated = await post(server, '/token', {
      ...client,
      grantType: 'refresh_token',
      refreshToken: device.refreshToken,
    });
    expect(rotated.status).toBe(200);
    await post(server, '/token', {
      ...client,
      grantType: 'refresh_token',
      refreshToken: device.refreshToken,
    });
    refused(
      await exchange(server, { subjectToken: rotated.json.accessToken }),
      'InvalidGrantException',
      'invalid_grant',
    );
    // Expired.
    const fresh = await iamTokens(server);
    server.advance(3600);
    refused(
      await exchange(server, { subjectToken: fresh.accessToken }),
      'InvalidGrantException',
      'invalid_grant',
    );
  });

  it('bad token types and a missing subject token: InvalidRequestException', async () => {
    const server = await start();
    const t = await iamTokens(server);
    for (const extra of [
      { subjectToken: t.accessToken, subjectTokenType: undefined },
      { subjectToken: t.accessToken, subjectTokenType: REFRESH_TOKEN_TYPE },
      { subjectToken: t.accessToken, subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt' },
      {
        subjectToken: t.accessToken,
        requestedTokenType: 'urn:ietf:params:oauth:token-type:id_token',
      },
      { subjectToken: undefined },
    ]) {
      refused(await exchange(server, extra), 'InvalidRequestException', 'invalid_request');
    }
  });
});

describe('CreateTokenWithIAM: the admin route', () => {
  it('POST /__admin/assertion mints an assertion on the server clock', async () => {
    const server = await start();
    const reply = await post(server, '/__admin/assertion', {});
    expect(reply.status).toBe(200);
    expect((await jwtBearer(server, { assertion: reply.json.assertion })).status).toBe(200);
    const expired = await post(server, '/__admin/assertion', { expiresIn: -30, subject: 'x' });
    expect(decodeJwt(expired.json.assertion).sub).toBe('x');
    refused(
      await jwtBearer(server, { assertion: expired.json.assertion }),
      'InvalidGrantException',
      'invalid_grant',
    );
    const foreign = await post(server, '/__admin/assertion', { foreignKey: true });
    refused(
      await jwtBearer(server, { assertion: foreign.json.assertion }),
      'InvalidGrantException',
      'invalid_grant',
    );
  });

  it('bad options are 400; other origins 403; only POST', async () => {
    const server = await start();
    for (const body of [{ expiresIn: 'soon' }, { audience: 1 }, { foreignKey: 1 }]) {
      const reply = await post(server, '/__admin/assertion', body);
      expect(reply.status).toBe(400);
      expect(reply.json.error).toBe('invalid_request');
    }
    expect((await request(server, '/__admin/assertion', { raw: '[]' })).status).toBe(400);
    const cross = await request(server, '/__admin/assertion', {
      body: {},
      headers: { origin: 'https://evil.example' },
    });
    expect(cross.status).toBe(403);
    expect((await request(server, '/__admin/assertion', { method: 'GET' })).status).toBe(405);
  });
});

describe('CreateTokenWithIAM: the other operations are unchanged', () => {
  it('CreateToken ignores SigV4 headers and device polling still works', async () => {
    const server = await start();
    const { client, tokens: t } = await tokens(server);
    expect(t.accessToken).toBeTruthy();
    expect(errorType(await poll(server, client, 'unknown'))).toBe('InvalidGrantException');
  });
});

describe('sigv4.ts parsing', () => {
  it('parseAmzDate takes only the basic ISO form of a real instant', () => {
    expect(parseAmzDate('20240102T030405Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    for (const bad of [
      undefined,
      '',
      '2024-01-02T03:04:05Z',
      '20240230T000000Z',
      '20240102T030405',
      '20240102T250000Z',
      ' 20240102T030405Z',
    ]) {
      expect(parseAmzDate(bad), String(bad)).toBeUndefined();
    }
  });

  it('parseAuthorization reads the three fields, with or without spaces after commas', () => {
    const signature = 'a'.repeat(64);
    const scope = 'AKID/20240102/us-east-1/sso-oauth/aws4_request';
    const expected = {
      accessKeyId: 'AKID',
      date: '20240102',
      region: 'us-east-1',
      service: 'sso-oauth',
      signedHeaders: ['host', 'x-amz-date'],
      signature,
    };
    expect(
      parseAuthorization(
        `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-date, Signature=${signature}`,
      ),
    ).toEqual(expected);
    expect(
      parseAuthorization(
        `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=host;x-amz-date,Signature=${signature}`,
      ),
    ).toEqual(expected);
    for (const bad of [
      `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host`,
      `AWS4-HMAC-SHA256 Credential=AKID/20240102/us-east-1/sso-oauth, SignedHeaders=host, Signature=${signature}`,
      `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=Host, Signature=${signature}`,
      `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host, Signature=${signature.toUpperCase()}`,
      `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host, Signature=${signature}, Extra=1`,
    ]) {
      expect(parseAuthorization(bad), bad).toBeUndefined();
    }
  });
});
