/**
 * Regions of one partition: reference servers that each serve one region and know which of
 * them issued a token (AWS-IAM-REGION). A token one region issued and another is shown is
 * answered with InvalidRequestRegionException naming the issuer's endpoint and region, as the
 * model says (E11: "a token provided as input to the request was issued by and is only usable
 * by calling IAM Identity Center endpoints in another region").
 */
export interface TokenIssuer {
  region: string;
  endpoint: string;
}

/** Tokens kept per partition, oldest forgotten first: a long `serve` stays bounded. */
const MAX_TOKENS = 10_000;

export class RegionPartition {
  private readonly issuers = new Map<string, TokenIssuer>();

  /** `issuer` issued `tokens` (absent ones ignored). */
  record(issuer: TokenIssuer, ...tokens: (string | undefined)[]): void {
    for (const token of tokens) {
      if (token === undefined) continue;
      this.issuers.set(token, issuer);
      if (this.issuers.size > MAX_TOKENS) {
        const oldest = this.issuers.keys().next().value;
        if (oldest !== undefined) this.issuers.delete(oldest);
      }
    }
  }

  /** Who issued `token`, if a server of the partition did. */
  issuerOf(token: string | undefined): TokenIssuer | undefined {
    return token === undefined ? undefined : this.issuers.get(token);
  }
}
