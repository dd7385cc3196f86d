#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('../harness/cli/cli.ts');
await cli(process.argv.slice(2));
