import { expect, it } from 'vitest';
import { describeRun, runEmbedded } from './run-embedded.ts';

/**
 * rfc8628 with --client-auth none against a server that registers its clients with a secret
 * anyway, as the reference does (RFC 7591 §3.2.1 lets it register client_secret_basic where
 * none was asked, and return the method it chose). The client then authenticates as the server
 * registered it: with none, every request of a conformant server's flow was refused
 * (invalid_client) and 61 of 171 tests failed. The wrong-secret tests are judged, since the client
 * now has a secret it sends.
 */
it('--client-auth none against a server that registers client_secret_basic: all pass', async () => {
  const run = await runEmbedded({
    profile: 'rfc8628',
    clientAuth: 'none',
    grep: 'CLIENT-AUTH|^DA-3\\.2-|ROTATE|REUSE',
    numRuns: 2,
  });
  const wrongSecret = run.tests.filter((t) => /CLIENT-AUTH/.test(t.id));
  expect(wrongSecret.map((t) => t.slug).sort()).toEqual([
    'DA-3.4-CLIENT-AUTH/another-clients-secret',
    'DA-3.4-CLIENT-AUTH/secret-left-out',
    'DA-3.4-CLIENT-AUTH/secret-upper-cased',
    'DA-3.4-CLIENT-AUTH/wrong-secret',
    'DA-3.4-CLIENT-AUTH/wrong-secret-after-approval',
    'DA-3.4-CLIENT-AUTH/wrong-secret-later-poll',
    'OA-6-CLIENT-AUTH',
    'OA-6-CLIENT-AUTH/secret-left-out',
  ]);
  // The IAM tests of the grep are AWS's: not run under rfc8628.
  const judged = run.tests.filter((t) => !/^AWS-only/.test(t.reason ?? ''));
  expect(judged.length).toBeGreaterThan(wrongSecret.length);
  expect(
    judged.every((t) => t.verdict === 'passed'),
    describeRun(run),
  ).toBe(true);
}, 60_000);
