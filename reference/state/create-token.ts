import { fail, type Outcome } from '../errors.ts';
import {
  AUTHORIZATION_CODE_GRANT,
  DEVICE_CODE_GRANT,
  REFRESH_TOKEN_GRANT,
  type CreateTokenInput,
} from '../requests.ts';
import { redeemAuthorizationCode } from './authorization-code.ts';
import { redeemDeviceCode } from './device-flow.ts';
import { authenticate } from './registration.ts';
import type { IssuedTokens, StateContext } from './store.ts';
import { refresh } from './tokens.ts';

/** CreateToken: authenticates the client, then hands the request to its grant's area. */
export function createToken(ctx: StateContext, input: CreateTokenInput): Outcome<IssuedTokens> {
  // secret-checked-once: once a device code has been polled, its polls skip the secret.
  const code = ctx.store.byDeviceCode.get(input.deviceCode ?? '');
  const polled = (code?.polls ?? 0) > 0;
  const skipSecret =
    (ctx.faults.has('secret-checked-once') && input.grantType === DEVICE_CODE_GRANT && polled) ||
    // approved-code-before-auth: an approved code's tokens go out before the client is checked.
    (ctx.faults.has('approved-code-before-auth') &&
      input.grantType === DEVICE_CODE_GRANT &&
      code?.status === 'approved') ||
    ((ctx.faults.has('refresh-secret-not-checked') || ctx.faults.has('refresh-bearer-only')) &&
      input.grantType === REFRESH_TOKEN_GRANT) ||
    // refresh-secret-optional: a refresh without a secret is taken for a public client's.
    (ctx.faults.has('refresh-secret-optional') &&
      input.grantType === REFRESH_TOKEN_GRANT &&
      input.clientSecret === '');
  const secret = skipSecret
    ? (ctx.store.clients.get(input.clientId ?? '')?.clientSecret ?? input.clientSecret)
    : input.clientSecret;
  // client-from-device-code: the client a poll without clientId is taken to be.
  const clientId =
    input.clientId ?? ctx.store.byDeviceCode.get(input.deviceCode ?? '')?.clientId ?? '';
  const auth = authenticate(ctx, clientId, secret, 'CreateToken');
  if (!auth.ok) return auth;
  const client = auth.value;
  // `scope` is ignored (AWS documents that it has no effect), but for refresh-widens-scope.
  switch (input.grantType) {
    case DEVICE_CODE_GRANT:
      if (ctx.faults.has('device-grant-unsupported')) {
        return fail('UnsupportedGrantTypeException', 'Unsupported grant type');
      }
      return redeemDeviceCode(ctx, client, input.deviceCode);
    case REFRESH_TOKEN_GRANT:
      return refresh(ctx, client, input.refreshToken, input.scope);
    case AUTHORIZATION_CODE_GRANT:
      return redeemAuthorizationCode(ctx, client, input);
    default:
      // password-grant-offered: the resource owner password grant exists and asks for its
      // parameters, as a server offering it does (RFC 6749 §4.3.2).
      if (input.grantType === 'password' && ctx.faults.has('password-grant-offered')) {
        return fail('InvalidRequestException', 'username and password are required');
      }
      if (ctx.faults.has('unknown-grant-invalid-request')) {
        return fail('InvalidRequestException', 'Invalid grant type');
      }
      return fail('UnsupportedGrantTypeException', 'Unsupported grant type');
  }
}
