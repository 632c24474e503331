export { createPipeline, type Pipeline, type PipelineDeps } from './pipeline';
export { startCallbackSink, type CallbackSinkOptions } from './callback-sink';
export { ensureLocalSetup, localPaths, DEMO_PARTNER_ID, type LocalPaths } from './setup';
