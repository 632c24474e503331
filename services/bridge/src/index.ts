export { createBridgeService, resolveEndpoint, type BridgeService, type BridgeServiceDeps } from './service';
export {
  routesDocumentSchema,
  routeSchema,
  endpointSchema,
  headerMappingSchema,
  parseRoutesDocument,
  resolveDeadLetter,
  normalizeDestination,
  type RoutesDocument,
  type RoutesDocumentInput,
  type RouteConfig,
  type EndpointConfig,
  type HeaderMapping,
} from './domain/routes';
export { planForward, idempotencyKeyOf, applicationHeaders, GROUP_HEADER, ROUTE_HEADER, type ForwardPlan } from './domain/mapping';
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
export { loadRoutesFile, parseRoutes } from './adapters/routes-file';
export { connectEndpoint, type BridgeEndpoint, type BridgeBusOptions } from './adapters/connect';
export { bridgeConfigSchema, loadBridgeConfig, type BridgeConfig } from './config';
