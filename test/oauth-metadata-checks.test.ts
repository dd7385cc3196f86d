import { describe, expect, it } from 'vitest';
import {
  DEVICE_GRANT,
  judgeDeviceMetadata,
  judgeIssuer,
  judgeMetadataAnswer,
  judgeSchemes,
  judgeTokenEndpoint,
  urlScheme,
} from '../harness/oauth/metadata-checks.ts';

// Each judgement passes on what RFC 8414 / RFC 8628 §4 allow and fails on what they forbid.
const ISSUER = 'https://idp.example.com/tenant';
const GOOD = {
  issuer: ISSUER,
  token_endpoint: 'https://idp.example.com/tenant/token',
  device_authorization_endpoint: 'https://idp.example.com/tenant/device',
  grant_types_supported: ['authorization_code', DEVICE_GRANT],
};
const oks = (js: { ok: boolean; level?: string }[]) => js.map((j) => j.ok);

describe('metadata judgements', () => {
  it('RFC 8414 §3.2: 200 application/json object; anything else fails', () => {
    expect(
      oks(
        judgeMetadataAnswer({
          status: 200,
          contentType: 'application/json; charset=utf-8',
          body: GOOD,
        }),
      ),
    ).toEqual([true]);
    expect(oks(judgeMetadataAnswer({ status: 200, contentType: 'text/html', body: GOOD }))).toEqual(
      [false],
    );
    expect(
      oks(judgeMetadataAnswer({ status: 200, contentType: 'application/json', body: [] })),
    ).toEqual([false]);
  });

  it('RFC 8414 §3.3: the issuer must match exactly (a trailing slash is a different issuer)', () => {
    expect(judgeIssuer(GOOD, ISSUER).ok).toBe(true);
    expect(judgeIssuer({ ...GOOD, issuer: `${ISSUER}/` }, ISSUER).ok).toBe(false);
    expect(judgeIssuer({}, ISSUER).actual).toBe('no issuer member');
  });

  it('RFC 8414 §2: https everywhere; loopback http passes with an info note', () => {
    expect(oks(judgeSchemes(GOOD))).toEqual([true]);
    expect(oks(judgeSchemes({ ...GOOD, token_endpoint: 'http://idp.example.com/token' }))).toEqual([
      false,
    ]);
    expect(oks(judgeSchemes({ ...GOOD, issuer: `${ISSUER}?tenant=1` }))).toEqual([false]);
    const loopback = judgeSchemes({
      issuer: 'http://127.0.0.1:8080',
      token_endpoint: 'http://127.0.0.1:8080/token',
    });
    expect(loopback.map((j) => [j.ok, j.level])).toEqual([
      [true, undefined],
      [true, 'INFO'],
    ]);
    expect(urlScheme('http://localhost:1/x')).toBe('loopback-http');
    expect(urlScheme('/relative')).toBe('other');
  });

  it('RFC 8414 §2: token_endpoint is required', () => {
    expect(judgeTokenEndpoint(GOOD).ok).toBe(true);
    expect(judgeTokenEndpoint({ issuer: ISSUER }).ok).toBe(false);
  });

  it('RFC 8628 §4: the device grant and its endpoint go together; the endpoint is the one used', () => {
    expect(oks(judgeDeviceMetadata(GOOD, GOOD.device_authorization_endpoint))).toEqual([
      true,
      true,
      true,
    ]);
    const { device_authorization_endpoint: _, ...noEndpoint } = GOOD;
    expect(oks(judgeDeviceMetadata(noEndpoint))).toEqual([false]);
    expect(
      oks(judgeDeviceMetadata({ ...GOOD, grant_types_supported: ['authorization_code'] })),
    ).toEqual([true, false]);
    // grant_types_supported is OPTIONAL: its absence is not judged.
    const { grant_types_supported: __, ...noGrants } = GOOD;
    expect(oks(judgeDeviceMetadata(noGrants))).toEqual([true]);
    expect(oks(judgeDeviceMetadata(GOOD, 'https://other/device'))).toEqual([true, true, false]);
  });
});
