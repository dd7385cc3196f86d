/**
 * Text into HTML: every value from results.json goes through {@link text} or {@link attr}.
 * escape-html makes & < > " ' entities, so server text cannot open a tag or leave an attribute;
 * control characters (ANSI escapes, NUL, BEL) are shown as `\xNN`, so a reader sees them instead
 * of a terminal's colours or nothing; a lone surrogate shows as U+FFFD.
 */
import escapeHtml from 'escape-html';

// Every C0 control but tab, line feed and carriage return (which read as white space), and DEL.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

// A lone surrogate (cut UTF-16 from a server) becomes U+FFFD here, as UTF-8 would write it: the
// page is the same string whether it is written to a file or compared in memory.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(value: unknown): string {
  return String(value ?? '')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Escaped text, for an element's content or a quoted attribute's value. */
export const text = (value: unknown): string => escapeHtml(visible(value));

/**
 * Catalogue wording (REQUIREMENTS.md's cells) as a reader expects it: escaped, then its
 * `backtick` spans shown as code, as the Markdown it comes from would show them.
 */
export const catalogueText = (value: unknown): string =>
  text(value).replace(/`([^`\n]+)`/g, '<code>$1</code>');

/**
 * An element id (and the fragment that links to it): `req-<ID>` and `test-<slug>` as they are,
 * which compare.html's links (`report.html#req-<ID>`) rely on; escaped, so an odd slug stays
 * inside its attribute.
 */
export const anchor = (kind: 'req' | 'test', key: string): string => text(`${kind}-${key}`);

/** A link to a place on this page. */
export const hrefTo = (kind: 'req' | 'test', key: string): string =>
  text(`#${kind}-${encodeURIComponent(key)}`);
