import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { curlFor, shellQuote } from '../harness/curl.ts';
import type { Exchange } from '../harness/exchange.ts';
import { httpServer } from './helpers/hostile-server.ts';

function exchange(request: Exchange['request']): Exchange {
  return { seq: 1, startedAt: new Date(0).toISOString(), durationMs: 1, request };
}

/** What `sh` makes of a quoted word: printed back with printf. */
function shRoundTrip(quoted: string): string {
  return execFileSync('sh', ['-c', `printf '%s' ${quoted}`], { encoding: 'utf8' });
}

const curlAvailable = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('shellQuote', () => {
  it.each([
    "it's",
    "'",
    "''",
    'a "b" $HOME `id` \\n \\ !x *',
    '{"clientSecret":"«redacted:0123abcd»","x":"O\'Brien"}',
    '',
  ])('round-trips %j through sh', (s) => {
    expect(shRoundTrip(shellQuote(s))).toBe(s);
  });
});

describe('curlFor', () => {
  it('builds a single-line command for a JSON POST', () => {
    const cmd = curlFor(
      exchange({
        method: 'POST',
        url: 'http://127.0.0.1:9000/token',
        headers: {
          host: '127.0.0.1:9000',
          'content-length': '42',
          connection: 'keep-alive',
          'content-type': 'application/json',
        },
        body: '{"clientId":"c","clientSecret":"«redacted:0123abcd»"}',
      }),
    );
    expect(cmd).toBe(
      "curl -sS -i -X 'POST' 'http://127.0.0.1:9000/token' -H 'content-type: application/json' " +
        `--data-raw '{"clientId":"c","clientSecret":"«redacted:0123abcd»"}'`,
    );
  });

  it('omits -X for a GET without body', () => {
    expect(curlFor(exchange({ method: 'GET', url: 'http://h/x?a=1&b=2', headers: {} }))).toBe(
      "curl -sS -i 'http://h/x?a=1&b=2'",
    );
  });

  it('stays on one line when the body has line breaks', () => {
    const cmd = curlFor(
      exchange({ method: 'POST', url: 'http://h/', headers: {}, body: "a\nb\r\n%s \\ 'q'" }),
    );
    expect(cmd).not.toMatch(/[\r\n]/);
    expect(cmd).toMatch(/^printf '.*' \| curl -sS -i -X 'POST' 'http:\/\/h\/' --data-binary @-$/);
  });

  it.skipIf(!curlAvailable)('executes in sh and reproduces the request exactly', async () => {
    let seen: { method?: string; url?: string; type?: string; body?: string } = {};
    const server = await httpServer((req, res) => {
      seen = {
        method: req.method,
        url: req.url,
        type: req.headers['x-note'] as string,
        body: req.body,
      };
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('echo');
    });
    try {
      for (const body of [
        `{"name":"O'Brien","s":"«redacted:0123abcd»"}`,
        "multi\nline\r\n%d 'x' \\",
      ]) {
        const cmd = curlFor(
          exchange({
            method: 'POST',
            url: `${server.url}/token?q='x'`,
            headers: { 'x-note': "it's fine", 'content-type': 'text/plain' },
            body,
          }),
        );
        // Asynchronously: the server answering lives in this process.
        const { stdout: out } = await promisify(execFile)('sh', ['-c', cmd], {
          encoding: 'utf8',
          timeout: 5000,
        });
        expect(out).toMatch(/^HTTP\/1\.1 200/);
        expect(seen).toEqual({
          method: 'POST',
          url: "/token?q='x'",
          type: "it's fine",
          body,
        });
      }
    } finally {
      await server.close();
    }
  });
});
