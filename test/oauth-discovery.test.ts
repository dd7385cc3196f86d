import { afterEach, describe, expect, it } from 'vitest';
import { ExchangeLog } from '../harness/http/exchange.ts';
import type { HttpContext } from '../harness/http/http.ts';
import { Redactor } from '../harness/http/redact.ts';
import { discoverMetadata, endpointsOf, metadataLocations } from '../harness/oauth/discovery.ts';
import { startReferenceServer, type RunningReferenceServer } from '../reference/server.ts';

const http = (): HttpContext => ({
  recorder: new ExchangeLog(),
  redactor: new Redactor(),
  limits: { timeoutMs: 5000 },
});

const servers: RunningReferenceServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('metadata discovery', () => {
  it('inserts the well-known path before the issuer path (RFC 8414 §3.1), then tries OpenID', () => {
    expect(metadataLocations('https://idp.example.com/tenant1/').map((l) => l.url)).toEqual([
      'https://idp.example.com/.well-known/oauth-authorization-server/tenant1',
      'https://idp.example.com/tenant1/.well-known/openid-configuration',
      'https://idp.example.com/.well-known/openid-configuration/tenant1',
    ]);
    // Without a path the two OpenID forms are one URL, tried once.
    expect(metadataLocations('https://idp.example.com').map((l) => l.kind)).toEqual([
      'oauth-authorization-server',
      'openid-configuration',
    ]);
  });

  it('finds the reference server document at the first location', async () => {
    const server = await startReferenceServer({});
    servers.push(server);
    const discovery = await discoverMetadata(server.url, http());
    expect(discovery.found?.location.kind).toBe('oauth-authorization-server');
    expect(discovery.found?.document.issuer).toBe(server.url);
    expect(discovery.attempts).toHaveLength(1);
  });

  it('reports every place it looked when an issuer publishes nothing', async () => {
    const server = await startReferenceServer({});
    servers.push(server);
    const discovery = await discoverMetadata(`${server.url}/tenant`, http());
    expect(discovery.found).toBeUndefined();
    expect(discovery.attempts.map((a) => a.status)).toEqual([404, 404, 404]);
  });

  it('takes an endpoint given explicitly over the one in the metadata', () => {
    const document = {
      device_authorization_endpoint: 'https://a/device',
      token_endpoint: 'https://a/token',
    };
    expect(endpointsOf(document, { tokenEndpoint: 'https://b/token' })).toEqual({
      deviceAuthorizationEndpoint: 'https://a/device',
      tokenEndpoint: 'https://b/token',
      registrationEndpoint: undefined,
    });
    expect(endpointsOf(undefined, {})).toEqual({
      deviceAuthorizationEndpoint: undefined,
      tokenEndpoint: undefined,
      registrationEndpoint: undefined,
    });
  });
});
