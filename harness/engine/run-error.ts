/** The run could not start (unreachable target, nothing selected): exit 2 with this line. */
export class RunError extends Error {
  override readonly name = 'RunError';
}
