export { createStacks, type DeployConfig, type EdiflowStacks } from './app';
export { DataStack, CONFIG_KEYS, CLAIM_CHECK_PREFIX } from './data-stack';
export { BrokerStack, STOMP_SSL_PORT } from './broker-stack';
export { ServicesStack, type BridgeRouteSet, type SecretSource } from './services-stack';
export { brokerConfigurationXml } from './broker-config';
export * from './scaling-policy';
export * from './simulator';
export { TASK_SIZES, STOP_TIMEOUT_SECONDS, DRAIN_BOUND_SECONDS, HTTP_PORT } from './sizing';
export { LOG_FIGURES } from './monitoring';
