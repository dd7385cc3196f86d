import { TestContext, type ContextServices } from '../../harness/api/context.ts';
import type { Approver, Decision } from '../../harness/approvers/approver.ts';
import { VirtualClock } from '../../harness/engine/clock.ts';
import { resolveConfig, type ConfigInput } from '../../harness/engine/config.ts';
import { ExchangeLog } from '../../harness/http/exchange.ts';
import type {
  DeviceAuthorization,
  OperationName,
  Outcome,
  Profile,
} from '../../harness/profiles/profile.ts';

/** What a fake approver was asked: the decision and the authorization as it was handed over. */
export interface AskedDecision {
  decision: Decision;
  auth: DeviceAuthorization;
}

/** An approver that records what it is asked and answers with `answer` (default: done). */
export function recordingApprover(answer: (asked: AskedDecision) => void = () => {}): Approver & {
  asked: AskedDecision[];
} {
  const asked: AskedDecision[] = [];
  return {
    name: 'fake',
    asked,
    async decide(decision, auth) {
      asked.push({ decision, auth });
      answer({ decision, auth });
    },
  };
}

/** A profile that must not be called: the fixture under test sends no request. */
export const silentProfile: Profile = {
  name: 'aws',
  sendsSecret: (client) => client.clientSecret !== undefined,
  learnSecrets: () => {},
  wireName: (member) => member,
  registerClient: () => Promise.reject(new Error('registerClient was not expected')),
  startDeviceAuthorization: () =>
    Promise.reject(new Error('startDeviceAuthorization was not expected')),
  createToken: () => Promise.reject(new Error('createToken was not expected')),
};

/** A TestContext on fakes: no server, a virtual clock, the default configuration. */
export function fakeContext(
  over: Partial<ContextServices> = {},
  configInput: ConfigInput = {},
): TestContext {
  return new TestContext({
    config: resolveConfig({ flags: configInput }),
    profile: silentProfile,
    clock: new VirtualClock(() => {}),
    signal: new AbortController().signal,
    log: new ExchangeLog(),
    level: 'MUST',
    quietProfile: () => {
      throw new Error('quietProfile was not expected');
    },
    observed: () => [],
    ...over,
  });
}

export const AUTH: DeviceAuthorization = {
  deviceCode: 'device-code',
  userCode: 'ABCD-EFGH',
  verificationUri: 'https://device.example/',
  verificationUriComplete: 'https://device.example/?user_code=ABCD-EFGH',
  expiresIn: 600,
  interval: 5,
};

/** An answer as a profile returns it, without a real exchange. */
export function okOutcome<T>(op: OperationName, value: T): Outcome<T> {
  return {
    op,
    kind: 'ok',
    status: 200,
    headers: {},
    body: value,
    value,
    schemaErrors: [],
    exchange: {
      seq: 0,
      startedAt: '',
      durationMs: 0,
      request: { method: 'POST', url: '', headers: {} },
    },
  };
}

/** A profile that starts every device authorization as AUTH and sends nothing else. */
export const startingProfile: Profile = {
  ...silentProfile,
  startDeviceAuthorization: async () => okOutcome('startDeviceAuthorization', AUTH),
};
