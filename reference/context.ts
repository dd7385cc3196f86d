import type { ServerClock, VirtualClock } from './clock.ts';
import type { FaultSet } from './faults.ts';
import type { IamContext } from './iam.ts';
import type { RegionPartition } from './region-partition.ts';
import type { ReferenceState } from './state.ts';

/** What the HTTP layer of one running reference server needs. */
export interface ServerContext {
  state: ReferenceState;
  faults: FaultSet;
  clock: ServerClock;
  /** Present when the server runs on virtual time. */
  virtualClock?: VirtualClock;
  /** Base URL without trailing slash; set once the server listens. */
  url: string;
  /** Verification URI handed to clients (the `{url}` placeholder already substituted). */
  verificationUri: string;
  log: (line: string) => void;
  /** CreateTokenWithIAM: region, credentials, application, trusted issuer, keys. */
  iam: IamContext;
  /** The regions this server shares tokens' provenance with (AWS-IAM-REGION), if any. */
  partition?: RegionPartition;
}
