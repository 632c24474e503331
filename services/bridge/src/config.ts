import { commonEnvShape, envInt, loadConfig, z, type Env } from '@ediflow/config';

export const bridgeConfigSchema = z.object({
  LOG_LEVEL: commonEnvShape.LOG_LEVEL,
  HTTP_HOST: commonEnvShape.HTTP_HOST,
  HTTP_PORT: commonEnvShape.HTTP_PORT,
  /** The routes document (endpoints and routes, JSON); see routes.example.json. */
  BRIDGE_ROUTES_FILE: z.string().default('services/bridge/routes.example.json'),
  /** The routes document itself, as JSON text, instead of BRIDGE_ROUTES_FILE (ECS gives settings as variables). */
  BRIDGE_ROUTES: z.string().optional(),
  /** STOMP heart-beat both ways; a silent broker is declared dead after twice this. */
  BRIDGE_HEARTBEAT_MS: envInt(10_000, 0),
  /** Bound on one send: waiting for a session plus the broker's receipt. */
  BRIDGE_SEND_TIMEOUT_MS: envInt(10_000, 100),
  /** Reconnect backoff cap (full jitter, rotating over the endpoint's URLs). */
  BRIDGE_RECONNECT_MAX_DELAY_MS: envInt(30_000, 100),
  /** Re-send backoff cap while a target is down or refusing. */
  BRIDGE_RETRY_MAX_DELAY_MS: envInt(5_000, 10),
  /** How long stop waits for sends in flight before releasing them. */
  BRIDGE_CLOSE_TIMEOUT_MS: envInt(5_000, 0),
  ALERT_TOPIC_ARN: commonEnvShape.ALERT_TOPIC_ARN,
});

export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;

export const loadBridgeConfig = (env: Env): BridgeConfig => loadConfig(bridgeConfigSchema, env);
