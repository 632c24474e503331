export * from './envelope';
export * from './ids';
export * from './claim-check';
export * from './catalogue';
