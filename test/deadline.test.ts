import { describe, expect, it } from 'vitest';
import { deadline } from '../harness/http/deadline.ts';

describe('deadline', () => {
  it('aborts with a TimeoutError after its time', async () => {
    const limit = deadline(new AbortController().signal, 20);
    await new Promise((r) => limit.signal.addEventListener('abort', r));
    expect((limit.signal.reason as DOMException).name).toBe('TimeoutError');
    limit.done();
  });

  it('aborts with the parent, at once when the parent already has', () => {
    const parent = new AbortController();
    const limit = deadline(parent.signal, 60_000);
    expect(limit.signal.aborted).toBe(false);
    parent.abort(new Error('run stopped'));
    expect((limit.signal.reason as Error).message).toBe('run stopped');
    limit.done();
    const late = deadline(parent.signal, 60_000);
    expect(late.signal.aborted).toBe(true);
    late.done();
  });

  it('never fires once done', async () => {
    const limit = deadline(new AbortController().signal, 10);
    limit.done();
    await new Promise((r) => setTimeout(r, 30));
    expect(limit.signal.aborted).toBe(false);
  });
});
