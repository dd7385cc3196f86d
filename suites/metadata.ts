import {
  defineSuite,
  judgeDeviceMetadata,
  judgeIssuer,
  judgeMetadataAnswer,
  judgeSchemes,
  judgeTokenEndpoint,
  type Exchange,
  type MetadataJudgement,
  type TestContext,
} from '../harness/api/conformance.ts';

/**
 * Authorization server metadata (RFC 8414, RFC 8628 §4), for the plain OAuth profile: AWS
 * publishes none. Publishing is RECOMMENDED (RFC 9700 §2.6), so an issuer without metadata is an
 * observation; what it does publish is judged. The judgements are plain functions
 * (harness/oauth/metadata-checks.ts), tested on documents alone.
 */
const suite = defineSuite('metadata', 'Authorization server metadata (RFC 8414, RFC 8628 §4)');

/** The issuer's metadata document, or a skip saying where it was looked for. */
async function metadataDocument(t: TestContext) {
  const discovery = await t.metadata();
  if (!discovery.found) {
    const looked = discovery.attempts.map((a) => a.location.url).join(', ');
    return t.skip(`not judged: the issuer publishes no metadata (looked at ${looked})`);
  }
  return { ...discovery.found, issuer: discovery.issuer, endpoints: discovery.endpoints };
}

function record(t: TestContext, judgements: MetadataJudgement[], exchange: Exchange) {
  for (const j of judgements) t.check({ ...j, exchange });
}

suite.test(
  {
    id: 'BCP-2.6-METADATA',
    profiles: ['rfc8628'],
    title: 'the issuer publishes its authorization server metadata',
    level: 'INFO',
  },
  async (t) => {
    const discovery = await t.metadata();
    t.check({
      requirement: 'BCP-2.6-METADATA',
      description: 'metadata at a well-known location of the issuer',
      ok: discovery.found !== undefined,
      expected: discovery.attempts.map((a) => `HTTP 200 at ${a.location.url}`),
      actual: discovery.found
        ? `found at ${discovery.found.location.url}`
        : discovery.attempts.map((a) => `${a.status ?? a.problem}`).join(', '),
      exchange: discovery.found?.exchange ?? discovery.attempts.at(-1)?.exchange,
    });
  },
);

suite.test(
  {
    id: 'MD-8414-3.2-JSON',
    profiles: ['rfc8628'],
    title: 'the metadata document is a JSON object sent as application/json',
    level: 'MUST',
  },
  async (t) => {
    const found = await metadataDocument(t);
    const answer = found.exchange.response;
    record(
      t,
      judgeMetadataAnswer({
        status: answer?.status ?? 0,
        contentType: answer?.headers['content-type'],
        body: found.document,
      }),
      found.exchange,
    );
  },
);

suite.test(
  {
    id: 'MD-8414-3.3-ISSUER',
    profiles: ['rfc8628'],
    title: 'the metadata issuer is the issuer it was requested for',
    level: 'MUST',
  },
  async (t) => {
    const found = await metadataDocument(t);
    record(t, [judgeIssuer(found.document, found.issuer)], found.exchange);
  },
);

suite.test(
  {
    id: 'MD-8414-2-HTTPS',
    profiles: ['rfc8628'],
    title: 'the issuer and the endpoints it names are https URLs',
    level: 'MUST',
  },
  async (t) => {
    const found = await metadataDocument(t);
    record(t, judgeSchemes(found.document), found.exchange);
  },
);

suite.test(
  {
    id: 'MD-8414-2-TOKEN-ENDPOINT',
    profiles: ['rfc8628'],
    title: 'the metadata names the token endpoint',
    level: 'MUST',
  },
  async (t) => {
    const found = await metadataDocument(t);
    record(t, [judgeTokenEndpoint(found.document)], found.exchange);
  },
);

suite.test(
  {
    id: 'DA-4-METADATA',
    profiles: ['rfc8628'],
    title: 'the metadata advertises the device grant with its endpoint, the one the run uses',
    level: 'MUST',
  },
  async (t) => {
    const found = await metadataDocument(t);
    record(
      t,
      judgeDeviceMetadata(found.document, found.endpoints.deviceAuthorizationEndpoint),
      found.exchange,
    );
  },
);
