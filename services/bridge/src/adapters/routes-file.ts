import { readFileSync } from 'node:fs';

import { ConfigError } from '@ediflow/errors';
import { routesDocumentSchema, type RoutesDocument } from '../domain/routes';

/** Validates a parsed routes document; ConfigError listing each bad path and what is wrong. */
export function parseRoutes(input: unknown, source = 'routes'): RoutesDocument {
  const result = routesDocumentSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.map(String).join('.') || '(document)'}: ${i.message}`);
  throw new ConfigError(['BRIDGE_ROUTES_FILE'], `${source} is invalid:\n${lines.join('\n')}`);
}

/** Reads and validates the routes file (JSON). */
export function loadRoutesFile(file: string): RoutesDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(['BRIDGE_ROUTES_FILE'], `cannot read the routes file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(['BRIDGE_ROUTES_FILE'], 'the routes file is not valid JSON');
  }
  return parseRoutes(json, 'the routes file');
}

