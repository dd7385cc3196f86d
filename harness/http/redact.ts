import { createHash } from 'node:crypto';
import { parseJsonBounded } from './json.ts';

/** Shorter values are not remembered as secrets: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 8;

/** Member names (compared case-insensitively) whose values are always redacted. */
export const SENSITIVE_KEYS: readonly string[] = [
  'clientSecret',
  'client_secret',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'codeVerifier',
  'code_verifier',
  'assertion',
  'subjectToken',
  'subject_token',
  'password',
  'secretAccessKey',
  'sessionToken',
  'awsSecretAccessKey',
  // Device and authorization codes are credentials too: whoever holds one can redeem it.
  'deviceCode',
  'device_code',
  'code',
];

/**
 * Sensitive member names that are redacted in place but whose values are never learnt: `code`
 * is also a common name for an error code, and learning "InvalidSignatureException" as a secret
 * would hide it everywhere in the report. An authorization code is learnt from the redirect
 * (`code=` in a URL) that issued it.
 */
const IN_PLACE_ONLY = new Set(['code']);

/** Header names (lower case) whose values are always redacted. */
export const SENSITIVE_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'x-amz-security-token',
  'cookie',
  'set-cookie',
];

const sensitiveKeys = new Set(SENSITIVE_KEYS.map((k) => k.toLowerCase()));
const sensitiveHeaders = new Set(SENSITIVE_HEADERS);

/**
 * Whether a redaction learns what it redacts. Only what the target issued (responses) is learnt
 * as a secret to hide everywhere; what the harness sends is redacted in place only, since a
 * property-based test sends made-up values (`constructor`, `toString` ...) in sensitive members,
 * and learning those would redact ordinary words all over the report. Secrets the harness sends
 * come from a response (client secret, tokens, device code), from the user (addSecret: SigV4
 * credentials), or are taught with addSecret where the harness makes them (code verifier,
 * assertion).
 */
export interface RedactOptions {
  learn: boolean;
}
const LEARN: RedactOptions = { learn: true };
/** For what the harness sends: redact in place, learn nothing. */
export const IN_PLACE: RedactOptions = { learn: false };

/** `name=value` parameters with a sensitive name, in form bodies and query strings. */
const SENSITIVE_PARAM = new RegExp(
  `(^|[?&;\\s])(${SENSITIVE_KEYS.map(escapeRegExp).join('|')})=([^&;#\\s]*)`,
  'gi',
);

export function isSensitiveKey(key: string): boolean {
  return sensitiveKeys.has(key.toLowerCase());
}

/**
 * Removes secrets from everything that ends up in reports. One instance per run, shared by all
 * tests: a secret learnt in one exchange (a client secret, a token) is also hidden when it shows
 * up later anywhere else (URLs, error descriptions echoing it, headers).
 *
 * A secret is replaced by `«redacted:<first 8 hex digits of its sha256>»`: the same secret gets
 * the same marker, so two exchanges can be correlated without revealing the value.
 */
export class Redactor {
  /** Text form seen in the wild -> marker of the original secret. */
  private readonly forms = new Map<string, string>();
  /**
   * Forms by their first MIN_SECRET_LENGTH characters, longest first: text() looks up each
   * position of a text in it, so a run that has learnt thousands of secrets (the property-based
   * suites send random tokens) still redacts in time linear in the text.
   */
  private readonly byPrefix = new Map<string, string[]>();
  /**
   * A bit per hash of the first PROBE_CHARS characters of every form: text() tests this bit at
   * each position and looks the position up in byPrefix only when it is set, so a text with no
   * secret (most of them) is scanned without making a string per position. A set bit may be a
   * hash collision; the lookup that follows decides.
   */
  private readonly probe = new Uint8Array(PROBE_BITS / 8);

  /** Remember a secret (values shorter than 8 characters are ignored). */
  addSecret(value: string): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
    const marker = redactionMarker(value);
    // The secret may also appear escaped in JSON or percent-encoded in URLs and form bodies.
    const variants = [value, JSON.stringify(value).slice(1, -1), safeEncode(value)];
    for (const form of variants) {
      if (form !== undefined && form.length >= MIN_SECRET_LENGTH && !this.forms.has(form)) {
        this.forms.set(form, marker);
        const key = form.slice(0, MIN_SECRET_LENGTH);
        const bit = probeHash(form, 0);
        this.probe[bit >>> 3]! |= 1 << (bit & 7);
        const same = this.byPrefix.get(key) ?? [];
        same.push(form);
        same.sort((a, b) => b.length - a.length);
        this.byPrefix.set(key, same);
      }
    }
  }

  /** Replace every known secret in `s` by its marker (one pass: markers are never rescanned). */
  text(s: string): string {
    if (this.forms.size === 0 || s.length < MIN_SECRET_LENGTH) return s;
    let out = '';
    let copied = 0;
    for (let i = 0; i + MIN_SECRET_LENGTH <= s.length;) {
      const bit = probeHash(s, i);
      if ((this.probe[bit >>> 3]! & (1 << (bit & 7))) === 0) {
        i++;
        continue;
      }
      // Leftmost, then longest: a secret containing another secret is replaced whole.
      const found = this.byPrefix
        .get(s.slice(i, i + MIN_SECRET_LENGTH))
        ?.find((form) => s.startsWith(form, i));
      if (found === undefined) {
        i++;
        continue;
      }
      out += s.slice(copied, i) + this.forms.get(found)!;
      i += found.length;
      copied = i;
    }
    return copied === 0 ? s : out + s.slice(copied);
  }

  /**
   * A deep copy of a JSON value where members with a sensitive key are replaced by a marker (their
   * values are remembered as secrets first, so an echo elsewhere in the same value is hidden too),
   * and every other string, keys included, goes through `text()`. Iterative: no recursion however
   * deep the value.
   */
  json(value: unknown, opts: RedactOptions = LEARN): unknown {
    if (opts.learn) this.learn(value);
    return this.copy(value);
  }

  /**
   * A body for a report: JSON is re-serialised from `json()`; anything else goes through
   * `text()` after sensitive `name=value` parameters (form bodies) are redacted.
   */
  body(text: string, contentType?: string, opts: RedactOptions = LEARN): string {
    if (text.length === 0) return text;
    const looksJson = contentType === undefined || !/x-www-form-urlencoded/i.test(contentType);
    if (looksJson) {
      const parsed = parseJsonBounded(text);
      if (parsed.ok) return JSON.stringify(this.json(parsed.value, opts));
    }
    return this.text(this.params(text, opts));
  }

  /** A URL for a report: sensitive query parameters and known secrets redacted. */
  url(u: string, opts: RedactOptions = LEARN): string {
    return this.text(this.params(u, opts));
  }

  /**
   * Headers for a report: credential headers redacted, sensitive parameters of a redirect's
   * Location (an authorization code) too, `text()` applied to the others.
   */
  headers(h: Record<string, string>, opts: RedactOptions = LEARN): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(h)) {
      const lower = name.toLowerCase();
      if (lower === 'authorization' || lower === 'proxy-authorization') {
        out[name] = this.credentials(value, opts);
      } else if (sensitiveHeaders.has(lower)) {
        if (opts.learn) this.addSecret(value);
        out[name] = redactionMarker(value);
      } else if (lower === 'location') {
        out[name] = this.url(value, opts);
      } else {
        out[name] = this.text(value);
      }
    }
    return out;
  }

  /** `Scheme credentials` keeps the scheme; Basic credentials also teach the password. */
  private credentials(value: string, opts: RedactOptions): string {
    const learn = (secret: string) => opts.learn && this.addSecret(secret);
    const m = /^([A-Za-z][A-Za-z0-9._~+-]*)\s+(\S.*)$/s.exec(value);
    if (!m) {
      learn(value);
      return redactionMarker(value);
    }
    const [, scheme, credential] = m as unknown as [string, string, string];
    learn(credential);
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) learn(decoded.slice(colon + 1));
    }
    return `${scheme} ${redactionMarker(credential)}`;
  }

  /** Redact sensitive `name=value` parameters (and remember their values when learning). */
  private params(s: string, opts: RedactOptions): string {
    return s.replace(SENSITIVE_PARAM, (_all, lead: string, name: string, raw: string) => {
      if (raw === '') return `${lead}${name}=`;
      const decoded = safeDecode(raw);
      if (opts.learn) {
        this.addSecret(raw);
        if (decoded !== undefined) this.addSecret(decoded);
      }
      return `${lead}${name}=${redactionMarker(decoded ?? raw)}`;
    });
  }

  /** Remember the values of sensitive members (strings, and string leaves of nested values). */
  private learn(value: unknown): void {
    const stack: Array<{ v: unknown; sensitive: boolean }> = [{ v: value, sensitive: false }];
    const seen = new Set<object>();
    while (stack.length > 0) {
      const { v, sensitive } = stack.pop()!;
      if (typeof v === 'string') {
        if (sensitive) this.addSecret(v);
      } else if (v !== null && typeof v === 'object' && !seen.has(v)) {
        seen.add(v);
        if (Array.isArray(v)) {
          for (const item of v) stack.push({ v: item, sensitive });
        } else {
          for (const [k, item] of Object.entries(v)) {
            const learnt = isSensitiveKey(k) && !IN_PLACE_ONLY.has(k.toLowerCase());
            stack.push({ v: item, sensitive: sensitive || learnt });
          }
        }
      }
    }
  }

  private copy(value: unknown): unknown {
    const root: { value?: unknown } = {};
    type Task = { v: unknown; assign: (x: unknown) => void };
    const stack: Task[] = [{ v: value, assign: (x) => (root.value = x) }];
    const inProgress = new Set<object>();
    while (stack.length > 0) {
      const { v, assign } = stack.pop()!;
      if (typeof v === 'string') {
        assign(this.text(v));
      } else if (v === null || typeof v !== 'object') {
        assign(v);
      } else if (inProgress.has(v)) {
        assign('«circular»');
      } else {
        inProgress.add(v);
        if (Array.isArray(v)) {
          const out: unknown[] = new Array(v.length);
          assign(out);
          for (let i = v.length - 1; i >= 0; i--) {
            stack.push({ v: v[i], assign: (x) => (out[i] = x) });
          }
        } else {
          const out: Record<string, unknown> = {};
          assign(out);
          const entries = Object.entries(v);
          for (const [k] of entries) out[this.text(k)] = undefined; // keep key order
          for (let i = entries.length - 1; i >= 0; i--) {
            const [k, item] = entries[i]!;
            const key = this.text(k);
            if (isSensitiveKey(k)) {
              out[key] = redactValue(item);
            } else {
              stack.push({ v: item, assign: (x) => (out[key] = x) });
            }
          }
        }
      }
    }
    return root.value;
  }
}

/** Characters hashed for Redactor's probe (at most MIN_SECRET_LENGTH), and the probe's size. */
const PROBE_CHARS = 4;
const PROBE_BITS = 1 << 20;

/** A hash of the PROBE_CHARS characters of `s` from `at`, below PROBE_BITS. */
function probeHash(s: string, at: number): number {
  let h = 0;
  for (let k = at; k < at + PROBE_CHARS; k++) h = (Math.imul(h, 31) + s.charCodeAt(k)) | 0;
  return h & (PROBE_BITS - 1);
}

/** `«redacted:<first 8 hex of sha256>»` for a secret value. */
export function redactionMarker(secret: string): string {
  const hash = createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 8);
  return `«redacted:${hash}»`;
}

/** The replacement for a sensitive member. Empty strings and null stay visible: they hide nothing. */
function redactValue(v: unknown): unknown {
  if (v === null || v === '') return v;
  if (typeof v === 'string') return redactionMarker(v);
  if (typeof v === 'object') return redactionMarker(Array.isArray(v) ? 'array' : 'object');
  return redactionMarker(String(v));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeEncode(s: string): string | undefined {
  try {
    return encodeURIComponent(s);
  } catch {
    return undefined; // lone surrogate
  }
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
