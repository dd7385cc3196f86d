/** Every suite, in report order. A suite registers its tests when imported. */
import './register-client.ts';
import './start-device-authorization.ts';
import './create-token-device.ts';
import './polling.ts';
import './expiry-and-denial.ts';
import './code-quality.ts';
import './token-quality.ts';
import './refresh-token.ts';
import './authorization-code.ts';
import './create-token-with-iam.ts';
import './registration-lifecycle.ts';
import './user-code-entry.ts';
import './fuzz-requests.ts';
import './model-device-flow.ts';
import './aws-wire.ts';
import './metadata.ts';
import './oauth-wire.ts';
