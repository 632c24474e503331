export * from './port';
export { MemoryBus, type MemoryBusOptions } from './memory';
export { StompBus, stompDestination, type StompBusOptions, type StompTlsOptions } from './stomp';
export { parseBrokerUrl, type BrokerEndpoint } from './url';
export {
  resolvePolicy,
  planFailure,
  forwardHeaders,
  attemptOf,
  deliver,
  ReleaseMessageError,
  isRelease,
  BUS_RELEASE,
  DEFAULT_PREFETCH,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  type RetryPolicy,
  type FailurePlan,
  type Outcome,
  type DeliveryDeps,
} from './retry';
export { createBus, type CreateBusOptions } from './create';
export { fullJitterMs } from './backoff';
