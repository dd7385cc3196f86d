/**
 * Child process for token-providers.test.ts (run by `runFromSso` in sso.ts with
 * `node --import tsx`): calls `fromSso({ profile })()` from @aws-sdk/token-providers in this
 * process's environment (HOME, AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO_OIDC) and prints one line
 * of JSON: `{ ok: true, token, expiration }` or `{ ok: false, name, message }`.
 */
import { fromSso } from '@aws-sdk/token-providers';

const profile = process.argv[2];
if (!profile) {
  console.error('usage: token-providers-child.ts <profile>');
  process.exit(2);
}

try {
  const token = await fromSso({ profile })();
  const expiration = token.expiration?.toISOString();
  process.stdout.write(JSON.stringify({ ok: true, token: token.token, expiration }) + '\n');
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  process.stdout.write(JSON.stringify({ ok: false, name: e.name, message: e.message }) + '\n');
  process.exitCode = 1;
}
