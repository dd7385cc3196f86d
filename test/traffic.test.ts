import { describe, expect, it } from 'vitest';
import { RegistrationBoundReached, RunTraffic } from '../harness/engine/traffic.ts';

describe('a run is polite to its target (issue 10, part 4)', () => {
  it('never has more than maxInFlight requests in flight', async () => {
    const traffic = new RunTraffic({ maxInFlight: 2, maxRegistrations: Infinity });
    let inFlight = 0;
    let most = 0;
    const request = () =>
      traffic.inTurn(async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return 'answer';
      });
    const answers = await Promise.all(Array.from({ length: 9 }, request));
    expect(answers).toEqual(Array(9).fill('answer'));
    expect(most).toBe(2);
  });

  it('bounds registrations, counting those under way; refused ones give their place back', () => {
    const traffic = new RunTraffic({ maxInFlight: Infinity, maxRegistrations: 2 });
    traffic.reserveRegistration();
    traffic.reserveRegistration();
    expect(() => traffic.reserveRegistration()).toThrow(RegistrationBoundReached);
    traffic.settleRegistration(false);
    traffic.reserveRegistration();
    traffic.settleRegistration(true);
    traffic.settleRegistration(true);
    expect(traffic.registrations).toBe(2);
    expect(() => traffic.reserveRegistration()).toThrow(/bound of 2 registrations/);
  });
});
