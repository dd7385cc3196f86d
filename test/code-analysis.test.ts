import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyzeDeviceCodes,
  analyzeUserCodes,
  CODE_ANALYSIS_THRESHOLDS,
} from '../harness/analysis/code-analysis.ts';

const BASE20 = 'BCDFGHJKLMNPQRSTVWXZ';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const NOW = 1_750_000_000; // 2025-06-15T15:06:40Z

function randomFrom(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/** `count` codes from `make(i)`. */
function sample(count: number, make: (i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

/** RFC 8628 §6.1 style: XXXX-XXXX from the 20 consonants. */
const rfcUserCode = () => `${randomFrom(BASE20, 4)}-${randomFrom(BASE20, 4)}`;

/** `n` in base-20 consonants, `width` characters, most significant first. */
function base20(n: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++, n = Math.floor(n / 20)) s = BASE20[n % 20] + s;
  return s;
}

describe('analyzeUserCodes: good random codes', () => {
  it('gives ~34.5 bits for RFC 8628 style codes, with no confusables and nothing predictable', () => {
    const a = analyzeUserCodes(sample(30, rfcUserCode));
    expect(a).toMatchObject({
      samples: 30,
      distinct: 30,
      assumedAlphabetSize: 20,
      length: 8,
      format: 'XXXX-XXXX',
      confusables: [],
    });
    expect(a.bits).toBeCloseTo(8 * Math.log2(20), 6);
    expect(a.bits).toBeCloseTo(34.58, 2);
    expect(a.predictable).toBeUndefined();
  });

  it('never flags 200 random samples of 20-50 codes (constant positions, counting, affixes)', () => {
    for (let run = 0; run < 200; run++) {
      const codes = sample(20 + randomInt(31), rfcUserCode);
      const a = analyzeUserCodes(codes);
      expect(a.predictable, codes.join(' ')).toBeUndefined();
      expect(a.assumedAlphabetSize).toBe(20);
      expect(a.confusables).toEqual([]);
    }
  });

  it('ignores separators and case when every sample is single-case', () => {
    const codes = sample(25, (i) => {
      const code = rfcUserCode();
      return i % 2 ? code.toLowerCase() : code.replace('-', ' ');
    });
    const a = analyzeUserCodes(codes);
    expect(a.alphabet).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]+$/);
    expect(a.assumedAlphabetSize).toBe(20);
    expect(a.length).toBe(8);
    expect(a.format).toMatch(/^XXXX[- ]XXXX$/);
  });

  it('keeps case when samples mix it: alphanumeric 62', () => {
    const alnum = '23456789ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz';
    const a = analyzeUserCodes(sample(30, () => randomFrom(alnum, 8)));
    expect(a.assumedAlphabetSize).toBe(62);
    expect(a.bits).toBeCloseTo(8 * Math.log2(62), 6);
    expect(a.confusables).toEqual([]);
    expect(a.predictable).toBeUndefined();
  });

  it('recognises Crockford base32 and uppercase alphanumerics', () => {
    const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    expect(analyzeUserCodes(sample(30, () => randomFrom(crockford, 8))).assumedAlphabetSize).toBe(
      32,
    );
    const a = analyzeUserCodes(sample(30, () => randomFrom('0123456789' + BASE20 + 'AEIOUY', 8)));
    expect(a.assumedAlphabetSize).toBe(36);
  });

  it('property: random base-20 codes are never flagged, and bits never exceed the alphabet bound', () => {
    fc.assert(
      fc.property(
        fc.noBias(fc.integer({ min: 20, max: 50 })),
        fc.noBias(fc.integer({ min: 6, max: 10 })),
        (count, length) => {
          const a = analyzeUserCodes(sample(count, () => randomFrom(BASE20, length)));
          expect(a.predictable).toBeUndefined();
          expect(a.length).toBe(length);
          expect(a.bits).toBeLessThanOrEqual(length * Math.log2(a.assumedAlphabetSize) + 1e-9);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('analyzeUserCodes: weak codes', () => {
  it('flags base-20 counting codes (BCDF-GHJB, BCDF-GHJC, ...) with 0 bits', () => {
    const start = [...'WDJBMJHT'].reduce((n, c) => n * 20 + BASE20.indexOf(c), 0);
    const codes = sample(25, (i) => {
      const s = base20(start + i, 8);
      return `${s.slice(0, 4)}-${s.slice(4)}`;
    });
    expect(codes.slice(0, 3)).toEqual(['WDJB-MJHT', 'WDJB-MJHV', 'WDJB-MJHW']);
    const a = analyzeUserCodes(codes);
    expect(a.predictable).toMatch(/consecutive codes count up \(base 20.*in 24 of 24 pairs/);
    expect(a.bits).toBe(0);
  });

  it('flags the BCDF-GHJB, BCDF-GHJC, ... sequence of the brief', () => {
    const start = [...'BCDFGHJB'].reduce((n, c) => n * 20 + BASE20.indexOf(c), 0);
    const codes = sample(25, (i) => base20(start + i, 8).replace(/^(.{4})/, '$1-'));
    expect(codes.slice(0, 3)).toEqual(['BCDF-GHJB', 'BCDF-GHJC', 'BCDF-GHJD']);
    const a = analyzeUserCodes(codes);
    expect(a.predictable).toMatch(/consecutive codes count up/);
    expect(a.predictable).toMatch(/share a 6-character prefix/);
    expect(a.bits).toBe(0);
  });

  it('flags decimal counters (00000001, 00000002, ...)', () => {
    const a = analyzeUserCodes(sample(20, (i) => String(i + 1).padStart(8, '0')));
    expect(a.assumedAlphabetSize).toBe(10);
    expect(a.predictable).toMatch(/consecutive codes count up \(base 10, decimal order\)/);
    expect(a.bits).toBe(0);
  });

  it('flags counters with gaps (other clients interleaved) and a counting suffix after random characters', () => {
    let n = 5000;
    const gaps = analyzeUserCodes(
      sample(20, () => String((n += 1 + randomInt(5))).padStart(8, '0')),
    );
    expect(gaps.predictable).toMatch(/count up/);
    const tail = analyzeUserCodes(sample(20, (i) => randomFrom(BASE20, 4) + base20(900 + i, 4)));
    expect(tail.predictable).toMatch(/the last \d characters of consecutive codes count up/);
    expect(tail.bits).toBeLessThan(4 * Math.log2(20) + 1e-9);
  });

  it('property: any base-20 counter (any start, steps 1-3) is flagged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 ** 8 - 100 }),
        fc.integer({ min: 1, max: 3 }),
        (start, step) => {
          const a = analyzeUserCodes(sample(20, (i) => base20(start + i * step, 8)));
          expect(a.predictable).toMatch(/count up/);
          expect(a.bits).toBeLessThan(10);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('estimates ~17 bits for 4-character base-20 codes and ~20 bits for 6 digits', () => {
    const short = analyzeUserCodes(sample(30, () => randomFrom(BASE20, 4)));
    expect(short.length).toBe(4);
    expect(short.bits).toBeCloseTo(17.29, 2);
    expect(short.predictable).toBeUndefined();
    const digits = analyzeUserCodes(sample(30, () => randomFrom('0123456789', 6)));
    expect(digits).toMatchObject({ assumedAlphabetSize: 10, length: 6, format: 'XXXXXX' });
    expect(digits.bits).toBeCloseTo(19.93, 2);
    expect(digits.confusables).toEqual([]);
    expect(digits.predictable).toBeUndefined();
  });

  it('reports confusable characters', () => {
    const alphabet = '0O1Il' + 'ABCDEFGHJK';
    const codes = [
      alphabet.slice(0, 8),
      alphabet.slice(5),
      ...sample(20, () => randomFrom(alphabet, 8)),
    ];
    expect(analyzeUserCodes(codes).confusables).toEqual(['0/O', '1/I/l']);
    // A lone 0 or 1 among letters counts too; digits alone do not.
    const lone = analyzeUserCodes(
      sample(20, (i) => (i ? randomFrom('01ABCDEFGH', 8) : '01ABCDEF')),
    );
    expect(lone.confusables).toEqual(['0/O', '1/I/l']);
    expect(analyzeUserCodes(['0123', '4567']).confusables).toEqual([]);
    // Uppercase alphanumerics: 0/O and 1/I, no lowercase l.
    expect(analyzeUserCodes(['0O1I', 'ABCD']).confusables).toEqual(['0/O', '1/I']);
    // O and o are the same symbol when case is ignored.
    expect(analyzeUserCodes(['OABC', 'oabc']).confusables).toEqual([]);
  });

  it('flags positions that never change over 20 samples and lowers the bits', () => {
    const codes = sample(20, () => `${randomFrom(BASE20, 2)}X${randomFrom(BASE20, 2)}-QQQ`);
    const a = analyzeUserCodes(codes);
    // A 3-character suffix is not more than half of 8: reported as constant positions.
    expect(a.predictable).toBe('positions 3, 6-8 never change over 20 samples');
    expect(a.assumedAlphabetSize).toBe(20);
    expect(a.bits).toBeCloseTo(4 * Math.log2(20), 6);
  });

  it('flags a shared prefix covering more than half the length, even below 20 samples', () => {
    const a = analyzeUserCodes(sample(6, () => `WDJBM-${randomFrom(BASE20, 3)}`));
    expect(a.predictable).toBe('all codes share a 5-character prefix (of 8)');
    expect(a.bits).toBeCloseTo(3 * Math.log2(20), 6);
    // 3 of 8 shared characters is not more than half: nothing said below 20 samples.
    expect(analyzeUserCodes(sample(6, () => `WDJ${randomFrom(BASE20, 5)}`)).predictable).toBe(
      undefined,
    );
  });

  it('flags identical codes', () => {
    const a = analyzeUserCodes(sample(10, () => 'WDJB-MJHT'));
    expect(a).toMatchObject({ distinct: 1, bits: 0, predictable: 'all 10 codes are identical' });
  });

  it('copes with empty and odd input', () => {
    expect(analyzeUserCodes([])).toEqual({
      samples: 0,
      distinct: 0,
      alphabet: '',
      assumedAlphabetSize: 0,
      length: 0,
      bits: 0,
      format: '',
      confusables: [],
    });
    const mixed = analyzeUserCodes(['ABCD-EFGH', 'ABC-DEF', 'WXYZ-BCDF']);
    expect(mixed.length).toBe(8);
    expect(mixed.format).toBe('XXXX-XXXX');
  });
});

describe('analyzeDeviceCodes: good random codes', () => {
  it('gives >= 128 bits and nothing predictable for 32 random bytes in base64url, over 200 samples', () => {
    for (let run = 0; run < 200; run++) {
      const codes = sample(20 + randomInt(31), () => randomBytes(32).toString('base64url'));
      const a = analyzeDeviceCodes(codes, NOW);
      expect(a.predictable, codes.join(' ')).toBeUndefined();
      expect(a.assumedAlphabetSize).toBe(64);
      expect(a.minLength).toBe(43);
      expect(a.bits).toBeGreaterThanOrEqual(128);
      expect(a.sharedPrefix).toBeLessThan(CODE_ANALYSIS_THRESHOLDS.minSharedDeviceAffix);
    }
  });

  it('property: random byte strings in hex, base64 and base64url are never flagged', () => {
    fc.assert(
      fc.property(
        fc.noBias(fc.integer({ min: 2, max: 50 })),
        fc.constantFrom('hex', 'base64', 'base64url'),
        fc.noBias(fc.integer({ min: 16, max: 64 })),
        (count, encoding: BufferEncoding, bytes) => {
          const codes = sample(count, () => randomBytes(bytes).toString(encoding));
          const a = analyzeDeviceCodes(codes, NOW);
          expect(a.predictable, codes.join(' ')).toBeUndefined();
          expect(a.bits).toBeGreaterThanOrEqual(bytes * 8 - 12);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('gives 256 bits for hex, and sees through the fixed parts of UUIDs (v4: ~122 bits)', () => {
    const hex = analyzeDeviceCodes(
      sample(20, () => randomBytes(32).toString('hex')),
      NOW,
    );
    expect(hex).toMatchObject({ assumedAlphabetSize: 16, minLength: 64, bits: 256 });
    const uuids = analyzeDeviceCodes(
      sample(30, () => randomUUID()),
      NOW,
    );
    expect(uuids.assumedAlphabetSize).toBe(16);
    expect(uuids.bits).toBe(31 * 4); // 36 characters - 4 dashes - the version digit
    expect(uuids.predictable).toBeUndefined();
  });
});

describe('analyzeDeviceCodes: weak codes', () => {
  it('gives 32 bits for 8 hex characters', () => {
    const a = analyzeDeviceCodes(
      sample(30, () => randomBytes(4).toString('hex')),
      NOW,
    );
    expect(a).toMatchObject({ assumedAlphabetSize: 16, minLength: 8, bits: 32 });
    expect(a.predictable).toBeUndefined();
  });

  it('flags a fixed prefix and does not count it', () => {
    const codes = sample(20, () => `devicecode_${randomBytes(32).toString('base64url')}`);
    const a = analyzeDeviceCodes(codes, NOW);
    expect(a.sharedPrefix).toBeGreaterThanOrEqual(11);
    expect(a.predictable).toMatch(/^all codes share an? \d+-character prefix$/);
    expect(a.bits).toBeCloseTo((54 - a.sharedPrefix) * 6, 6);
    // Also below 20 samples, and for a suffix.
    const few = analyzeDeviceCodes(
      sample(3, () => `${randomBytes(24).toString('hex')}.v1.sig`),
      NOW,
    );
    expect(few.predictable).toMatch(/share an? \d+-character suffix/);
  });

  it('property: any fixed prefix of 4+ characters is flagged', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 4, maxLength: 16 }),
        fc.integer({ min: 2, max: 40 }),
        (prefix, count) => {
          fc.pre(count * prefix.length >= 16); // 2 codes sharing 4 characters is plausible
          const codes = sample(count, () => prefix + randomBytes(32).toString('base64url'));
          const a = analyzeDeviceCodes(codes, NOW);
          expect(a.sharedPrefix).toBeGreaterThanOrEqual(prefix.length);
          expect(a.predictable).toMatch(/share an? \d+-character prefix/);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('flags padded counters', () => {
    const a = analyzeDeviceCodes(
      sample(20, (i) => `${1000 + i}`.padStart(16, '0')),
      NOW,
    );
    expect(a.predictable).toMatch(/codes contain a counter \(decimal, characters 5-16/);
    expect(a.bits).toBe(0);
    // Counter after random bytes, with gaps, fewer samples. It starts at 0xa0 so that every value
    // has a hex letter (a run of 0x50-0x59 alone would read as a decimal counter).
    let n = 0x9f;
    const mixed = sample(
      8,
      () => randomBytes(16).toString('hex') + (n += 1 + randomInt(3)).toString(16).padStart(8, '0'),
    );
    const b = analyzeDeviceCodes(mixed, NOW);
    expect(b.predictable).toMatch(/codes contain a counter \(hexadecimal, characters \d+-40/);
    expect(b.bits).toBeLessThanOrEqual(128);
  });

  it('flags unpadded counters of varying length', () => {
    const a = analyzeDeviceCodes(
      sample(30, (i) => `dc-${990 + i}`),
      NOW,
    );
    expect(a.predictable).toMatch(/codes contain a counter \(decimal, the last 3 characters/);
    expect(a.bits).toBe(0);
  });

  it('flags Date.now() and epoch seconds, in decimal or hex', () => {
    const ms = NOW * 1000;
    const cases: [string, (i: number) => string][] = [
      ['milliseconds in decimal', (i) => `${randomBytes(8).toString('hex')}${ms + i * 37}`],
      ['seconds in decimal', (i) => `${NOW - 5 + i}-${randomBytes(12).toString('base64url')}`],
      [
        'milliseconds in hexadecimal',
        (i) => (ms + i * 3).toString(16) + randomBytes(8).toString('hex'),
      ],
      [
        'seconds in hexadecimal',
        (i) => `${randomBytes(8).toString('hex')}${(NOW + i).toString(16)}`,
      ],
      [
        'milliseconds in base 36',
        (i) => (ms + i).toString(36) + randomBytes(10).toString('base64url'),
      ],
    ];
    for (const [label, make] of cases) {
      const a = analyzeDeviceCodes(sample(20, make), NOW);
      expect(a.predictable, label).toContain(`codes contain the current time (epoch ${label})`);
      expect(a.predictable, label).not.toContain('counter');
    }
    // The same codes a week later are not "now".
    // (Still a counter, though: 37 ms steps.)
    const later = analyzeDeviceCodes(sample(20, cases[0][1]), NOW + 7 * 86_400);
    expect(later.predictable).not.toContain('current time');
    expect(later.predictable).toMatch(/^codes contain a counter/);
  });

  it('lowers the bits by the timestamp', () => {
    const codes = sample(20, (i) => `${randomBytes(16).toString('hex')}${NOW * 1000 + i * 1234}`);
    const a = analyzeDeviceCodes(codes, NOW);
    expect(a.minLength).toBe(45);
    expect(a.bits).toBeCloseTo(32 * Math.log2(16), 6);
  });

  it('flags identical and repeated codes', () => {
    const code = randomBytes(32).toString('base64url');
    expect(analyzeDeviceCodes([code, code, code], NOW).predictable).toBe(
      'all 3 codes are identical',
    );
    const repeated = sample(20, (i) => (i === 5 ? code : randomBytes(32).toString('base64url')));
    repeated.push(code);
    expect(analyzeDeviceCodes(repeated, NOW).predictable).toBe('codes repeat (20 distinct in 21)');
  });

  it('copes with no samples', () => {
    expect(analyzeDeviceCodes([], NOW)).toEqual({
      samples: 0,
      distinct: 0,
      alphabet: '',
      assumedAlphabetSize: 0,
      minLength: 0,
      bits: 0,
      sharedPrefix: 0,
      sharedSuffix: 0,
    });
  });
});
