import type {
  AuthorizationCheck,
  AuthorizationEnd,
  AuthorizationRequest,
  AuthorizeDecision,
} from './authorization.ts';
import type { ServerClock } from './clock.ts';
import type { Outcome } from './errors.ts';
import { actsInIam } from './faults.ts';
import type {
  CreateTokenInput,
  RegisterClientInput,
  StartDeviceAuthorizationInput,
} from './requests.ts';
import * as authorizationCode from './state/authorization-code.ts';
import { createToken } from './state/create-token.ts';
import * as deviceFlow from './state/device-flow.ts';
import * as iamGrants from './state/iam-grants.ts';
import { registerClient } from './state/registration.ts';
import {
  Store,
  type IamApplication,
  type IamIssued,
  type IssuedTokens,
  type RegisteredClient,
  type StartedAuthorization,
  type StateConfig,
  type StateContext,
  type UserCodeInfo,
} from './state/store.ts';

/**
 * The protocol logic of the reference server over in-memory state: registered clients,
 * device authorizations, authorization codes, consents and token families. No HTTP here;
 * every operation returns a success value or a typed protocol error (or, for /authorize, a
 * redirect or a refusal), and reads time only from the injected clock.
 *
 * This class is a facade over one `Store` and the areas in state/ (registration,
 * device-flow, tokens, authorization-code, iam-grants): it chooses which faults act in each
 * call and passes them in a `StateContext`.
 */

export type {
  IamApplication,
  IamIssued,
  IssuedTokens,
  RegisteredClient,
  StartedAuthorization,
  StateConfig,
  UserCodeInfo,
} from './state/store.ts';
/** Kept here for test/reference/server.test.ts. */
export { redirectUriProblem } from './state/registration.ts';

export class ReferenceState {
  /** Every configured fault acts: all operations but CreateTokenWithIAM's grants. */
  private readonly ctx: StateContext;
  /** Inside CreateTokenWithIAM's grants only the faults that act there (`actsInIam`). */
  private readonly iam: StateContext;

  constructor(config: StateConfig, clock: ServerClock) {
    const store = new Store();
    this.ctx = { store, faults: config.faults, config, clock };
    this.iam = { ...this.ctx, faults: new Set([...config.faults].filter(actsInIam)) };
  }

  registerClient(input: RegisterClientInput): Outcome<RegisteredClient> {
    return registerClient(this.ctx, input);
  }

  startDeviceAuthorization(input: StartDeviceAuthorizationInput): Outcome<StartedAuthorization> {
    return deviceFlow.startDeviceAuthorization(this.ctx, input);
  }

  /** The end-user step (admin routes, verification page): false when not decidable. */
  approve(userCode: string): boolean {
    return deviceFlow.approve(this.ctx, userCode);
  }

  deny(userCode: string): boolean {
    return this.offersDenial() && deviceFlow.deny(this.ctx, userCode);
  }

  /** Whether the end user can deny at all (not under the `no-denial` variation). */
  offersDenial(): boolean {
    return !this.ctx.faults.has('no-denial');
  }

  describeUserCode(userCode: string): UserCodeInfo | undefined {
    return deviceFlow.describeUserCode(this.ctx, userCode);
  }

  createToken(input: CreateTokenInput): Outcome<IssuedTokens> {
    return createToken(this.ctx, input);
  }

  checkAuthorization(query: URLSearchParams): AuthorizationCheck {
    return authorizationCode.checkAuthorization(this.ctx, query);
  }

  beginConsent(request: AuthorizationRequest): string {
    return authorizationCode.beginConsent(this.ctx, request);
  }

  completeConsent(token: string, decision: AuthorizeDecision): AuthorizationEnd {
    return authorizationCode.completeConsent(this.ctx, token, decision);
  }

  decide(request: AuthorizationRequest, decision: AuthorizeDecision): AuthorizationEnd {
    return authorizationCode.decide(this.ctx, request, decision);
  }

  registerApplication(app: IamApplication): void {
    iamGrants.registerApplication(this.ctx, app);
  }

  iamAuthorizationCode(
    input: { code?: string; redirectUri?: string; codeVerifier?: string },
    scope: readonly string[] | undefined,
  ): Outcome<IamIssued> {
    return iamGrants.iamAuthorizationCode(this.iam, input, scope);
  }

  iamRefresh(
    refreshToken: string | undefined,
    scope: readonly string[] | undefined,
  ): Outcome<IamIssued> {
    return iamGrants.iamRefresh(this.iam, refreshToken, scope);
  }

  iamAssertion(userId: string, scope: readonly string[] | undefined): Outcome<IamIssued> {
    return iamGrants.iamAssertion(this.iam, userId, scope);
  }

  iamTokenExchange(
    input: { subjectToken?: string; subjectTokenType?: string; requestedTokenType?: string },
    scope: readonly string[] | undefined,
  ): Outcome<IamIssued> {
    return iamGrants.iamTokenExchange(this.iam, input, scope);
  }
}
