/**
 * Poison decisions (pure). A target that is unreachable is not the message's fault: the
 * bridge waits (the message stays unacknowledged on the source). A target that refuses
 * the message (an ERROR frame, or an error that is not retryable) counts as an attempt;
 * after maxAttempts the message goes to the bridge's dead-letter destination.
 */
import { BUS_BROKER_ERROR, HEADER, type Headers } from '@ediflow/bus';
import { describeError, isRetryable } from '@ediflow/errors';
import { applicationHeaders, ROUTE_HEADER } from './mapping';

export type FailureDecision =
  | { kind: 'wait'; code: string; state: SendState }
  | { kind: 'retry'; code: string; state: SendState }
  | { kind: 'dead-letter'; code: string; reason: string; attempts: number };

/** What the bridge knows about the failed sends of one message. */
export interface SendState {
  /** Sends the target refused (or dropped the connection on while this message was sent alone). */
  rejections: number;
  /** Connection drops during a send that started on a live connection. */
  drops: number;
}

export const INITIAL_SEND_STATE: SendState = { rejections: 0, drops: 0 };

/** Code of a dead letter whose sends made the target close the connection again and again. */
export const BRIDGE_TARGET_DROPPED = 'BRIDGE_TARGET_DROPPED';

/** Drops (on a live connection) after which a message is sent alone, to find out whether it is the cause. */
export const SUSPECT_AFTER_DROPS = 2;

/** Whether a publish error means the target refused the message (rather than being unreachable). */
export function isRejection(err: unknown): boolean {
  return describeError(err).code === BUS_BROKER_ERROR || !isRetryable(err);
}

/** Whether the next send of this message must go alone (see SendGate). */
export function sendAlone(state: SendState): boolean {
  return state.rejections > 0 || state.drops >= SUSPECT_AFTER_DROPS;
}

/**
 * What to do after a failed publish.
 * - a refusal (ERROR frame, or an error that is not retryable) counts as an attempt;
 * - a connection that drops while this message is being sent alone on a live connection
 *   counts as an attempt too: some brokers (ActiveMQ on a malformed header) close the
 *   connection instead of answering with an ERROR frame;
 * - anything else (target down, no receipt in time) is waited out: not the message's fault.
 * After maxAttempts attempts the message is dead-lettered.
 */
export function decidePublishFailure(
  err: unknown,
  state: SendState,
  maxAttempts: number,
  sent: { connected: boolean; alone: boolean } = { connected: false, alone: false },
): FailureDecision {
  const { code, message } = describeError(err);
  const dropped = code === 'BUS_DISCONNECTED' && sent.connected;
  if (isRejection(err) || (dropped && sent.alone)) {
    const attempts = state.rejections + 1;
    const deadCode = isRejection(err) ? code : BRIDGE_TARGET_DROPPED;
    if (attempts >= maxAttempts) {
      const why = isRejection(err) ? `target refused the message ${attempts} time(s): ${message}` : `target closed the connection on this message ${attempts} time(s)`;
      return { kind: 'dead-letter', code: deadCode, reason: why, attempts };
    }
    return { kind: 'retry', code: deadCode, state: { ...state, rejections: attempts } };
  }
  return { kind: 'wait', code, state: dropped ? { ...state, drops: state.drops + 1 } : state };
}

export const TARGET_DESTINATION_HEADER = 'x-bridge-target-destination';

/** Headers of the dead-letter copy: the source's application headers plus why and how often. */
export function deadLetterHeaders(input: {
  sourceHeaders: Headers;
  sourceDestination: string;
  targetDestination: string;
  route: string;
  idempotencyKey: string;
  code: string;
  reason: string;
  attempts: number;
}): Headers {
  return {
    ...applicationHeaders(input.sourceHeaders),
    [HEADER.idempotencyKey]: input.idempotencyKey,
    [HEADER.deadLetterCode]: input.code,
    [HEADER.deadLetterReason]: input.reason,
    [HEADER.attempt]: String(input.attempts),
    [HEADER.originalDestination]: input.sourceDestination,
    [TARGET_DESTINATION_HEADER]: input.targetDestination,
    [ROUTE_HEADER]: input.route,
  };
}
