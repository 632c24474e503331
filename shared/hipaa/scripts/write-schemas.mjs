// Writes schemas/<guide>.json from the definitions (the built package): `npm run schemas -w shared/hipaa`
// after a build. test/unit/schemas.test.ts fails when the committed files drift from the definitions.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const { SUPPORTED_GUIDES, schemaFor } = createRequire(import.meta.url)('../dist/index.js');
for (const g of SUPPORTED_GUIDES) writeFileSync(new URL(`../schemas/${g}.json`, import.meta.url), `${JSON.stringify(schemaFor(g), null, 1)}\n`);
