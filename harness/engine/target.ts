import {
  RegionPartition,
  startReferenceServer,
  type RunningReferenceServer,
} from '../../reference/server.ts';
import {
  REFERENCE_APPLICATION_ARN,
  REFERENCE_APPLICATION_REDIRECT_URIS,
  REFERENCE_IAM_CREDENTIALS,
  REFERENCE_IAM_REGION,
} from '../../reference/iam-config.ts';
import { FAULTS, isFaultName, type FaultName } from '../../reference/faults.ts';
import { PERSONAS } from '../../reference/personas.ts';
import { OAUTH_PATHS } from '../../reference/oauth/metadata.ts';
import type { OauthEndpoints } from '../oauth/discovery.ts';
import { RealClock, VirtualClock, type Clock } from './clock.ts';
import type { Approver } from '../approvers/approver.ts';
import { InProcessReferenceApprover, AdminRouteApprover } from '../approvers/reference.ts';
import { ExecApprover } from '../approvers/exec.ts';
import { withoutPassword } from '../http/url-password.ts';
import { ManualApprover } from '../approvers/manual.ts';
import { ConfigError, type Config } from './config.ts';
import { Redactor } from '../http/redact.ts';
import {
  embeddedIam,
  remoteIam,
  type IamAvailability,
  type OtherRegion,
  type ReferenceIam,
} from '../aws/iam.ts';

/** The reference server's IAM side: the embedded server's, and a served one's defaults. */
export const REFERENCE_IAM: ReferenceIam = {
  applicationArn: REFERENCE_APPLICATION_ARN,
  region: REFERENCE_IAM_REGION,
  redirectUri: REFERENCE_APPLICATION_REDIRECT_URIS[0]!,
  credentials: REFERENCE_IAM_CREDENTIALS,
};
import { otherRegion as anotherRegion } from '../aws/sigv4.ts';

/** What one test talks to: a base URL, the clock that governs it, and who approves. */
export interface TargetSession {
  baseUrl: string;
  /** The plain OAuth endpoints (profile rfc8628) when the target knows them in advance. */
  oauthEndpoints?: OauthEndpoints;
  clock: Clock;
  approver?: Approver;
  /** CreateTokenWithIAM: the application, credentials and assertions, or why there are none. */
  iam: IamAvailability;
  close(): Promise<void>;
}

export interface Target {
  kind: 'embedded' | 'remote';
  /** For reports: the URL, or a description of the embedded server. */
  url: string;
  clockKind: 'virtual' | 'real';
  approverName: string;
  faults: string[];
  openSession(): Promise<TargetSession>;
  close(): Promise<void>;
}

export function checkFaultNames(names: string[]): FaultName[] {
  const unknown = names.filter((n) => !isFaultName(n));
  if (unknown.length > 0)
    throw new ConfigError(
      `unknown fault ${unknown.join(', ')}; known faults: ${Object.keys(FAULTS).join(', ')}`,
    );
  return names as FaultName[];
}

/**
 * The embedded reference server: one in-process instance per test, so that a test that jumps
 * its virtual clock 600 s ahead never expires another test's authorization. The approver is the
 * configured one: `reference` (the default) decides in-process; `exec` runs the command with
 * SSOC_TARGET set to the test's own instance, whose admin routes it may call; `none` skips
 * (resolveConfig refuses `manual` here: nobody could reach the instance).
 */
export function embeddedTarget(config: Config, redactor: Redactor = new Redactor()): Target {
  // --like: the persona's faults are part of what the report says the target had.
  const faults = [
    ...new Set([
      ...(config.like ? PERSONAS[config.like].faults : []),
      ...checkFaultNames(config.faults),
    ]),
  ];
  const approverFor = approverFactory(config, redactor);
  const open = new Set<RunningReferenceServer>();
  return {
    kind: 'embedded',
    url: 'embedded reference server (one loopback instance per test)',
    clockKind: 'virtual',
    approverName: config.approver,
    faults,
    async openSession() {
      const partition = new RegionPartition();
      const server = await startReferenceServer({
        faults,
        like: config.like,
        interval: config.interval,
        expiresIn: config.expiresIn,
        slowDown: config.slowDown,
        virtualClock: true,
        partition,
      });
      open.add(server);
      // AWS-IAM-REGION: a conformant server of a second region, started when a test asks,
      // on the real clock (requests to it are signed at the real time).
      let away: Promise<OtherRegion> | undefined;
      let second: RunningReferenceServer | undefined;
      const otherRegion = () =>
        (away ??= (async () => {
          const region = anotherRegion(REFERENCE_IAM_REGION);
          const started = await startReferenceServer({
            partition,
            iam: { region },
            virtualClock: false,
          });
          second = started;
          open.add(started);
          const iam = embeddedIam(
            started.url,
            (o) => started.mintAssertion(o),
            REFERENCE_IAM,
            undefined,
            region,
          );
          if (!('iam' in iam)) throw new Error('the second region has no IAM side');
          return { baseUrl: started.url, iam: iam.iam };
        })());
      return {
        baseUrl: server.url,
        // The plain OAuth front end of the same server (reference/oauth/), known in advance:
        // its metadata is judged by the metadata tests, not read before every test.
        oauthEndpoints: {
          deviceAuthorizationEndpoint: server.url + OAUTH_PATHS.deviceAuthorization,
          tokenEndpoint: server.url + OAUTH_PATHS.token,
          registrationEndpoint: server.url + OAUTH_PATHS.registration,
        },
        clock: new VirtualClock(
          (s) => server.advance(s),
          () => server.nowMs(),
        ),
        approver:
          config.approver === 'reference'
            ? new InProcessReferenceApprover(server)
            : approverFor(server.url),
        iam: embeddedIam(
          server.url,
          (opts) => server.mintAssertion(opts),
          REFERENCE_IAM,
          otherRegion,
        ),
        async close() {
          open.delete(server);
          await server.close();
          await away?.catch(() => undefined);
          if (second) {
            open.delete(second);
            await second.close();
          }
        },
      };
    },
    async close() {
      await Promise.all([...open].map((s) => s.close()));
    },
  };
}

/** Any server of the AWS profile, in real time. */
export function remoteTarget(config: Config, redactor: Redactor): Target {
  const baseUrl = config.target!;
  // A password in the URL (user:password@host) is hidden by the runner's redactor (every URL
  // setting's is) and left out of the target the reports name.
  const approver = approverFactory(config, redactor)(baseUrl);
  const iam = remoteIam(config, process.env, redactor, REFERENCE_IAM);
  const clock = new RealClock();
  return {
    kind: 'remote',
    url: withoutPassword(baseUrl),
    clockKind: 'real',
    approverName: config.approver,
    faults: [],
    async openSession() {
      return { baseUrl, clock, approver, iam, async close() {} };
    },
    async close() {},
  };
}

/**
 * The configured approver for a base URL. Settings problems (the manual approver without a
 * terminal) are thrown here, when the target is made, before any request is sent.
 */
function approverFactory(
  config: Config,
  redactor: Redactor,
): (baseUrl: string) => Approver | undefined {
  const timeoutMs = config.approverTimeout * 1000;
  switch (config.approver) {
    case 'none':
      return () => undefined;
    case 'reference':
      return (baseUrl) => new AdminRouteApprover(baseUrl, timeoutMs);
    case 'exec':
      return (baseUrl) =>
        new ExecApprover(config.approverCommand!, baseUrl, timeoutMs, (t) => redactor.text(t));
    case 'manual': {
      let manual: ManualApprover;
      try {
        manual = new ManualApprover(timeoutMs);
      } catch (e) {
        throw new ConfigError(`--approver manual: ${(e as Error).message}`);
      }
      // One person, one prompt at a time, whatever the session.
      return () => manual;
    }
  }
}
