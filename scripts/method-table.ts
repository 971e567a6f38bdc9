// Writes the README's method and error tables from the schemas: `npx tsx scripts/method-table.ts`.
// test/unit/cli/help.test.ts fails while the README's differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { withMethodTable } from '../src/cli/help.js';
import { METHOD_SCHEMAS } from '../src/schemas/index.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withMethodTable(readFileSync(readme, 'utf8'), METHOD_SCHEMAS));
