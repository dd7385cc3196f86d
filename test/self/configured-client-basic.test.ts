import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/engine/config.ts';
import { runConformance } from '../../harness/engine/runner.ts';
import type { TestResult } from '../../harness/engine/results.ts';
import { startReferenceServer, type RunningReferenceServer } from '../../reference/server.ts';
import '../../suites/index.ts';

/**
 * OA-2.3.1-BASIC with a configured client, where the run cannot register one (no registration
 * endpoint given): a client the run says uses HTTP Basic must be able to (RFC 6749 §2.3.1, MUST);
 * one it says uses client_secret_post may be held to that method (RFC 7591 §2; Ory Hydra and
 * Authelia do), so a refusal of Basic is a SHOULD. Against a served reference, with the client
 * registered beforehand as a user would, and the fault oauth-basic-refused for a server that
 * holds every client to client_secret_post.
 */
async function registeredClient(server: RunningReferenceServer, method: string) {
  const reply = await fetch(`${server.url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'configured', token_endpoint_auth_method: method }),
  });
  const body = (await reply.json()) as { client_id: string; client_secret: string };
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

async function basicVerdict(
  server: RunningReferenceServer,
  clientAuth: 'client_secret_basic' | 'client_secret_post',
): Promise<TestResult> {
  const client = await registeredClient(server, clientAuth);
  const run = await runConformance(
    resolveConfig({
      flags: {
        profile: 'rfc8628',
        issuer: server.url,
        deviceAuthorizationEndpoint: `${server.url}/oauth/device_authorization`,
        tokenEndpoint: `${server.url}/oauth/token`,
        clientId: client.clientId,
        clientAuth,
        grep: '^OA-2\\.3\\.1-BASIC ',
        reports: '/dev/null',
      },
      env: { clientSecret: client.clientSecret },
    }),
  );
  expect(run.tests).toHaveLength(1);
  return run.tests[0]!;
}

describe('OA-2.3.1-BASIC with a configured client (no registration)', () => {
  let conformant: RunningReferenceServer;
  let postOnly: RunningReferenceServer;
  beforeAll(async () => {
    conformant = await startReferenceServer({ virtualClock: false });
    postOnly = await startReferenceServer({ virtualClock: false, faults: ['oauth-basic-refused'] });
  });
  afterAll(async () => {
    await conformant?.close();
    await postOnly?.close();
  });

  it('passes where the server takes Basic, whichever method the run declares', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
      const result = await basicVerdict(conformant, method);
      expect(result.verdict, `${method}: ${result.reason}`).toBe('passed');
    }
  }, 30_000);

  it.each([
    ['client_secret_basic', 'failed', 'MUST'],
    ['client_secret_post', 'warning', 'SHOULD'],
  ] as const)(
    'where a client the run declares %s is refused Basic: %s (%s)',
    async (method, verdict, level) => {
      const result = await basicVerdict(postOnly, method);
      expect(result.verdict).toBe(verdict);
      const check = result.checks.find((c) => c.requirement === 'OA-2.3.1-BASIC' && !c.ok)!;
      expect(check.level).toBe(level);
      expect(check.description).toContain(`the client is for ${method}`);
    },
    30_000,
  );
});
