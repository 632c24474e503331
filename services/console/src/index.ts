export { createConsoleService, type ConsoleService, type ConsoleServiceDeps, type QueueSource } from './service';
export { consoleEnvShape, consoleConfigSchema, loadConsoleConfig, brokerList, serviceList, oidcSettings, type ConsoleConfig } from './config';
export { activeMqSources, activeMqStats, figuresFromStatistics } from './adapters/activemq-stats';
export { memoryBusSource } from './adapters/memory-bus-stats';
export { createAlbOidcVerifier, type OidcUser } from './adapters/alb-oidc';
export { SESSION_COOKIE } from './entry-points/router';
