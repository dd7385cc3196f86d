import { describe, expect, it } from 'vitest';
import { carriesUserCode } from '../harness/oauth/verification-uri.ts';

describe('carriesUserCode: the user code of a verification URI, parsed', () => {
  it('finds it in the query (RFC 8628 §3.3.1 example, the 2021 AWS form)', () => {
    expect(carriesUserCode('https://example.com/device?user_code=WDJB-MJHT', 'WDJB-MJHT')).toBe(
      true,
    );
    expect(
      carriesUserCode(
        'https://device.sso.us-west-2.amazonaws.com/?user_code=PMPJ-VZCJ',
        'PMPJ-VZCJ',
      ),
    ).toBe(true);
  });

  it('finds it in the query of the fragment (the AWS access-portal form, X3)', () => {
    const complete = 'https://my-sso-portal.awsapps.com/start/#/device?user_code=GPNW-SHFH';
    expect(new URL(complete).searchParams.get('user_code')).toBeNull(); // why a parse is needed
    expect(carriesUserCode(complete, 'GPNW-SHFH')).toBe(true);
    expect(carriesUserCode('https://my-sso-portal.awsapps.com/start/#/device', 'GPNW-SHFH')).toBe(
      false,
    );
  });

  it('finds it as a path segment, normalised as a person types it (§6.1)', () => {
    expect(carriesUserCode('https://example.com/device/wdjbmjht', 'WDJB-MJHT')).toBe(true);
    expect(carriesUserCode('https://example.com/#/device/WDJB%20MJHT', 'WDJB-MJHT')).toBe(true);
    expect(carriesUserCode('https://example.com/device?code=wdjb-mjht', 'WDJB-MJHT')).toBe(true);
  });

  it('does not count a code that merely appears inside something else', () => {
    expect(carriesUserCode('https://wdjbmjht.example.com/device', 'WDJB-MJHT')).toBe(false);
    expect(carriesUserCode('https://example.com/xWDJBMJHTx', 'WDJB-MJHT')).toBe(false);
    expect(carriesUserCode('https://example.com/device?user_code=WDJB-MJHTX', 'WDJB-MJHT')).toBe(
      false,
    );
    expect(carriesUserCode('https://example.com/#/device?user_code=OTHER-CODE', 'WDJB-MJHT')).toBe(
      false,
    );
  });

  it('an opaque handle, an empty code or an unparseable URI carry nothing', () => {
    const handle = Buffer.from('uc:WDJBMJHT').toString('base64url');
    expect(carriesUserCode(`https://example.com/device?handle=${handle}`, 'WDJB-MJHT')).toBe(false);
    expect(carriesUserCode('https://example.com/device', '')).toBe(false);
    expect(carriesUserCode('not a uri WDJB-MJHT', 'WDJB-MJHT')).toBe(false);
    expect(carriesUserCode('https://example.com/%E0%A4%A?user_code=WDJBMJHT', 'WDJB-MJHT')).toBe(
      true,
    );
  });
});
