/**
 * @ediflow/bench - `npm run bench` (main.ts). Sections (sections/, registry SECTIONS) return table
 * rows; measurements run in child processes (runJob, jobs registry in jobs/index.ts) so each has
 * its own peak RSS.
 */
export type { BenchOptions, Row, Section, SectionResult, Target } from './section';
export { MB, fmt } from './section';
export { formatSection } from './format';
export { runCli, runJob } from './child';
export type { JobResult } from './child';
export { JOBS } from './jobs';
export { notifierCallbacks } from './jobs/notifier';
export { translatorFile, type BenchPartner } from './jobs/translate';
export { BASE_REF, OURS, prepareBase } from './base-build';
export type { Job } from './jobs';
export { SECTIONS } from './sections';
export { x12Section, DEFAULT_X12_CONFIG } from './sections/x12';
export type { X12SectionConfig } from './sections/x12';
export { pgpSection } from './sections/pgp';
export { generate837P, write837P } from './generate-837p';
export type { Generate837Options } from './generate-837p';
export { ingestSection } from './sections/ingest';
export { bridgeSection } from './sections/bridge';
export { notifierSection } from './sections/notifier';
export { translateSection } from './sections/translate';
export { generate834, write834 } from './generate-834';
export type { Generate834Options } from './generate-834';
export { generate271, write271 } from './generate-271';
export type { Generate271Options } from './generate-271';
