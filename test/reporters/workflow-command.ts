/** A GitHub workflow command (`::name props::message`) parsed back as the runner does, unescaped. */
export function parseCommand(line: string): {
  name: string;
  props: Record<string, string>;
  message: string;
} {
  const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const props: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    props[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  return { name: m[1]!, props, message: unescape(m[3]!) };
}

/** The toolkit's escapes undone: %0D, %0A, %3A, %2C, then %25. */
function unescape(s: string): string {
  return s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}
