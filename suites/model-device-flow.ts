import type fc from 'fast-check';
import { defineSuite, describeOutcome, type TestContext } from '../harness/api/conformance.ts';
import {
  flowCommands,
  initialModel,
  ModelViolation,
  Poller,
  type FlowReal,
} from '../harness/api/properties.ts';
import type { Profile } from '../harness/api/properties.ts';
import { endStopped, RateLimited, runProperty } from '../harness/api/properties.ts';
import { TransportError } from '../harness/api/properties.ts';

const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Model-based testing of the device flow (fast-check commands): random sequences of polls,
 * waits, approvals, denials, polls by another client, refreshes and refresh replays, each
 * answer checked against a model of RFC 8628, RFC 6749 §6 and RFC 9700 §4.14.2.
 */
const suite = defineSuite(
  'model-device-flow',
  'The device flow as a state machine (fast-check commands)',
);

/** Requests one sequence may send at most: a start and one per command. */
const PER_RUN = 12;

suite.test(
  {
    id: 'DA-3.5-STATE-MACHINE',
    title:
      'every sequence of flow actions gets only the answers the RFCs allow in the state reached',
    level: 'MUST',
    also: [
      'DA-3.5-PENDING',
      'DA-3.5-SUCCESS',
      'DA-3.5-DENIED',
      'DA-3.5-EXPIRED',
      'DA-5.2-DC-SINGLE-USE',
      'DA-3.4-CROSS-CLIENT',
      'OA-6-REFRESH',
      'BCP-4.14.2-ROTATE',
      'BCP-4.14.2-REUSE-REVOKE',
    ],
    needs: { approver: true, wait: 'interval' },
  },
  async (t) => {
    t.needsApprover();
    // Its sequences refresh: no other test may approve on this registration (sessionClient).
    const client = await t.sessionClient();
    const other = await t.newClient();
    let sent = 0;
    const quiet = t.quietProfile(() => void sent++);
    const virtual = t.clock.kind === 'virtual';
    // Real time: a few short sequences, so the run's wall time stays near its longest wait.
    const numRuns = virtual ? t.config.numRuns : Math.min(t.config.numRuns, 2);
    const maxCommands = virtual ? 10 : 5;
    const probe = await t.authorization(client);
    const commands = flowCommands({
      interval: probe.auth.interval ?? 5,
      expiresIn: probe.auth.expiresIn,
      virtual,
      approver: t.hasApprover,
      approverUsesPage: t.approverUsesPage,
      maxCommands,
    });

    /** One sequence against a fresh authorization, through `profile`. */
    const play = async (
      profile: Profile,
      cmds: Iterable<fc.AsyncCommand<any, FlowReal, false>>,
    ) => {
      const start = await profile.startDeviceAuthorization({ client, startUrl: t.config.startUrl });
      if (start.status === 429)
        throw new RateLimited('rate-limited: HTTP 429 to StartDeviceAuthorization, no verdict');
      if (!start.value)
        throw new ModelViolation(
          'DA-3.2-REQ-FIELDS',
          'a device authorization',
          describeOutcome(start),
          start,
        );
      const auth = start.value;
      // Its waits between polls show in the live progress of a real-time run, as the fixtures'.
      const poller = new Poller(profile, t.clock, t.signal, undefined, t.waits);
      poller.state(auth).lastResponseAt = t.clock.monotonic();
      const real: FlowReal = {
        profile,
        poller,
        clock: t.clock,
        signal: t.signal,
        client,
        other,
        auth,
        decide: (d) => t.attemptDecision(d, auth),
      };
      const model = initialModel(auth);
      for (const cmd of cmds) if (await cmd.check(model)) await cmd.run(model, real);
    };

    const run = await runProperty(
      commands,
      async (cmds) => {
        await play(quiet, cmds);
        return true;
      },
      {
        seed: t.config.seed + 200,
        numRuns,
        // A sequence starts only if its worst case fits in what is left.
        budgetLeft: () => t.config.requestBudget - sent - PER_RUN + 1,
        // A model violation is a counterexample; anything else thrown (the transport failed,
        // a rate limit) stops the property without a verdict.
        isVerdict: (e) => e instanceof ModelViolation,
      },
    );
    if (run.counterexample) {
      const cmds = run.counterexample;
      const steps = [...cmds].map(String).join(' → ');
      // Replay the shrunk sequence through the recorded profile, for its exchanges and curl;
      // not once the transport failed: a failing target gets no more traffic.
      let violation: ModelViolation | undefined;
      let replayTrouble: unknown;
      if (run.stopped === undefined) {
        try {
          await play(t.profile, cmds);
        } catch (e) {
          if (e instanceof ModelViolation) violation = e;
          else if (e instanceof TransportError || e instanceof RateLimited) replayTrouble = e;
          else throw e;
        }
      }
      const first = run.errorInstance instanceof ModelViolation ? run.errorInstance : undefined;
      const v = violation ?? first;
      t.check({
        requirement: 'DA-3.5-STATE-MACHINE',
        description: `${v ? `${v.requirement} broken by ` : ''}the sequence start → ${steps} [shrunk counterexample, seed ${run.seed}, path ${run.path}]`,
        ok: false,
        expected: v?.expected ?? 'answers the model allows',
        actual: v?.actual ?? String(run.error),
        exchange: v?.outcome?.exchange,
      });
      if (run.stopped !== undefined)
        t.note(`not replayed: the exploration stopped (${reasonOf(run.stopped)})`);
      else if (replayTrouble !== undefined)
        t.note(`the replay got no answer (${reasonOf(replayTrouble)})`);
      else if (!violation)
        t.note('the shrunk sequence did not fail again when replayed (timing-dependent)');
    }
    if (run.stopped !== undefined) {
      t.note(`${sent} requests, then stopped (budget ${t.config.requestBudget})`);
      // A violation seen before the trouble stands; otherwise nothing was judged: inconclusive.
      if (run.counterexample) return;
      endStopped(run.stopped, (r) => t.skip(r));
    }
    if (!run.counterexample) {
      if (run.ran === 0)
        t.skip(
          `the request budget (${t.config.requestBudget}) was spent before any sequence ran: no verdict`,
        );
      t.check({
        requirement: 'DA-3.5-STATE-MACHINE',
        description: `${run.ran} generated sequences of up to ${maxCommands} actions (seed ${run.seed}${run.unrun > 0 ? `; ${run.unrun} more left unrun: ${run.interrupted}` : ''})`,
        ok: true,
        expected: 'every answer allowed by the model',
        actual: 'all allowed',
      });
    }
    t.note(`${sent} requests (budget ${t.config.requestBudget})`);
  },
);
