import { startReferenceServer, type ReferenceServerOptions } from '../../reference/server.ts';
import { PERSONAS } from '../../reference/personas.ts';
import { ConfigError } from '../engine/config.ts';

/**
 * `serve`: the reference server alone, until SIGINT/SIGTERM. Returns the exit code. The first
 * line on stdout is `reference server listening on <url>` (scripts started with --port 0 read the
 * URL from it); the request log goes to stderr.
 */
export async function serve(options: ReferenceServerOptions): Promise<number> {
  let server;
  try {
    server = await startReferenceServer({
      ...options,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (e) {
    // A bad option (RangeError, TypeError) or a port that cannot be bound: one line, exit 2.
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new ConfigError(`cannot listen on ${options.host}:${options.port}: ${code}`);
    throw new ConfigError((e as Error).message);
  }
  const o = server.options;
  process.stdout.write(
    `reference server listening on ${server.url}\n` +
      (o.like ? `  like ${o.like}: ${PERSONAS[o.like].description}\n` : '') +
      `  interval ${o.interval} s, expiresIn ${o.expiresIn} s, clock ${o.virtualClock ? 'virtual' : 'real'}, slow_down ${o.slowDown}` +
      `${o.faults.length ? `, faults: ${o.faults.join(', ')}` : ''}\n` +
      `  approve: curl -s -X POST ${server.url}/__admin/approve -H 'content-type: application/json' -d '{"userCode":"XXXX-XXXX"}'\n` +
      `  browser step: curl -s -X POST ${server.url}/__admin/authorize -H 'content-type: application/json' -d '{"url":"<authorization URL>"}'\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
