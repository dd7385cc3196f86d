/**
 * The API of the property-based suites (fast-check): request schemas and their arbitraries,
 * mutations, the bounded property runner, and the device-flow model. Suites import only
 * harness/api/ (test/layers.test.ts).
 */
export { awsRequestSchema, type AwsOperation } from '../aws/schemas.ts';
export type { AwsProfile, AwsSendOptions } from '../profiles/aws.ts';
export type { Profile } from '../profiles/profile.ts';
export { arbitraryFromSchema, type SchemaLike } from '../fuzz/schema-arbitrary.ts';
export { mutationArbitrary, type MutatedRequest } from '../fuzz/mutations.ts';
export { endStopped, RateLimited, runProperty, type PropertyRun } from '../fuzz/property.ts';
export {
  flowCommands,
  initialModel,
  ModelViolation,
  Poller,
  type FlowReal,
} from '../fuzz/device-flow-model.ts';
export { TransportError } from '../http/transport-error.ts';
