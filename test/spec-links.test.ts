/** Every catalogue ID links to where it is written (harness/engine/catalogue.ts specLink). */
import { describe, expect, it } from 'vitest';
import { REQUIREMENTS, specLink } from '../harness/engine/catalogue.ts';

describe('spec links', () => {
  it('gives every catalogue ID a link', () => {
    const links = REQUIREMENTS.map((r) => [r.id, specLink(r.id)]);
    for (const [id, link] of links) expect(link, id).toMatch(/^https:\/\/\S+$/);
  });

  it('links an RFC section, an appendix and an AWS operation', () => {
    const bySource = (re: RegExp) => REQUIREMENTS.find((r) => re.test(r.source))!.id;
    expect(specLink(bySource(/^8628 §3\.5$/))).toBe(
      'https://www.rfc-editor.org/rfc/rfc8628#section-3.5',
    );
    expect(specLink(bySource(/^8628 §3\.1; 6749 App\. B$/))).toBe(
      'https://www.rfc-editor.org/rfc/rfc8628#section-3.1',
    );
    expect(specLink(bySource(/^AWS API ref \(RegisterClient\)$/))).toBe(
      'https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_RegisterClient.html',
    );
    expect(specLink('NO-SUCH-ID')).toBeUndefined();
  });
});

describe('the failure block', () => {
  it('ends with the link of the requirement the check cites', async () => {
    const { checkBlock } = await import('../harness/reporters/format.ts');
    const id = REQUIREMENTS.find((r) => r.source === '8628 §3.5')!.id;
    const block = checkBlock({
      requirement: id,
      level: 'MUST',
      description: 'a check',
      ok: false,
      expected: ['x'],
      actual: 'y',
    } as Parameters<typeof checkBlock>[0]);
    expect(block.at(-1)).toBe('Spec: https://www.rfc-editor.org/rfc/rfc8628#section-3.5');
  });
});
