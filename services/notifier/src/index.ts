export { createNotifier, DEFAULT_SETTINGS, type Notifier, type NotifierDeps, type NotifierSettings } from './notifier';
export { loadNotifierConfig, notifierConfigSchema, settingsFromConfig, type NotifierConfig } from './config';
export {
  subscriptionsDocumentSchema,
  subscriptionSchema,
  parseSubscriptions,
  envSecretReader,
  matchSubscriptions,
  subscriptionsFromRegistry,
  type Subscription,
  type SubscriptionsDocument,
  type SubscriptionsDocumentInput,
  type ResolvedAuth,
  type SecretRef,
  type SecretReader,
} from './domain/subscriptions';
export { loadSubscriptionsFile, fileSecretReader } from './adapters/subscriptions-file';
export { verifyWebhook, signWebhook, WEBHOOK_HEADERS, DEFAULT_TOLERANCE_SECONDS, type VerifyWebhookParams, type VerifyResult, type VerifyFailure } from './domain/signature';
export type { Alert, CallbackSender, CallbackRequest, CallbackResponse, TokenSource } from './domain/ports';
export { fromSubjectAlertSink } from './adapters/alerts';
export { createTokenClient, type OAuth2ClientCredentials } from './adapters/oauth2';
export { createHttpSender, type HttpSenderOptions } from './adapters/http-sender';
export { createDeadLetterStore, type DeadLetterStore } from './adapters/dead-letter-store';
export { createDeadLetterAdmin, type DeadLetterAdmin, type DeadLetterAdminDeps, type ReplayReport } from './entry-points/dead-letter-admin';
export { DEAD_LETTER_PREFIX, deadLetterKey, type DeadLetter, type DeadLetterFilter, type DeadLetterSummary } from './domain/dead-letter';
export { endpointQueue, JOB_HEADERS } from './domain/job';
