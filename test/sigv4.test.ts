import { describe, expect, it } from 'vitest';
import {
  otherRegion,
  signRequest,
  STALE_SECONDS,
  type SigningParams,
} from '../harness/aws/sigv4.ts';

const REQUEST = {
  method: 'POST',
  url: 'http://127.0.0.1:9000/token?aws_iam=t',
  headers: { 'content-type': 'application/json' },
  body: '{"clientId":"arn:aws:sso::1:application/x/apl-1","grantType":"refresh_token"}',
};
const NOW = new Date('2026-03-01T12:00:00Z');
const PARAMS: SigningParams = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-access-key-example' },
  now: NOW,
};

/** `Credential=AKID/20260301/us-east-1/sso-oauth/aws4_request` → its parts. */
function scope(authorization: string) {
  const m = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  return m ? { akid: m[1], date: m[2], region: m[3], service: m[4] } : undefined;
}
const signature = (authorization: string) => /Signature=([0-9a-f]{64})/.exec(authorization)?.[1];

describe('signRequest (SigV4 for CreateTokenWithIAM)', () => {
  it('signs for sso-oauth in the region, over host, content-type and the body', async () => {
    const h = await signRequest(REQUEST, PARAMS);
    expect(h.host).toBe('127.0.0.1:9000');
    expect(h['content-type']).toBe('application/json');
    expect(h['x-amz-date']).toBe('20260301T120000Z');
    expect(h['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(h.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(scope(h.authorization!)).toEqual({
      akid: 'AKIDEXAMPLE',
      date: '20260301',
      region: 'us-east-1',
      service: 'sso-oauth',
    });
    expect(h.authorization).toMatch(
      /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,/,
    );
    expect(h['x-amz-security-token']).toBeUndefined();
    // Deterministic for one date; another body gives another signature.
    expect((await signRequest(REQUEST, PARAMS)).authorization).toBe(h.authorization);
    const other = await signRequest({ ...REQUEST, body: '{}' }, PARAMS);
    expect(signature(other.authorization!)).not.toBe(signature(h.authorization!));
  });

  it('sends and signs the session token of temporary credentials', async () => {
    const h = await signRequest(REQUEST, {
      ...PARAMS,
      credentials: { ...PARAMS.credentials, sessionToken: 'session-token-example' },
    });
    expect(h['x-amz-security-token']).toBe('session-token-example');
    expect(h.authorization).toContain('x-amz-security-token');
  });

  it('unsigned: the request headers and host, nothing of SigV4', async () => {
    const h = await signRequest(REQUEST, { ...PARAMS, fault: 'unsigned' });
    expect(h).toEqual({ host: '127.0.0.1:9000', 'content-type': 'application/json' });
  });

  it('wrong-secret: the same scope, another signature', async () => {
    const good = await signRequest(REQUEST, PARAMS);
    const bad = await signRequest(REQUEST, { ...PARAMS, fault: 'wrong-secret' });
    expect(scope(bad.authorization!)).toEqual(scope(good.authorization!));
    expect(signature(bad.authorization!)).not.toBe(signature(good.authorization!));
  });

  it('wrong-service, wrong-region and stale change only what they say', async () => {
    const service = await signRequest(REQUEST, { ...PARAMS, fault: 'wrong-service' });
    expect(scope(service.authorization!)).toMatchObject({ region: 'us-east-1', service: 'sso' });
    const region = await signRequest(REQUEST, { ...PARAMS, fault: 'wrong-region' });
    expect(scope(region.authorization!)).toMatchObject({
      region: otherRegion('us-east-1'),
      service: 'sso-oauth',
    });
    expect(otherRegion('us-east-1')).not.toBe('us-east-1');
    expect(otherRegion(otherRegion('us-east-1'))).not.toBe(otherRegion('us-east-1'));
    const stale = await signRequest(REQUEST, { ...PARAMS, fault: 'stale' });
    expect(STALE_SECONDS).toBe(1800);
    expect(stale['x-amz-date']).toBe('20260301T113000Z');
  });
});
