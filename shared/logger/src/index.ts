import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names that may carry PHI or secrets. Code must never log them; redaction
 * is the safety net that catches a mistake before it reaches a log store.
 */
export const REDACTED_PATHS = [
  'body', '*.body', 'payload', '*.payload', 'segments', '*.segments', 'elements', '*.elements',
  'value', '*.value', 'raw', '*.raw', 'fileName', '*.fileName', 'originalName', '*.originalName',
  'name', '*.name', 'firstName', '*.firstName', 'lastName', '*.lastName', 'memberId', '*.memberId',
  'ssn', '*.ssn', 'dob', '*.dob', 'birthDate', '*.birthDate', 'address', '*.address',
  'password', '*.password', 'secret', '*.secret', 'token', '*.token', 'authorization', '*.authorization',
  'headers.authorization', 'privateKey', '*.privateKey', 'passphrase', '*.passphrase',
];

export interface LoggerSettings {
  /** Service or component name, e.g. "ingest". */
  service: string;
  level?: string;
  /** Where JSON lines go; stdout when omitted. Tests pass a sink to parse real output. */
  destination?: DestinationStream;
}

/** One pino logger per process: JSON lines to stdout, ISO timestamps, PHI paths redacted. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}

/** A logger that writes nowhere, for unit tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Collects log lines in memory (parsed JSON), for tests that assert on real log output. */
export function memoryDestination(): DestinationStream & { lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  return {
    write(chunk: string) {
      chunks.push(chunk);
    },
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => chunks.join(''),
  };
}
