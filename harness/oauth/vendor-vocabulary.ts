/**
 * The vendor vocabulary of the plain OAuth wire: names real identity providers send where the
 * RFCs name another, each recorded as an ambiguity (AMB-*) in REQUIREMENTS.md. The rfc8628
 * profile reads them as the meaning they stand for (so a denial called `authorization_declined`
 * ends a flow as `access_denied` does), keeps what was sent, and the checks report the synonym
 * as an observation citing its AMB row: a variation, never a failure.
 */

/** An error code a vendor sends for one the RFCs name. */
export interface ErrorSynonym {
  /** The RFC's code it stands for. */
  readonly meaning: string;
  /** The ambiguity row that records it. */
  readonly amb: string;
  /** Who is known to send it. */
  readonly vendors: string;
}

const ERROR_SYNONYMS: Readonly<Record<string, ErrorSynonym>> = {
  // RFC 8628 §3.5 names access_denied for a denial.
  authorization_declined: { meaning: 'access_denied', amb: 'AMB-5', vendors: 'Entra ID, Okta' },
  // RFC 6749 §5.2 names invalid_grant for a device code the server does not know (or no longer).
  bad_verification_code: { meaning: 'invalid_grant', amb: 'AMB-4', vendors: 'Entra ID' },
  incorrect_device_code: { meaning: 'invalid_grant', amb: 'AMB-4', vendors: 'GitHub' },
};

/** The synonym `code` is, if it is one (own properties only: `toString` is no synonym). */
export function errorSynonym(code: string): ErrorSynonym | undefined {
  return Object.hasOwn(ERROR_SYNONYMS, code) ? ERROR_SYNONYMS[code] : undefined;
}

/** A response member a vendor sends under a name the RFC does not use. */
export interface MemberAlias {
  /** The RFC's wire name. */
  readonly standard: string;
  /** The name the server used. */
  readonly sent: string;
  /** The ambiguity row that records it. */
  readonly amb: string;
}

/**
 * Pre-RFC names of the device authorization response (AMB-10): Google and Entra ID v1 sent
 * `verification_url`. Read only when the RFC name is absent.
 */
export const DEVICE_AUTHORIZATION_ALIASES: readonly MemberAlias[] = [
  { standard: 'verification_uri', sent: 'verification_url', amb: 'AMB-10' },
];
