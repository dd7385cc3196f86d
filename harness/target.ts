import { startReferenceServer, type RunningReferenceServer } from '../reference/server.ts';
import { FAULTS, isFaultName, type FaultName } from '../reference/faults.ts';
import { RealClock, VirtualClock, type Clock } from './clock.ts';
import type { Approver } from './approvers/approver.ts';
import { InProcessReferenceApprover, AdminRouteApprover } from './approvers/reference.ts';
import { ExecApprover } from './approvers/exec.ts';
import { ManualApprover } from './approvers/manual.ts';
import { ConfigError, type Config } from './config.ts';
import type { Redactor } from './redact.ts';

/** What one test talks to: a base URL, the clock that governs it, and who approves. */
export interface TargetSession {
  baseUrl: string;
  clock: Clock;
  approver?: Approver;
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
 * its virtual clock 600 s ahead never expires another test's authorization.
 */
export function embeddedTarget(config: Config): Target {
  const faults = checkFaultNames(config.faults);
  const open = new Set<RunningReferenceServer>();
  return {
    kind: 'embedded',
    url: 'embedded reference server (one loopback instance per test)',
    clockKind: 'virtual',
    approverName: 'reference',
    faults,
    async openSession() {
      const server = await startReferenceServer({
        faults,
        interval: config.interval,
        expiresIn: config.expiresIn,
        slowDown: config.slowDown,
        virtualClock: true,
      });
      open.add(server);
      return {
        baseUrl: server.url,
        clock: new VirtualClock((s) => server.advance(s)),
        approver: new InProcessReferenceApprover(server),
        async close() {
          open.delete(server);
          await server.close();
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
  const approver = makeRemoteApprover(config, baseUrl, redactor);
  const clock = new RealClock();
  return {
    kind: 'remote',
    url: baseUrl,
    clockKind: 'real',
    approverName: config.approver,
    faults: [],
    async openSession() {
      return { baseUrl, clock, approver, async close() {} };
    },
    async close() {},
  };
}

function makeRemoteApprover(
  config: Config,
  baseUrl: string,
  redactor: Redactor,
): Approver | undefined {
  const timeoutMs = config.approverTimeout * 1000;
  switch (config.approver) {
    case 'none':
      return undefined;
    case 'reference':
      return new AdminRouteApprover(baseUrl, timeoutMs);
    case 'exec':
      return new ExecApprover(config.approverCommand!, baseUrl, timeoutMs, (t) => redactor.text(t));
    case 'manual':
      try {
        return new ManualApprover(timeoutMs);
      } catch (e) {
        throw new ConfigError((e as Error).message);
      }
  }
}
