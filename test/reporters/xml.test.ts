import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeXmlAttr, escapeXmlText, makeXmlSafe } from '../../harness/reporters/xml.ts';
import { hasXmllint, removeTempFiles, SKIP_REASON, tempFile, xmllint } from './xmllint.ts';

if (!hasXmllint) console.warn(SKIP_REASON);
afterAll(removeTempFiles);

/** Only what XML 1.0's `Char` production allows. */
const XML10_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/** Decodes the five entities and numeric references: enough to check round trips. */
function decode(xml: string): string {
  return xml.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    return named[e] ?? String.fromCodePoint(Number(e.slice(1)));
  });
}

/** Any UTF-16 string: lone surrogates, C0 controls, non-characters, astral code points. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  fc.string({ unit: fc.constantFrom('\x00', '\x1b', '\ud800', '\udfff', '\ufffe', ']]>', '🎉') }),
);

describe('makeXmlSafe', () => {
  it('shows forbidden characters as visible escapes', () => {
    expect(makeXmlSafe('a\x1b[31mb\x00c\x0bd\x0ce\x1ff')).toBe(
      'a\\x1b[31mb\\x00c\\x0bd\\x0ce\\x1ff',
    );
    expect(makeXmlSafe('\ufffe\uffff')).toBe('\\ufffe\\uffff');
    expect(makeXmlSafe('x\ud800y\udc00z')).toBe('x\\ud800y\\udc00z');
  });

  it('keeps TAB, LF, CR, emoji (surrogate pairs) and other legal characters', () => {
    const legal = 'tab\tlf\ncr\r 🎉 é ✔ \u2028 \u0085 \u{10FFFF} \uFFFD';
    expect(makeXmlSafe(legal)).toBe(legal);
  });

  it('always yields XML 1.0 characters only', () => {
    fc.assert(fc.property(anyString, (s) => XML10_CHARS.test(makeXmlSafe(s))));
  });
});

describe('escapeXmlText / escapeXmlAttr', () => {
  it('escapes the five markup characters', () => {
    expect(escapeXmlText(`<a b="c" d='e'>&]]>`)).toBe(
      '&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;]]&gt;',
    );
    expect(escapeXmlAttr(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });

  it('encodes TAB/LF/CR in attributes, CR in text', () => {
    expect(escapeXmlAttr('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
    expect(escapeXmlText('a\tb\nc\rd')).toBe('a\tb\nc&#13;d');
  });

  it('round-trips every legal string and never emits a forbidden character', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const text = escapeXmlText(s);
        const attr = escapeXmlAttr(s);
        return (
          XML10_CHARS.test(text) &&
          XML10_CHARS.test(attr) &&
          !/[<"']|&(?!(amp|lt|gt|quot|apos|#\d+);)|]]>/.test(text) &&
          !/[<"'\t\n\r]|&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(attr) &&
          decode(text) === makeXmlSafe(s) &&
          decode(attr) === makeXmlSafe(s)
        );
      }),
      { numRuns: 500 },
    );
  });

  it.skipIf(!hasXmllint)('is accepted by a real XML parser for hostile samples', () => {
    const samples = fc.sample(anyString, { numRuns: 300, seed: 42 });
    samples.push('\x1b[31mred\x1b[0m \x00 ]]> \ud800 🎉 \r\n\t &#x1B; <![CDATA[ x ]]>');
    const body = samples
      .map((s) => `<s a="${escapeXmlAttr(s)}" b='${escapeXmlAttr(s)}'>${escapeXmlText(s)}</s>`)
      .join('\n');
    const file = tempFile(
      'samples.xml',
      `<?xml version="1.0" encoding="UTF-8"?>\n<r>${body}</r>\n`,
    );
    const r = xmllint(['--noout', '--nonet', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // The parser reads back exactly the visible form, attributes included (no normalisation).
    const last = makeXmlSafe(samples[samples.length - 1]);
    const n = samples.length;
    // (xmllint ends its output with a newline of its own.)
    const read = (xpath: string) => xmllint(['--xpath', xpath, file]).stdout.replace(/\n$/, '');
    expect(read(`string(/r/s[${n}]/@a)`)).toBe(last);
    expect(read(`string(/r/s[${n}]/@b)`)).toBe(last);
    expect(read(`string(/r/s[${n}])`)).toBe(last);
  });
});
