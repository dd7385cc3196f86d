/**
 * Entropy and predictability of sampled user codes and device codes (RFC 8628 §5.1, §5.2, §6.1;
 * RFC 6749 §10.10).
 *
 * The suite requests N device authorizations (N ≈ 20–50, in issue order) and hands the codes to
 * the two functions below. They are pure: no I/O, no clock (the caller passes `nowSeconds`).
 *
 * The model: a code is a string of characters drawn from some alphabet. The alphabet is guessed
 * as the smallest well-known alphabet containing every character seen, and each character that is
 * not explained by structure (constant positions, a shared prefix or suffix, a counter, a
 * timestamp) is credited with log2(alphabet size) bits. This is an upper bound on the entropy the
 * server really uses; structure found in the sample only ever lowers it.
 *
 * Every heuristic is tuned so that it does not fire on truly random codes: a finding is reported
 * only when chance would produce it with a negligible probability (see CODE_ANALYSIS_THRESHOLDS).
 */

/** Thresholds used by the heuristics, exported so that reports can quote them. */
export const CODE_ANALYSIS_THRESHOLDS = {
  /**
   * A character position that never changes is treated as fixed only over at least this many
   * samples (by chance: probability alphabet^-(samples-1) per position, 20^-19 for base-20).
   */
  minSamplesForPositions: 20,
  /** Counting heuristics need at least this many codes (4 consecutive pairs). */
  minSamplesForSequences: 5,
  /** A prefix or suffix shared by all device codes is reported from this many characters on. */
  minSharedDeviceAffix: 4,
  /**
   * A shared prefix or suffix is reported only when chance would produce it with probability at
   * most 2^-chanceBits, i.e. when length × (samples − 1) × log2(alphabet) ≥ chanceBits.
   */
  chanceBits: 32,
  /** The largest step between consecutive codes still read as counting (other clients may interleave). */
  maxCounterStep: 100,
  /**
   * The step must also be at most modulus / counterStepRatio, where modulus is the number of
   * values the counted characters can take: a random pair then qualifies with probability ≤ 1/1000.
   */
  counterStepRatio: 1000,
  /** The widest counter searched for inside device codes, in characters. */
  maxCounterWidth: 12,
  /** An embedded timestamp must be within this many seconds of `nowSeconds`. */
  timeToleranceSeconds: 86_400,
} as const;

const T = CODE_ANALYSIS_THRESHOLDS;

export interface UserCodeAnalysis {
  samples: number;
  /** Distinct codes, compared on their significant characters (case-folded when case is ignored). */
  distinct: number;
  /**
   * Characters that carry information, after removing separators (anything but letters and
   * digits) and ignoring case (upper-casing) if every sample is single-case: sorted, unique.
   */
  alphabet: string;
  /**
   * The alphabet size assumed for the estimate: the smallest of decimal 10, hexadecimal 16
   * (0-9A-F), RFC 8628 base-20 consonants BCDFGHJKLMNPQRSTVWXZ 20, uppercase letters 26,
   * Crockford base32 32, uppercase alphanumeric 36 and alphanumeric 62 that contains every
   * character seen at positions not found to be structured, else the observed size.
   */
  assumedAlphabetSize: number;
  /** Significant length: the number of significant characters (most common over samples, ties to the shorter). */
  length: number;
  /**
   * Estimated entropy in bits: log2(assumedAlphabetSize) for each of the `length` positions that
   * is not structured (constant, shared prefix/suffix, counter); 0 for a counter over the whole code.
   */
  bits: number;
  /** Display format, e.g. 'XXXX-XXXX' (X for significant characters, separators kept); most common. */
  format: string;
  /**
   * Confusable characters, as groups: '0/O/o' and '1/I/l' restricted to the members seen (case
   * variants merged when case is ignored), e.g. ['0/O', '1/I/l']. A group counts when at least two
   * of its members appear, or when its digit appears together with letters (then the group is
   * named whole: '0/O' or '1/I/l'). RFC 8628 §6.1 recommends avoiding them.
   */
  confusables: string[];
  /**
   * Why the sample looks predictable ('; '-separated reasons), or undefined: consecutive codes
   * counting up; all codes identical; a prefix/suffix shared by all samples covering more than
   * half the length (and implausible by chance); positions (1-based) that never change over at
   * least 20 samples.
   */
  predictable?: string;
}

export interface DeviceCodeAnalysis {
  samples: number;
  distinct: number;
  /** Characters seen, sorted, unique. */
  alphabet: string;
  /**
   * The smallest of decimal 10, hexadecimal 16 (one case), RFC 4648 base32 32 (one case, '='
   * padding), alphanumeric 62, base64url 64 (A-Za-z0-9-_) and base64 64 (A-Za-z0-9+/=) containing
   * every character seen outside the structured parts (e.g. the dashes and version digit of a
   * UUID, over ≥ 20 samples), else the observed size.
   */
  assumedAlphabetSize: number;
  minLength: number;
  /**
   * log2(assumedAlphabetSize) for each character not explained by structure (constant positions
   * over ≥ 20 samples, a reported shared prefix/suffix, a counter, a timestamp), taking the
   * weakest sample: minLength × log2(assumedAlphabetSize) when no structure is found.
   */
  bits: number;
  /** Longest prefix shared by all samples, in characters. */
  sharedPrefix: number;
  /** Longest suffix shared by all samples, in characters. */
  sharedSuffix: number;
  /**
   * Why the codes look predictable ('; '-separated reasons), or undefined: a shared prefix/suffix
   * of ≥ 4 characters implausible by chance, identical or repeated codes, a counter (decimal or
   * hexadecimal, counting up over most consecutive pairs), the current time (epoch seconds or
   * milliseconds, in decimal, hexadecimal or base 36 for milliseconds, within a day of
   * `nowSeconds`, in more than half of the samples).
   */
  predictable?: string;
}

// ---------------------------------------------------------------------------------------------
// Alphabets

interface KnownAlphabet {
  name: string;
  /** Characters in counting order (value of a character = its index). */
  chars: string;
  /** Entropy-bearing size (base64 and base32 count their '=' padding as no symbol). */
  size: number;
}

function known(name: string, chars: string, size = chars.length): KnownAlphabet {
  return { name, chars, size };
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = UPPER.toLowerCase();

/** Candidate user-code alphabets (after case folding to upper case), smallest first. */
const USER_CODE_ALPHABETS: readonly KnownAlphabet[] = [
  known('decimal', DIGITS),
  known('hexadecimal', DIGITS + 'ABCDEF'),
  known('RFC 8628 base-20', 'BCDFGHJKLMNPQRSTVWXZ'),
  known('uppercase letters', UPPER),
  known('Crockford base32', '0123456789ABCDEFGHJKMNPQRSTVWXYZ'),
  known('uppercase alphanumeric', DIGITS + UPPER),
  known('alphanumeric', DIGITS + UPPER + LOWER),
];

/** Candidate device-code alphabets, smallest first. */
const DEVICE_CODE_ALPHABETS: readonly KnownAlphabet[] = [
  known('decimal', DIGITS),
  known('hexadecimal', DIGITS + 'abcdef'),
  known('hexadecimal', DIGITS + 'ABCDEF'),
  known('base32', UPPER + '234567=', 32),
  known('base32', LOWER + '234567=', 32),
  known('alphanumeric', DIGITS + UPPER + LOWER),
  known('base64url', UPPER + LOWER + DIGITS + '-_'),
  known('base64', UPPER + LOWER + DIGITS + '+/=', 64),
];

function containsAll(alphabet: KnownAlphabet, seen: ReadonlySet<string>): boolean {
  for (const c of seen) if (!alphabet.chars.includes(c)) return false;
  return true;
}

/** The size of the smallest candidate alphabet containing every character seen, else the observed size. */
function assumedSize(seen: ReadonlySet<string>, candidates: readonly KnownAlphabet[]): number {
  if (seen.size === 0) return 0;
  return candidates.find((a) => containsAll(a, seen))?.size ?? seen.size;
}

function bitsPerCharacter(alphabetSize: number): number {
  return alphabetSize > 1 ? Math.log2(alphabetSize) : 0;
}

function sortedUnique(chars: Iterable<string>): string {
  return [...new Set(chars)].sort().join('');
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** The most frequent value; ties go to the one seen first. */
function mostCommon<V>(values: readonly V[]): V | undefined {
  const counts = new Map<V, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: V | undefined;
  let bestCount = 0;
  for (const [v, n] of counts) {
    if (n > bestCount) [best, bestCount] = [v, n];
  }
  return best;
}

function sharedPrefixLength(codes: readonly string[]): number {
  if (codes.length === 0) return 0;
  let n = Math.min(...codes.map((c) => c.length));
  for (const code of codes) {
    let i = 0;
    while (i < n && code[i] === codes[0][i]) i++;
    n = i;
  }
  return n;
}

function sharedSuffixLength(codes: readonly string[]): number {
  return sharedPrefixLength(codes.map((c) => [...c].reverse().join('')));
}

/** Whether `chars` characters shared by all `samples` codes are implausible for random codes. */
function implausibleByChance(chars: number, samples: number, alphabetSize: number): boolean {
  return chars * (samples - 1) * bitsPerCharacter(alphabetSize) >= T.chanceBits;
}

/** Columns (0-based) where every code has the same character; codes have equal lengths. */
function constantColumns(codes: readonly string[]): number[] {
  const columns: number[] = [];
  if (codes.length === 0) return columns;
  for (let c = 0; c < codes[0].length; c++) {
    if (codes.every((code) => code[c] === codes[0][c])) columns.push(c);
  }
  return columns;
}

/** '1-3, 6' from [0, 1, 2, 5]: 1-based positions with ranges. */
function describePositions(positions: readonly number[]): string {
  const sorted = [...positions].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i] + 1}` : `${sorted[i] + 1}-${sorted[j] + 1}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** 'a 12-character', 'an 8-character', 'an 11-character'. */
function characters(n: number): string {
  const article = /^(8|11|18)(\d{3})*$|^8/.test(String(n)) ? 'an' : 'a';
  return `${article} ${n}-character`;
}

interface Counting {
  hits: number;
  pairs: number;
}

/**
 * Whether consecutive values count up: for more than half of the consecutive pairs, the
 * difference modulo `modulus` is between 1 and min(maxCounterStep, modulus / counterStepRatio).
 * Needs at least minSamplesForSequences values.
 */
function countsUp(values: readonly bigint[], modulus: bigint): Counting | undefined {
  if (values.length < T.minSamplesForSequences) return undefined;
  const limit = modulus / BigInt(T.counterStepRatio);
  const maxStep = limit < BigInt(T.maxCounterStep) ? limit : BigInt(T.maxCounterStep);
  if (maxStep < 1n) return undefined;
  const pairs = values.length - 1;
  let hits = 0;
  for (let i = 0; i < pairs; i++) {
    const step = (((values[i + 1] - values[i]) % modulus) + modulus) % modulus;
    if (step >= 1n && step <= maxStep) hits++;
  }
  return hits * 2 > pairs ? { hits, pairs } : undefined;
}

// ---------------------------------------------------------------------------------------------
// User codes

const CONFUSABLE_GROUPS: readonly { members: readonly string[]; whole: string }[] = [
  { members: ['0', 'O', 'o'], whole: '0/O' },
  { members: ['1', 'I', 'l'], whole: '1/I/l' },
];

/** Confusable groups among the significant characters seen (case preserved). */
function findConfusables(seen: ReadonlySet<string>, ignoreCase: boolean): string[] {
  const hasLetters = [...seen].some((c) => /\p{L}/u.test(c));
  const found: string[] = [];
  for (const { members, whole } of CONFUSABLE_GROUPS) {
    let present = members.filter((c) => seen.has(c));
    if (ignoreCase) {
      present = present.filter(
        (c, i) => present.findIndex((d) => d.toUpperCase() === c.toUpperCase()) === i,
      );
    }
    if (present.length >= 2) found.push(present.join('/'));
    else if (present[0] === members[0] && hasLetters) found.push(whole);
  }
  return found;
}

interface UserCodeCounter extends Counting {
  alphabet: KnownAlphabet;
  /** Width of the counting suffix, in characters. */
  width: number;
}

/**
 * Looks for consecutive codes counting up in their last characters, reading the codes as numbers
 * in each candidate alphabet containing every character seen (and in the observed alphabet).
 * Returns the widest counting suffix found.
 */
function findUserCodeCounter(codes: readonly string[], seen: ReadonlySet<string>) {
  if (codes.length < T.minSamplesForSequences) return undefined;
  const observed = known('observed', sortedUnique(seen));
  let best: UserCodeCounter | undefined;
  for (const alphabet of [...USER_CODE_ALPHABETS, observed]) {
    if (!containsAll(alphabet, seen)) continue;
    const radix = BigInt(alphabet.chars.length);
    const values = codes.map(() => 0n);
    let modulus = 1n;
    for (let width = 1; width <= codes[0].length; width++) {
      const column = codes[0].length - width;
      codes.forEach((code, i) => {
        values[i] += BigInt(alphabet.chars.indexOf(code[column])) * modulus;
      });
      modulus *= radix;
      const counting = countsUp(values, modulus);
      if (counting && (!best || width > best.width)) best = { ...counting, alphabet, width };
    }
  }
  return best;
}

/** Analyses user codes sampled in issue order (RFC 8628 §5.1, §6.1). */
export function analyzeUserCodes(codes: string[]): UserCodeAnalysis {
  const raw = codes.map((c) => c.replace(/[^\p{L}\p{N}]/gu, ''));
  const ignoreCase = raw.every((s) => !(/\p{Lu}/u.test(s) && /\p{Ll}/u.test(s)));
  const significant = ignoreCase ? raw.map((s) => s.toUpperCase()) : raw;
  const seen = new Set(significant.join(''));
  const length = mostCommon(significant.map((s) => s.length).sort((a, b) => a - b)) ?? 0;
  const format = mostCommon(codes.map((c) => c.replace(/[\p{L}\p{N}]/gu, 'X'))) ?? '';
  const typical = significant.filter((s) => s.length === length);
  const overallSize = assumedSize(seen, USER_CODE_ALPHABETS);

  const structured = new Set<number>();
  const mark = (from: number, to: number) => {
    for (let p = from; p < to; p++) structured.add(p);
  };
  const reasons: string[] = [];

  const counter = findUserCodeCounter(typical, new Set(typical.join('')));
  if (counter) {
    const counted =
      counter.width === length
        ? 'consecutive codes count up'
        : `the last ${counter.width} characters of consecutive codes count up`;
    reasons.push(
      `${counted} (base ${counter.alphabet.chars.length}, ${counter.alphabet.name} order) ` +
        `in ${counter.hits} of ${counter.pairs} pairs`,
    );
    mark(length - counter.width, length);
  }

  const samples = codes.length;
  const prefix = Math.min(sharedPrefixLength(significant), length);
  const suffix = Math.min(sharedSuffixLength(significant), length);
  const affixFlagged = (n: number) =>
    samples >= 2 && n * 2 > length && implausibleByChance(n, samples, overallSize);
  if (new Set(significant).size === 1 && affixFlagged(length)) {
    reasons.push(`all ${samples} codes are identical`);
    mark(0, length);
  } else {
    if (affixFlagged(prefix)) {
      reasons.push(`all codes share ${characters(prefix)} prefix (of ${length})`);
      mark(0, prefix);
    }
    if (affixFlagged(suffix)) {
      reasons.push(`all codes share ${characters(suffix)} suffix (of ${length})`);
      mark(length - suffix, length);
    }
  }

  if (typical.length >= T.minSamplesForPositions) {
    const fixed = constantColumns(typical).filter((c) => !structured.has(c));
    if (fixed.length > 0) {
      const which = fixed.length === 1 ? 'position' : 'positions';
      const verb = fixed.length === 1 ? 'never changes' : 'never change';
      reasons.push(`${which} ${describePositions(fixed)} ${verb} over ${typical.length} samples`);
      fixed.forEach((c) => structured.add(c));
    }
  }

  const varying = new Set(
    typical.flatMap((code) => [...code].filter((_, p) => !structured.has(p))),
  );
  const assumedAlphabetSize =
    varying.size > 0 ? assumedSize(varying, USER_CODE_ALPHABETS) : overallSize;
  return {
    samples,
    distinct: new Set(significant).size,
    alphabet: sortedUnique(seen),
    assumedAlphabetSize,
    length,
    bits: Math.max(0, length - structured.size) * bitsPerCharacter(assumedAlphabetSize),
    format,
    confusables: findConfusables(new Set(raw.join('')), ignoreCase),
    ...(reasons.length > 0 ? { predictable: reasons.join('; ') } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Device codes

type Alignment = 'start' | 'end';

/** Ways to line up the codes column by column: from the start, and from the end if lengths vary. */
function alignmentsOf(codes: readonly string[]): Alignment[] {
  return codes.every((c) => c.length === codes[0].length) ? ['start'] : ['start', 'end'];
}

/** The first or last `width` characters of each code. */
function alignedViews(codes: readonly string[], width: number, align: Alignment): string[] {
  return codes.map((c) => (align === 'start' ? c.slice(0, width) : c.slice(c.length - width)));
}

/** Offset in `code` of column `column` of its aligned view of `width` characters. */
function offsetOf(code: string, width: number, align: Alignment, column: number): number {
  return align === 'start' ? column : code.length - width + column;
}

interface TimeEncoding {
  label: string;
  radix: number;
  /** 1 for seconds, 1000 for milliseconds. */
  scale: number;
  /** Characters allowed, each one case: a run must match one of them entirely. */
  charsets: readonly RegExp[];
}

const TIME_ENCODINGS: readonly TimeEncoding[] = [
  { label: 'epoch milliseconds in decimal', radix: 10, scale: 1000, charsets: [/^[0-9]+$/] },
  { label: 'epoch seconds in decimal', radix: 10, scale: 1, charsets: [/^[0-9]+$/] },
  {
    label: 'epoch milliseconds in hexadecimal',
    radix: 16,
    scale: 1000,
    charsets: [/^[0-9a-f]+$/, /^[0-9A-F]+$/],
  },
  {
    label: 'epoch seconds in hexadecimal',
    radix: 16,
    scale: 1,
    charsets: [/^[0-9a-f]+$/, /^[0-9A-F]+$/],
  },
  {
    label: 'epoch milliseconds in base 36',
    radix: 36,
    scale: 1000,
    charsets: [/^[0-9a-z]+$/, /^[0-9A-Z]+$/],
  },
];

interface TimeMatch {
  label: string;
  from: number;
  to: number;
}

/** The first window of `code` encoding a time within timeToleranceSeconds of `nowSeconds`. */
function findTime(code: string, nowSeconds: number): TimeMatch | undefined {
  for (const { label, radix, scale, charsets } of TIME_ENCODINGS) {
    const target = nowSeconds * scale;
    const width = Math.round(target).toString(radix).length;
    const tolerance = T.timeToleranceSeconds * scale;
    for (let from = 0; from + width <= code.length; from++) {
      const window = code.slice(from, from + width);
      if (!charsets.some((set) => set.test(window))) continue;
      if (Math.abs(parseInt(window, radix) - target) <= tolerance) {
        return { label, from, to: from + width };
      }
    }
  }
  return undefined;
}

interface DeviceCodeCounter extends Counting {
  align: Alignment;
  /** Columns [from, to) of the aligned views of minLength characters. */
  from: number;
  to: number;
  radix: 10 | 16;
}

/**
 * Looks for a decimal or hexadecimal counter: a window of columns, all digits in every code,
 * whose value counts up between consecutive codes (see countsUp). Windows lying in the
 * timestamp of most codes are skipped. Returns the widest one.
 */
function findDeviceCodeCounter(
  codes: readonly string[],
  minLength: number,
  times: readonly (TimeMatch | undefined)[],
): DeviceCodeCounter | undefined {
  if (codes.length < T.minSamplesForSequences) return undefined;
  let best: DeviceCodeCounter | undefined;
  for (const align of alignmentsOf(codes)) {
    const views = alignedViews(codes, minLength, align);
    /** Whether columns [from, to) overlap the timestamp in more than half of the codes. */
    const inTime = (from: number, to: number) => {
      const overlapping = codes.filter((code, i) => {
        const time = times[i];
        const start = offsetOf(code, minLength, align, from);
        return time !== undefined && start < time.to && start + (to - from) > time.from;
      });
      return overlapping.length * 2 > codes.length;
    };
    for (const radix of [10, 16] as const) {
      const digit = radix === 10 ? /[0-9]/ : /[0-9a-fA-F]/;
      const allDigits = Array.from({ length: minLength }, (_, c) =>
        views.every((v) => digit.test(v[c])),
      );
      for (let to = 1; to <= minLength; to++) {
        const values = views.map(() => 0n);
        let modulus = 1n;
        for (let width = 1; width <= T.maxCounterWidth && width <= to; width++) {
          const column = to - width;
          if (!allDigits[column]) break;
          views.forEach((v, i) => {
            values[i] += BigInt(parseInt(v[column], radix)) * modulus;
          });
          modulus *= BigInt(radix);
          const counting = countsUp(values, modulus);
          if (!counting || (best && width <= best.to - best.from)) continue;
          if (!inTime(column, to)) best = { ...counting, align, from: column, to, radix };
        }
      }
    }
  }
  return best;
}

function describeCounter(counter: DeviceCodeCounter, minLength: number): string {
  const width = counter.to - counter.from;
  const where =
    counter.align === 'start'
      ? `characters ${counter.from + 1}-${counter.to}`
      : counter.to === minLength
        ? `the last ${width} characters`
        : `characters ${counter.from + 1}-${counter.to} of the last ${minLength}`;
  const radix = counter.radix === 10 ? 'decimal' : 'hexadecimal';
  return (
    `codes contain a counter (${radix}, ${where}, counting up in ${counter.hits} of ` +
    `${counter.pairs} consecutive pairs)`
  );
}

/**
 * Analyses device codes sampled in issue order (RFC 8628 §5.2, RFC 6749 §10.10). `nowSeconds` is
 * the time of sampling (epoch seconds), used to recognise embedded timestamps.
 */
export function analyzeDeviceCodes(codes: string[], nowSeconds: number): DeviceCodeAnalysis {
  const samples = codes.length;
  const distinct = new Set(codes).size;
  const seen = new Set(codes.join(''));
  const minLength = samples > 0 ? Math.min(...codes.map((c) => c.length)) : 0;
  const sharedPrefix = sharedPrefixLength(codes);
  const sharedSuffix = sharedSuffixLength(codes);
  const overallSize = assumedSize(seen, DEVICE_CODE_ALPHABETS);

  /** Offsets, per code, of characters explained by structure. */
  const structured = codes.map(() => new Set<number>());
  const mark = (i: number, from: number, to: number) => {
    for (let p = from; p < to; p++) structured[i].add(p);
  };
  const reasons: string[] = [];

  const affixFlagged = (n: number) =>
    samples >= 2 && n >= T.minSharedDeviceAffix && implausibleByChance(n, samples, overallSize);
  const prefixFlagged = affixFlagged(sharedPrefix);
  const suffixFlagged = affixFlagged(sharedSuffix);
  if (distinct === 1 && prefixFlagged) {
    reasons.push(`all ${samples} codes are identical`);
  } else {
    if (prefixFlagged) reasons.push(`all codes share ${characters(sharedPrefix)} prefix`);
    if (suffixFlagged) reasons.push(`all codes share ${characters(sharedSuffix)} suffix`);
    if (distinct < samples) reasons.push(`codes repeat (${distinct} distinct in ${samples})`);
  }
  codes.forEach((code, i) => {
    if (prefixFlagged) mark(i, 0, sharedPrefix);
    if (suffixFlagged) mark(i, code.length - sharedSuffix, code.length);
  });

  // Constant columns (separators, version digits, short tags): lower the estimate, but are not
  // called predictable on their own (a UUID has five).
  if (samples >= T.minSamplesForPositions) {
    for (const align of alignmentsOf(codes)) {
      const columns = constantColumns(alignedViews(codes, minLength, align));
      codes.forEach((code, i) => {
        for (const c of columns) structured[i].add(offsetOf(code, minLength, align, c));
      });
    }
  }

  const found = codes.map((code) => findTime(code, nowSeconds));
  const withTime = found.filter((t) => t !== undefined);
  const timeFlagged = withTime.length >= 2 && withTime.length * 2 > samples;
  if (timeFlagged) {
    const label = mostCommon(withTime.map((t) => t.label));
    reasons.push(
      `codes contain the current time (${label}) in ${withTime.length} of ${samples} samples`,
    );
    found.forEach((t, i) => t && mark(i, t.from, t.to));
  }

  const counter = findDeviceCodeCounter(codes, minLength, timeFlagged ? found : []);
  if (counter) {
    reasons.push(describeCounter(counter, minLength));
    codes.forEach((code, i) => {
      const from = offsetOf(code, minLength, counter.align, counter.from);
      mark(i, from, from + counter.to - counter.from);
    });
  }

  const unexplained = codes.map((code, i) => [...code].filter((_, p) => !structured[i].has(p)));
  const varying = new Set(unexplained.flat());
  const assumedAlphabetSize =
    varying.size > 0 ? assumedSize(varying, DEVICE_CODE_ALPHABETS) : overallSize;
  const randomCharacters = samples > 0 ? Math.min(...unexplained.map((u) => u.length)) : 0;
  return {
    samples,
    distinct,
    alphabet: sortedUnique(seen),
    assumedAlphabetSize,
    minLength,
    bits: randomCharacters * bitsPerCharacter(assumedAlphabetSize),
    sharedPrefix,
    sharedSuffix,
    ...(reasons.length > 0 ? { predictable: reasons.join('; ') } : {}),
  };
}
