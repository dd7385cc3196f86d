// oidc-provider ships no type declarations (and @types/oidc-provider is not a dependency).
// This is the small surface test/idp/oidc-provider-server.ts uses, nothing more: the
// configuration is passed through as a plain object and checked by oidc-provider itself.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    /** The Node request listener (a Koa app under the hood). */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
