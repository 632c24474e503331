/** Writes schemas/<guide>.json from the definitions: `npm run schemas -w shared/hipaa` after a build. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_GUIDES } from './guides';
import { schemaFor } from './schema';

export function schemaText(guide: (typeof SUPPORTED_GUIDES)[number]): string {
  return `${JSON.stringify(schemaFor(guide), null, 1)}\n`;
}

if (require.main === module) {
  for (const g of SUPPORTED_GUIDES) writeFileSync(join(__dirname, '..', 'schemas', `${g}.json`), schemaText(g));
}
