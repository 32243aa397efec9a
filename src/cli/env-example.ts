/**
 * `npm run env:example`: writes `.env.example` from the configuration catalogue (src/config/settings/). Run it after
 * declaring a variable; src/config/settings/settings.spec.ts fails while the committed file differs.
 */
import { writeFileSync } from 'node:fs';
import { renderEnvExample } from '../config/settings/env-example.js';

writeFileSync('.env.example', renderEnvExample());
process.stdout.write('wrote .env.example\n');
