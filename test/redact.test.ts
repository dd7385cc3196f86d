import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IN_PLACE, Redactor, redactionMarker, SENSITIVE_KEYS } from '../harness/http/redact.ts';

const marker = (s: string) =>
  `«redacted:${createHash('sha256').update(s).digest('hex').slice(0, 8)}»`;
const MARKER = /«redacted:[0-9a-f]{8}»/;

describe('Redactor.text / addSecret', () => {
  it('replaces the leftmost, then longest, secret: as a regular expression of all of them would', () => {
    // The reference: one alternation of every secret, longest first (what text() did before it
    // was made linear in the text for runs that learn thousands of secrets).
    const byRegExp = (secrets: string[], text: string) => {
      const forms = [...new Set(secrets.filter((x) => x.length >= 8))];
      if (forms.length === 0) return text;
      const alternatives = forms
        .sort((a, b) => b.length - a.length)
        .map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      return text.replace(new RegExp(alternatives.join('|'), 'g'), (found) => marker(found));
    };
    // A small alphabet, so that secrets overlap, nest and share prefixes often.
    const word = (min: number, max: number) =>
      fc.string({ unit: fc.constantFrom('a', 'b', '.', '*'), minLength: min, maxLength: max });
    // Texts made of pieces of the secrets and other words: matches, overlaps and near misses.
    const caseArb = fc.array(word(8, 14), { minLength: 1, maxLength: 6 }).chain((secrets) =>
      fc.tuple(
        fc.constant(secrets),
        fc
          .array(
            fc.oneof(
              fc.constantFrom(...secrets),
              fc.constantFrom(...secrets).chain((x) => fc.nat(x.length).map((n) => x.slice(n))),
              word(0, 6),
            ),
            { maxLength: 8 },
          )
          .map((parts) => parts.join('')),
      ),
    );
    fc.assert(
      fc.property(caseArb, ([secrets, text]) => {
        const r = new Redactor();
        // Only the raw form: the JSON and URL-encoded variants of these are the same text.
        for (const x of secrets) r.addSecret(x);
        expect(r.text(text)).toBe(byRegExp(secrets, text));
      }),
      { seed: 8628, numRuns: 500 },
    );
  });

  it('replaces every occurrence of a known secret by a stable marker', () => {
    const r = new Redactor();
    r.addSecret('s3cr3t-value');
    expect(r.text('a s3cr3t-value b s3cr3t-value')).toBe(
      `a ${marker('s3cr3t-value')} b ${marker('s3cr3t-value')}`,
    );
    expect(redactionMarker('s3cr3t-value')).toBe(marker('s3cr3t-value'));
    // Same marker from another instance: correlation across exchanges and runs.
    const other = new Redactor();
    other.addSecret('s3cr3t-value');
    expect(other.text('s3cr3t-value')).toBe(r.text('s3cr3t-value'));
  });

  it('ignores secrets shorter than 8 characters', () => {
    const r = new Redactor();
    r.addSecret('short');
    r.addSecret('');
    expect(r.text('short text')).toBe('short text');
  });

  it('handles regex metacharacters and overlapping secrets (longest wins)', () => {
    const r = new Redactor();
    r.addSecret('a.b*c+d?(e)');
    r.addSecret('abcdefgh');
    r.addSecret('abcdefgh-longer');
    expect(r.text('x a.b*c+d?(e) y')).toBe(`x ${marker('a.b*c+d?(e)')} y`);
    expect(r.text('aXb*c+d?(e)')).toBe('aXb*c+d?(e)');
    expect(r.text('abcdefgh-longer abcdefgh')).toBe(
      `${marker('abcdefgh-longer')} ${marker('abcdefgh')}`,
    );
  });

  it('does not rescan markers it inserted', () => {
    const r = new Redactor();
    r.addSecret('redacted');
    r.addSecret('something-secret');
    const out = r.text('something-secret');
    expect(out).toBe(marker('something-secret'));
  });

  it('finds a secret percent-encoded or JSON-escaped', () => {
    const r = new Redactor();
    r.addSecret('a/b+c=d "q" é');
    expect(r.text(`?x=${encodeURIComponent('a/b+c=d "q" é')}`)).toBe(
      `?x=${marker('a/b+c=d "q" é')}`,
    );
    expect(r.text(JSON.stringify({ m: 'a/b+c=d "q" é' }))).toBe(
      `{"m":"${marker('a/b+c=d "q" é')}"}`,
    );
  });
});

describe('Redactor.json', () => {
  it('replaces sensitive members (any case) and learns their values', () => {
    const r = new Redactor();
    const out = r.json({
      clientId: 'c1',
      CLIENTSECRET: 'the-client-secret',
      nested: { refresh_token: 'rt-0123456789', list: [{ id_token: 'idt-0123456789' }] },
      message: 'echo the-client-secret and rt-0123456789',
    });
    expect(out).toEqual({
      clientId: 'c1',
      CLIENTSECRET: marker('the-client-secret'),
      nested: {
        refresh_token: marker('rt-0123456789'),
        list: [{ id_token: marker('idt-0123456789') }],
      },
      message: `echo ${marker('the-client-secret')} and ${marker('rt-0123456789')}`,
    });
    expect(r.text('later: idt-0123456789')).toBe(`later: ${marker('idt-0123456789')}`);
  });

  it('redacts every listed key', () => {
    const r = new Redactor();
    for (const key of SENSITIVE_KEYS) {
      const value = `value-of-${key}`;
      expect(r.json({ [key]: value })).toEqual({ [key]: marker(value) });
    }
  });

  it('redacts a short sensitive value in place without learning it globally', () => {
    const r = new Redactor();
    expect(r.json({ password: 'pw', note: 'pw' })).toEqual({ password: marker('pw'), note: 'pw' });
  });

  it('keeps empty and null sensitive values visible and hides non-strings', () => {
    const r = new Redactor();
    expect(
      r.json({ accessToken: '', refreshToken: null, idToken: 12345, assertion: { a: 1 } }),
    ).toEqual({
      accessToken: '',
      refreshToken: null,
      idToken: marker('12345'),
      assertion: marker('object'),
    });
  });

  it('does not modify its input and keeps key order', () => {
    const r = new Redactor();
    const input = { b: 1, accessToken: 'tok-0123456789', a: [1, 2] };
    const out = r.json(input) as Record<string, unknown>;
    expect(input.accessToken).toBe('tok-0123456789');
    expect(Object.keys(out)).toEqual(['b', 'accessToken', 'a']);
    expect(out.a).not.toBe(input.a);
  });

  it('handles very deep values without recursion', () => {
    let deep: unknown = { access_token: 'deep-token-123' };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const r = new Redactor();
    let out = r.json(deep);
    for (let i = 0; i < 100_000; i++) out = (out as unknown[])[0];
    expect(out).toEqual({ access_token: marker('deep-token-123') });
  });
});

describe('Redactor.body', () => {
  it('re-serialises JSON with sensitive members redacted', () => {
    const r = new Redactor();
    const body = '{ "clientId": "c", "clientSecret": "cs-0123456789" }';
    expect(r.body(body, 'application/json')).toBe(
      `{"clientId":"c","clientSecret":"${marker('cs-0123456789')}"}`,
    );
  });

  it('redacts form parameters and learns their decoded values', () => {
    const r = new Redactor();
    const form =
      'grant_type=refresh_token&refresh_token=rt%2F0123456789&client_secret=cs+0123456789&scope=x';
    const out = r.body(form, 'application/x-www-form-urlencoded');
    expect(out).toBe(
      `grant_type=refresh_token&refresh_token=${marker('rt/0123456789')}&client_secret=${marker('cs 0123456789')}&scope=x`,
    );
    expect(r.text('echo rt/0123456789')).toBe(`echo ${marker('rt/0123456789')}`);
  });

  it('treats non-JSON text with text() and the parameter rules', () => {
    const r = new Redactor();
    r.addSecret('known-secret-1');
    expect(r.body('<html>known-secret-1 password=hunter22</html>', 'text/html')).toBe(
      `<html>${marker('known-secret-1')} password=${marker('hunter22</html>')}`,
    );
  });

  it('handles a hostile deep body as text', () => {
    const r = new Redactor();
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(r.body(deep, 'application/json')).toBe(deep);
  });
});

describe('Redactor.headers and url', () => {
  it('redacts credential headers and applies text() to the others', () => {
    const r = new Redactor();
    r.addSecret('secret-in-header');
    const basic = Buffer.from('client:basic-password').toString('base64');
    const out = r.headers({
      Authorization: 'Bearer tok-0123456789',
      'x-amz-security-token': 'FwoGZXIvYXdzEJr',
      Cookie: 'session=abcdef0123456789',
      'set-cookie': 'id=1',
      'proxy-authorization': `Basic ${basic}`,
      'x-other': 'contains secret-in-header',
      'content-type': 'application/json',
    });
    expect(out).toEqual({
      Authorization: `Bearer ${marker('tok-0123456789')}`,
      'x-amz-security-token': marker('FwoGZXIvYXdzEJr'),
      Cookie: marker('session=abcdef0123456789'),
      'set-cookie': marker('id=1'),
      'proxy-authorization': `Basic ${marker(basic)}`,
      'x-other': `contains ${marker('secret-in-header')}`,
      'content-type': 'application/json',
    });
    // Learnt from the headers: the bearer token and the Basic password.
    expect(r.text('tok-0123456789 basic-password')).toBe(
      `${marker('tok-0123456789')} ${marker('basic-password')}`,
    );
    for (const v of Object.values(out)) expect(v).not.toMatch(/tok-0123456789/);
  });

  it('redacts sensitive query parameters in URLs (an authorization code too)', () => {
    const r = new Redactor();
    expect(r.url('https://x/cb?code=abc&client_secret=cs-0123456789#f')).toMatch(
      new RegExp(`^https://x/cb\\?code=${MARKER.source}&client_secret=${MARKER.source}#f$`),
    );
    expect(r.url('https://x/a?code_challenge=abc&response_type=code')).toBe(
      'https://x/a?code_challenge=abc&response_type=code',
    );
  });
});

describe('what the redactor learns: only what the target issued or the user supplied', () => {
  it('a fuzz value in a request is redacted in place, not in other text', () => {
    const r = new Redactor();
    // A property-based test sends JavaScript words in sensitive members.
    const body = '{"clientId":"c","clientSecret":"constructor","refreshToken":"toString()"}';
    expect(r.body(body, 'application/json', IN_PLACE)).toBe(
      `{"clientId":"c","clientSecret":"${marker('constructor')}","refreshToken":"${marker('toString()')}"}`,
    );
    expect(r.url('https://x/t?client_secret=arguments', IN_PLACE)).toBe(
      `https://x/t?client_secret=${marker('arguments')}`,
    );
    expect(r.headers({ authorization: 'Bearer hasOwnProperty' }, IN_PLACE)).toEqual({
      authorization: `Bearer ${marker('hasOwnProperty')}`,
    });
    // The words stay readable everywhere else: an error message, a note, a stack.
    const evidence =
      'TypeError: x.constructor is not a function; toString() arguments hasOwnProperty';
    expect(r.text(evidence)).toBe(evidence);
    expect(r.body(JSON.stringify({ error_description: evidence }))).toContain(evidence);
  });

  it('a secret issued in a response is hidden everywhere, also when sent back later', () => {
    const r = new Redactor();
    r.body(
      '{"clientId":"c","clientSecret":"cs-issued-0123456789","deviceCode":"dc-issued-0123456789"}',
    );
    const request = '{"clientSecret":"cs-issued-0123456789","deviceCode":"dc-issued-0123456789"}';
    expect(r.body(request, 'application/json', IN_PLACE)).toBe(
      `{"clientSecret":"${marker('cs-issued-0123456789')}","deviceCode":"${marker('dc-issued-0123456789')}"}`,
    );
    expect(r.text('echo cs-issued-0123456789 dc-issued-0123456789')).toBe(
      `echo ${marker('cs-issued-0123456789')} ${marker('dc-issued-0123456789')}`,
    );
  });

  it('device codes and authorization codes are credentials', () => {
    const r = new Redactor();
    expect(
      r.json({ deviceCode: 'dc-0123456789', device_code: 'dc-abcdefghij', code: 'ac-0123456789' }),
    ).toEqual({
      deviceCode: marker('dc-0123456789'),
      device_code: marker('dc-abcdefghij'),
      code: marker('ac-0123456789'),
    });
    expect(r.text('dc-0123456789 dc-abcdefghij')).toBe(
      `${marker('dc-0123456789')} ${marker('dc-abcdefghij')}`,
    );
    // `code` is also an error code's name: redacted in place, not learnt.
    r.json({ code: 'InvalidSignatureException' });
    expect(r.text('InvalidSignatureException')).toBe('InvalidSignatureException');
    // An authorization code is learnt from the redirect that issued it.
    const headers = r.headers({ location: 'https://app/cb?code=ac-issued-0123&state=s' });
    expect(headers.location).toBe(`https://app/cb?code=${marker('ac-issued-0123')}&state=s`);
    expect(r.text('redeem ac-issued-0123')).toBe(`redeem ${marker('ac-issued-0123')}`);
  });
});
