import { startReferenceServer, type ReferenceServerOptions } from '../reference/server.ts';

/** `serve`: the reference server alone, until SIGINT/SIGTERM. Returns the exit code. */
export async function serve(options: ReferenceServerOptions): Promise<number> {
  const server = await startReferenceServer({
    ...options,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const o = server.options;
  process.stdout.write(
    `reference server listening on ${server.url}\n` +
      `  interval ${o.interval} s, expiresIn ${o.expiresIn} s, clock ${o.virtualClock ? 'virtual' : 'real'}, slow_down ${o.slowDown}` +
      `${o.faults.length ? `, faults: ${o.faults.join(', ')}` : ''}\n` +
      `  approve: curl -s -X POST ${server.url}/__admin/approve -H 'content-type: application/json' -d '{"userCode":"XXXX-XXXX"}'\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
