/**
 * An abort signal for one fetch: it fires when `parent` does or after `ms`, whichever is first.
 * Unlike AbortSignal.timeout, its timer keeps the process alive: on Node 20 a fetch whose server
 * hung up can stay pending with nothing else referenced, and the process would then exit
 * silently instead of reporting the timeout. `done()` clears the timer once the fetch is over.
 */
export function deadline(parent: AbortSignal, ms: number): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')),
    ms,
  );
  const onParent = () => controller.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}
