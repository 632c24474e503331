import { readFileSync } from 'node:fs';

import { ConfigError } from '@ediflow/errors';
import { routesDocumentSchema, type RoutesDocument } from '../domain/routes';

/** Validates a parsed routes document; ConfigError listing each bad path and what is wrong. */
export function parseRoutes(input: unknown, source = 'routes', variable = 'BRIDGE_ROUTES_FILE'): RoutesDocument {
  const result = routesDocumentSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.map(String).join('.') || '(document)'}: ${i.message}`);
  throw new ConfigError([variable], `${source} is invalid:\n${lines.join('\n')}`);
}

/** The routes document given as JSON text in BRIDGE_ROUTES (ECS: no file to mount). */
export function parseRoutesText(text: string): RoutesDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(['BRIDGE_ROUTES'], 'BRIDGE_ROUTES is not valid JSON');
  }
  return parseRoutes(json, 'BRIDGE_ROUTES', 'BRIDGE_ROUTES');
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

