/**
 * Writes schemas/config.schema.json from the settings table (harness/engine/settings.ts):
 * run it after editing a setting; test/settings.test.ts fails while the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { configSchema } from '../harness/engine/settings.ts';

const file = new URL('../schemas/config.schema.json', import.meta.url);
writeFileSync(file, JSON.stringify(configSchema(), null, 2) + '\n');
