export * from './port';
export { MemoryBus, type MemoryBusOptions, type DestinationStats } from './memory';
export { BusJournal, type BusJournalOptions, type JournalMessage, type JournaledMessage } from './journal';
export { StompBus, type StompBusOptions, type StompTlsOptions } from './stomp';
export { BROKER_KINDS, stompDialect, isTextContentType, type BrokerKind, type StompDialect } from './dialect';
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
export { settleWithin } from './settle';
export { Reconnector, type ReconnectOptions } from './reconnect';
export { fullJitterMs } from './backoff';
