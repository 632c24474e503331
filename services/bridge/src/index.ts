export { createBridgeService, resolveEndpoint, type BridgeService, type BridgeServiceDeps } from './service';
export {
  routesDocumentSchema,
  routeSchema,
  endpointSchema,
  headerMappingSchema,
  parseRoutesDocument,
  resolveDeadLetter,
  normalizeDestination,
  protocolOf,
  isTlsUrl,
  supportsSelectors,
  groupHeadersOf,
  type RoutesDocument,
  type RoutesDocumentInput,
  type RouteConfig,
  type EndpointConfig,
  type HeaderMapping,
} from './domain/routes';
export { planForward, idempotencyKeyOf, applicationHeaders, GROUP_HEADER, ROUTE_HEADER, type ForwardPlan, type KeySource } from './domain/mapping';
export {
  decidePublishFailure,
  isRejection,
  sendAlone,
  deadLetterHeaders,
  INITIAL_SEND_STATE,
  BRIDGE_TARGET_DROPPED,
  SUSPECT_AFTER_DROPS,
  TARGET_DESTINATION_HEADER,
  type FailureDecision,
  type SendState,
} from './domain/poison';
export { loadRoutesFile, parseRoutes, parseRoutesText } from './adapters/routes-file';
export { connectEndpoint, keySourceOf, type BridgeEndpoint, type BridgeBusOptions } from './adapters/connect';
export { AmqpBus, amqpAddress, toAmqpMessage, fromAmqpMessage, parseAmqpUrls, type AmqpBusOptions } from './adapters/amqp-bus';
export { bridgeConfigSchema, loadBridgeConfig, type BridgeConfig } from './config';
export { routesJsonSchema, ROUTES_SCHEMA_ID } from './domain/routes-schema';
