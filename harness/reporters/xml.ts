/**
 * XML 1.0 escaping for text and attribute values.
 *
 * XML 1.0 allows only TAB, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF
 * (production `Char`). Any other character is a fatal error everywhere: raw, inside CDATA and
 * as a character reference (`&#x1B;` is rejected too). Captured HTTP bodies can hold anything
 * (ANSI colour codes, NUL, lone surrogates from a broken decoder), so those characters are
 * replaced by visible text: `\x1b`, `\x00`, `\ufffe`, `\ud800` ... A reader of the report sees
 * that they were there, and the file stays well-formed.
 *
 * No npm package did exactly this when this was written: `xml-escape` escapes only the five
 * markup characters; `xml-sanitizer` strips every surrogate (it would delete emoji) and more
 * than XML forbids; `xmlchars` has character-class predicates but no escaping; builders such as
 * `xmlbuilder2` bring a whole document model for one function.
 */

/**
 * Characters XML 1.0 forbids. With the `u` flag, `[\uD800-\uDFFF]` matches only *lone*
 * surrogates: a well-formed pair is one code point (U+10000 and up) and is allowed.
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu;

/** `\x1b` for C0 controls, `\ud800` / `\ufffe` for the rest. */
function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Replaces every character XML 1.0 forbids by a visible escape (`\x1b`, `\x00`, `\ud800`,
 * `\uffff`). Everything else, emoji included, is kept as is. The result contains no markup
 * escaping: use {@link escapeXmlText} or {@link escapeXmlAttr} to put it in a document.
 */
export function makeXmlSafe(value: string): string {
  return value.replace(FORBIDDEN, visible);
}

const TEXT_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A raw CR would be normalised to LF by every parser (XML 1.0 §2.11).
  '\r': '&#13;',
};

const ATTR_ENTITIES: Record<string, string> = {
  ...TEXT_ENTITIES,
  // Attribute-value normalisation (XML 1.0 §3.3.3) turns raw TAB/LF/CR into spaces.
  '\t': '&#9;',
  '\n': '&#10;',
};

/** Escapes a string for element content (`<x>HERE</x>`). `]]>` comes out as `]]&gt;`. */
export function escapeXmlText(value: string): string {
  return makeXmlSafe(value).replace(/[&<>"'\r]/g, (ch) => TEXT_ENTITIES[ch]);
}

/** Escapes a string for a quoted attribute value (`a="HERE"` or `a='HERE'`). */
export function escapeXmlAttr(value: string): string {
  return makeXmlSafe(value).replace(/[&<>"'\t\n\r]/g, (ch) => ATTR_ENTITIES[ch]);
}
