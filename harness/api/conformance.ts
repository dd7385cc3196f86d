/**
 * The API suites import: define tests tagged with requirement IDs, use fixtures and checks.
 * A suite file imports only this module.
 */
export { defineSuite, type TestMeta } from './registry.ts';
export { FIXTURE_REGISTRATION, TestContext, UNSUPPORTED_PKCE_METHOD } from './context.ts';
export type { Level } from './levels.ts';
export {
  expectErrorCode,
  expectStatus,
  expectSuccess,
  expectNoSuccess,
  member,
  reportVendorCode,
} from './checks.ts';
export { describeOutcome, show } from './describe.ts';
export {
  DEVICE_CODE_GRANT,
  JWT_BEARER_GRANT,
  TOKEN_EXCHANGE_GRANT,
  ACCESS_TOKEN_TYPE,
} from '../profiles/profile.ts';
export type {
  ClientRegistration,
  CreateTokenWithIAMParams,
  DeviceAuthorization,
  IamTokenSet,
  Outcome,
  TokenSet,
} from '../profiles/profile.ts';
export type { IamFixture } from './context.ts';
export { jwtClaims, type AssertionOptions } from '../aws/iam.ts';
export { otherRegion, type SigningFault } from '../aws/sigv4.ts';
export { sanitizeErrorType, AWS_OPERATION_FOR } from '../profiles/aws.ts';
export { AWS_ERROR_SHAPES, AWS_OPERATIONS, awsShapeForErrorCode } from '../aws/schemas.ts';
export { DEFAULT_INTERVAL, pollMargin } from '../engine/poller.ts';
export { CLOCK_SKEW_TOLERANCE } from '../engine/clock.ts';
export { newCodeVerifier, s256Challenge } from '../oauth/pkce.ts';
export { frontEndError, isFrontEndError, AWS_FRONT_END_ERRORS } from '../aws/aws-common-errors.ts';
export { analyzeDeviceCodes, analyzeUserCodes } from '../analysis/code-analysis.ts';
export { analyzeTokens, jwsExpiry, TOKEN_MIN_BITS } from '../analysis/token-analysis.ts';
export { carriesUserCode, normaliseUserCode } from '../oauth/verification-uri.ts';
export {
  judgeDeviceMetadata,
  judgeIssuer,
  judgeMetadataAnswer,
  judgeSchemes,
  judgeTokenEndpoint,
  type MetadataJudgement,
} from '../oauth/metadata-checks.ts';
export type { Exchange } from '../http/exchange.ts';
