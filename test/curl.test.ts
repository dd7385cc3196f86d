import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { curlFor, shellQuote } from '../harness/http/curl.ts';
import { ExchangeLog, type Exchange } from '../harness/http/exchange.ts';
import { send } from '../harness/http/http.ts';
import { Redactor, redactionMarker } from '../harness/http/redact.ts';
import { httpServer } from './helpers/hostile-server.ts';
import { startReferenceServer } from '../reference/server.ts';
import {
  REFERENCE_APPLICATION_ARN,
  REFERENCE_IAM_CREDENTIALS,
  REFERENCE_IAM_REGION,
} from '../reference/iam-config.ts';

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

describe('curlFor a SigV4-signed request', () => {
  const signedExchange = (url: string, body: string) =>
    exchange({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        'x-amz-date': '20261129T072456Z',
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        authorization: 'AWS4-HMAC-SHA256 «redacted:5b8a7e12»',
      },
      body,
    });

  it('drops the stale signature and has curl sign again from the environment', () => {
    const cmd = curlFor(signedExchange('http://h/token?aws_iam=t', '{"clientId":"arn"}'));
    expect(cmd).not.toMatch(/authorization|x-amz-date|x-amz-content-sha256|redacted/i);
    expect(cmd).toContain(
      `--aws-sigv4 "aws:amz:\${AWS_REGION:?set AWS_REGION}:sso-oauth" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`,
    );
  });

  it.skipIf(!curlAvailable)(
    'the command is accepted by the reference server, which verifies SigV4',
    async () => {
      const server = await startReferenceServer({ port: 0 });
      try {
        const body = JSON.stringify({
          clientId: REFERENCE_APPLICATION_ARN,
          grantType: 'refresh_token',
          refreshToken: 'not-a-refresh-token',
        });
        const cmd = curlFor(signedExchange(`${server.url}/token?aws_iam=t`, body));
        const { stdout } = await promisify(execFile)('sh', ['-c', cmd], {
          encoding: 'utf8',
          timeout: 10_000,
          env: {
            PATH: process.env.PATH,
            AWS_REGION: REFERENCE_IAM_REGION,
            AWS_ACCESS_KEY_ID: REFERENCE_IAM_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: REFERENCE_IAM_CREDENTIALS.secretAccessKey,
          },
        });
        // Past the signature check: the grant itself is judged (an unknown refresh token).
        expect(stdout).toMatch(/^HTTP\/1\.1 400/);
        expect(stdout).toMatch(/x-amzn-errortype: InvalidGrantException/i);
      } finally {
        await server.close();
      }
    },
  );
});

describe('curlFor a request carrying a device code', () => {
  it('shows a placeholder, never the code, whether or not the code was learnt', async () => {
    const redactor = new Redactor();
    // The device code was issued by StartDeviceAuthorization: learnt from that response.
    redactor.body('{"deviceCode":"dc-0123456789-issued","userCode":"BCDF-GHJK"}');
    const log = new ExchangeLog();
    const server = await httpServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"authorization_pending"}');
    });
    try {
      for (const deviceCode of ['dc-0123456789-issued', 'constructor']) {
        await send(
          {
            method: 'POST',
            url: `${server.url}/token`,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ clientId: 'c', grantType: 'device_code', deviceCode }),
          },
          { recorder: log, redactor, limits: { timeoutMs: 5000 } },
        );
        const cmd = curlFor(log.exchanges.at(-1)!);
        expect(cmd).not.toContain(deviceCode);
        expect(cmd).toContain(`"deviceCode":"${redactionMarker(deviceCode)}"`);
      }
      // The fuzz value was redacted in place only: the word stays readable elsewhere.
      expect(redactor.text('x.constructor')).toBe('x.constructor');
    } finally {
      await server.close();
    }
  });
});
