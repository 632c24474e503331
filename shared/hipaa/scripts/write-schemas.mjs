// Writes what is derived from the definitions (the built package): schemas/<guide>.json, and
// src/guide-index.json (each guide's set id, aliases, legacy mark and selecting element: what the
// guide lookup reads without parsing every definition). `npm run schemas -w shared/hipaa` after a
// build; test/unit/schemas.test.ts fails when the committed files drift from the definitions.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const { SUPPORTED_GUIDES, guideDefinition, guideIndexEntry, schemaFor } = createRequire(import.meta.url)('../dist/index.js');
for (const g of SUPPORTED_GUIDES) writeFileSync(new URL(`../schemas/${g}.json`, import.meta.url), `${JSON.stringify(schemaFor(g), null, 1)}\n`);
const index = Object.fromEntries(SUPPORTED_GUIDES.map((g) => [g, guideIndexEntry(guideDefinition(g))]));
writeFileSync(new URL('../src/guide-index.json', import.meta.url), `${JSON.stringify(index, null, 1)}\n`);
