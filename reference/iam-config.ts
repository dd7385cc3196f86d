/**
 * The IAM side of the reference server (CreateTokenWithIAM): one region, one set of test
 * credentials, one application and one trusted token issuer. The harness uses the same values
 * against the embedded server; they are test values, never real AWS credentials.
 */
export const REFERENCE_IAM_REGION = 'us-east-1';

/** Typed as credentials (not literals), so that `{ ...REFERENCE_IAM_CREDENTIALS, secretAccessKey }` works. */
export const REFERENCE_IAM_CREDENTIALS: {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
} = {
  accessKeyId: 'AKIDSSOOIDCCONFORMANCE',
  secretAccessKey: 'sso-oidc-conformance-test-secret-access-key',
};

export const REFERENCE_APPLICATION_ARN =
  'arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-1111111111111111';

/** Scopes configured for the application; omitting scope grants all of them. */
export const REFERENCE_APPLICATION_SCOPES = [
  'openid',
  'aws',
  'sts:identity_context',
  'sso:account:access',
  'codewhisperer:completions',
] as const;

/** Redirect URIs of the application (its authorization code grant). */
export const REFERENCE_APPLICATION_REDIRECT_URIS = [
  'http://127.0.0.1:53682/oauth/callback',
] as const;

export const REFERENCE_TRUSTED_ISSUER = 'https://issuer.reference.invalid';
