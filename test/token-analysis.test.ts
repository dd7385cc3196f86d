import { randomBytes } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  analyzeTokens,
  jwsAlgorithm,
  jwsExpiry,
  TOKEN_MIN_BITS,
} from '../harness/analysis/token-analysis.ts';

const NOW = 1_750_000_000;
const sample = <T>(n: number, make: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => make(i));
const random = (bytes: number) => randomBytes(bytes).toString('base64url');

describe('analyzeTokens: opaque tokens', () => {
  it('48 random bytes in base64url are well over 128 bits', () => {
    const a = analyzeTokens(
      sample(20, () => random(48)),
      NOW,
    );
    expect(a.form).toBe('opaque');
    if (a.form !== 'opaque') return;
    expect(a.bits).toBeGreaterThanOrEqual(TOKEN_MIN_BITS);
    expect(a.structure).toBeUndefined();
  });

  it('a shared version prefix (as AWS tokens have) is subtracted, not held against the token', () => {
    const tokens = sample(20, () => `aoaAAAAAGm${random(120)}:${random(64)}`);
    const a = analyzeTokens(tokens, NOW);
    if (a.form !== 'opaque') throw new Error('read as a JWT');
    expect(a.structure).toMatch(/prefix/);
    expect(a.bits).toBeGreaterThanOrEqual(TOKEN_MIN_BITS);
  });

  it('a prefix and a counter are found and leave no entropy', () => {
    const a = analyzeTokens(
      sample(20, (i) => `at-${(1000 + i).toString(16).padStart(12, '0')}`),
      NOW,
    );
    if (a.form !== 'opaque') throw new Error('read as a JWT');
    expect(a.bits).toBeLessThan(TOKEN_MIN_BITS);
    expect(a.structure).toMatch(/counter/);
  });

  it('a single short token is judged on its length alone', () => {
    const a = analyzeTokens(['0123456789abcdef'], NOW);
    if (a.form !== 'opaque') throw new Error('read as a JWT');
    expect(a.samples).toBe(1);
    expect(a.bits).toBe(64);
  });

  it('a token seen twice is analysed once (a server may hand back the same one)', () => {
    const token = random(48);
    const a = analyzeTokens([token, token, token], NOW);
    expect(a.samples).toBe(1);
    if (a.form === 'opaque') expect(a.bits).toBeGreaterThanOrEqual(TOKEN_MIN_BITS);
  });
});

describe('analyzeTokens: JWTs', () => {
  const key = new TextEncoder().encode('k'.repeat(32));
  const signed = () =>
    new SignJWT({ jti: random(16) })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(NOW)
      .sign(key);

  it('signed JWTs are judged by their signature, whatever their shared header', async () => {
    const tokens = await Promise.all(sample(5, signed));
    expect(analyzeTokens(tokens, NOW)).toEqual({
      form: 'jwt',
      samples: 5,
      algorithms: ['HS256'],
      unsigned: 0,
    });
  });

  it('alg none is counted as unsigned', () => {
    const tokens = sample(3, () => new UnsecuredJWT({ jti: random(16) }).encode());
    expect(analyzeTokens(tokens, NOW)).toMatchObject({
      form: 'jwt',
      unsigned: 3,
      algorithms: ['none'],
    });
  });

  it('a signed header with the signature stripped is counted as unsigned', async () => {
    const [h, p] = (await signed()).split('.');
    expect(analyzeTokens([`${h}.${p}.`], NOW)).toMatchObject({ form: 'jwt', unsigned: 1 });
  });

  it('three dot-separated parts that do not decode to a JWS header are opaque', () => {
    expect(jwsAlgorithm('abc.def.ghi')).toBeUndefined();
    expect(analyzeTokens([`${random(20)}.${random(20)}.${random(20)}`], NOW).form).toBe('opaque');
  });

  it('a mix of JWTs and opaque tokens is read as opaque', async () => {
    expect(analyzeTokens([await signed(), random(48)], NOW).form).toBe('opaque');
  });
});

describe('jwsExpiry: the expiry a client secret states', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const jws = (payload: unknown) => `${b64({ kid: 'key-1', alg: 'HS384' })}.${b64(payload)}.c2ln`;

  it("reads AWS's expirationTimestamp inside the serialized JSON (EVIDENCE.md E3)", () => {
    const serialized = JSON.stringify({ clientType: 'PUBLIC', expirationTimestamp: 1775328707.47 });
    expect(jwsExpiry(jws({ serialized }))).toBe(1775328707.47);
  });

  it('reads exp or a top-level expirationTimestamp', () => {
    expect(jwsExpiry(jws({ exp: 1700000000 }))).toBe(1700000000);
    expect(jwsExpiry(jws({ expirationTimestamp: 1700000001 }))).toBe(1700000001);
  });

  it('an opaque secret, or a JWS without an expiry, states none', () => {
    expect(jwsExpiry('c2VjcmV0LXZhbHVlLW9wYXF1ZQ')).toBeUndefined();
    expect(jwsExpiry(jws({ sub: 'x' }))).toBeUndefined();
    expect(jwsExpiry(jws({ serialized: 'not json' }))).toBeUndefined();
    expect(jwsExpiry(jws({ exp: '1700000000' }))).toBeUndefined();
  });
});
