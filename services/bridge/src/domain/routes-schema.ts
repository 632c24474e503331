/**
 * The JSON Schema of the routes file, generated from the zod schema the bridge loads it
 * with (one source of truth). Rules across fields (a tls block needs TLS URLs, selectors
 * only where the broker evaluates them, routes name known endpoints...) are checked by
 * parseRoutes and `edi routes validate`, not by the schema.
 */
import { z } from 'zod';
import { routesDocumentSchema } from './routes';

export const ROUTES_SCHEMA_ID = 'https://ediflow.dev/schemas/bridge-routes/v1.json';

export function routesJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(routesDocumentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: ROUTES_SCHEMA_ID,
    title: 'ediflow bridge routes',
    description: 'Broker endpoints and the routes between them (BRIDGE_ROUTES_FILE). Reference: services/bridge/ROUTES.md.',
  };
}
