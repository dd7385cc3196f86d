import { decodeProtectedHeader } from 'jose/decode/protected_header';
import { analyzeDeviceCodes } from './code-analysis.ts';

/**
 * Whether access and refresh tokens can be guessed or forged (RFC 6749 §10.3, §10.4, §10.10;
 * RFC 9700 §4.14.2), judged from tokens issued one after the other. Pure: no I/O, no clock.
 *
 * Opaque tokens are handles: what protects them is their entropy, estimated as for device codes
 * (an upper bound: length × log2 of the alphabet, less any shared prefix or suffix, counter or
 * timestamp found). Self-contained tokens (JWS compact: header.payload.signature) are protected
 * by their signature instead: their readable header and claims are structured by design, so
 * entropy says nothing about them, but an unsigned one (alg none, or no signature) is forgeable.
 */

/** RFC 6749 §10.10: the probability of guessing a token MUST be ≤ 2^-128. */
export const TOKEN_MIN_BITS = 128;

export interface OpaqueTokenAnalysis {
  form: 'opaque';
  /** Distinct tokens analysed (a token seen twice is analysed once). */
  samples: number;
  /** Estimated entropy of the weakest token, in bits (structure subtracted). */
  bits: number;
  minLength: number;
  assumedAlphabetSize: number;
  /** Structure found across tokens (shared prefix, counter, timestamp), or undefined. */
  structure?: string;
}

export interface JwtTokenAnalysis {
  form: 'jwt';
  samples: number;
  /** The `alg` header values seen, sorted, unique. */
  algorithms: string[];
  /** Tokens that carry no integrity protection: alg none or an empty signature. */
  unsigned: number;
}

export type TokenAnalysis = OpaqueTokenAnalysis | JwtTokenAnalysis;

/** The `alg` of a JWS in compact form, or undefined when the token is not one. */
export function jwsAlgorithm(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(token)) return undefined;
  try {
    const alg = decodeProtectedHeader(token).alg;
    return typeof alg === 'string' ? alg : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Analyses tokens in issue order. Every token must be a JWS for the JWT reading; a mix is read
 * as opaque (the JWTs among them then weigh as long structured strings, which only lowers the
 * estimate when they share a header). `nowSeconds` is the time of sampling.
 */
export function analyzeTokens(tokens: readonly string[], nowSeconds: number): TokenAnalysis {
  const distinct = [...new Set(tokens)];
  const algorithms = distinct.map(jwsAlgorithm);
  if (distinct.length > 0 && algorithms.every((a) => a !== undefined)) {
    const unsigned = distinct.filter(
      (t, i) => algorithms[i]!.toLowerCase() === 'none' || t.endsWith('.'),
    ).length;
    return {
      form: 'jwt',
      samples: distinct.length,
      algorithms: [...new Set(algorithms as string[])].sort(),
      unsigned,
    };
  }
  const a = analyzeDeviceCodes(distinct, nowSeconds);
  return {
    form: 'opaque',
    samples: a.samples,
    bits: a.bits,
    minLength: a.minLength,
    assumedAlphabetSize: a.assumedAlphabetSize,
    ...(a.predictable !== undefined ? { structure: a.predictable } : {}),
  };
}

/**
 * The expiry a JWS carries in its payload, in epoch seconds: `exp`, or `expirationTimestamp`
 * directly or inside the `serialized` JSON string AWS wraps its client secret's claims in
 * (EVIDENCE.md E3). Undefined for an opaque value or a JWS without one. Reads, never verifies.
 */
export function jwsExpiry(value: string): number | undefined {
  if (jwsAlgorithm(value) === undefined) return undefined;
  const parse = (json: string): Record<string, unknown> | undefined => {
    try {
      const v: unknown = JSON.parse(json);
      return v !== null && typeof v === 'object' && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  };
  const payload = parse(Buffer.from(value.split('.')[1]!, 'base64url').toString('utf8'));
  const inner = typeof payload?.serialized === 'string' ? parse(payload.serialized) : undefined;
  for (const claims of [payload, inner])
    for (const name of ['expirationTimestamp', 'exp'])
      if (typeof claims?.[name] === 'number' && Number.isFinite(claims[name]))
        return claims[name] as number;
  return undefined;
}
