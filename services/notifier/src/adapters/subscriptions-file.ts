import { readFileSync } from 'node:fs';
import { InvalidInputError } from '@ediflow/errors';
import { envSecretReader, parseSubscriptions, type SecretReader, type SubscriptionsDocument } from '../domain/subscriptions';

/** Reads `{ env }` references from the environment and `{ file }` references from disk (certificates, keys). */
export function fileSecretReader(env: Record<string, string | undefined>): SecretReader {
  const fromEnv = envSecretReader(env);
  return (ref, where) => {
    if ('env' in ref) return fromEnv(ref, where);
    try {
      return readFileSync(ref.file, 'utf8');
    } catch (cause) {
      throw new InvalidInputError('SUBSCRIPTIONS_INVALID', `subscriptions invalid: ${where} names a file that cannot be read`, { cause });
    }
  };
}

/** Loads and validates the subscriptions JSON file; secrets resolved from env and files. */
export function loadSubscriptionsFile(path: string, env: Record<string, string | undefined>): SubscriptionsDocument {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new InvalidInputError('SUBSCRIPTIONS_INVALID', 'subscriptions file cannot be read or is not JSON', { cause });
  }
  return parseSubscriptions(json, fileSecretReader(env));
}
