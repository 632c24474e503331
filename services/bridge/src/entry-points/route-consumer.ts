/**
 * One route: consume the source destination (client-individual acks, bounded prefetch),
 * send each message to the target (persistent, with a receipt and an idempotency-key),
 * and let the source acknowledge only after the target's receipt. Never NACK.
 * - target unreachable or no receipt in time: keep the message unacknowledged and send it
 *   again with the same key after a backoff; the prefetch bound stops the source from
 *   delivering more, so nothing piles up in memory;
 * - target refuses it, or mapping fails, or it is too large: after the bounded number of
 *   attempts it goes to the dead-letter destination with reason and attempts, an alert is
 *   raised, and the source message is acknowledged; the route keeps flowing;
 * - order: messages of one group (JMSXGroupID) are sent one at a time in arrival order.
 */
import type { AlertSink } from '@ediflow/alerts';
import { BUS_DESTINATION_REFUSED, ReleaseMessageError, fullJitterMs, type Bus, type ReceivedMessage, type Subscription } from '@ediflow/bus';
import { describeError } from '@ediflow/errors';
import type { Logger } from '@ediflow/logger';
import { planForward, type KeySource } from '../domain/mapping';
import { deadLetterHeaders, decidePublishFailure, INITIAL_SEND_STATE, sendAlone } from '../domain/poison';
import { resolveDeadLetter, type RouteConfig } from '../domain/routes';
import type { BridgeMetrics } from '../adapters/metrics';
import { Lanes, type SendGate } from '../adapters/gate';

export interface RouteContext {
  route: RouteConfig;
  /** Broker id and stable id header of the source, for idempotency keys. */
  keySource: KeySource;
  source: Bus;
  target: Bus;
  targetGate: SendGate;
  deadLetterBus: Bus;
  logger: Logger;
  metrics: BridgeMetrics;
  alerts?: AlertSink;
  /** Backoff between sends while the target is down or refusing: base and cap (full jitter). */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  random: () => number;
  now: () => number;
  /** True once the service is stopping: unfinished messages are released, not acknowledged. */
  stopping: () => boolean;
  /** Registers a callback run when stopping begins (wakes backoff sleeps); returns its removal. */
  onStop: (wake: () => void) => () => void;
  /** Told when the target starts (true) or stops (false) refusing the route's destination. */
  targetRefused: (refused: boolean) => void;
}

export async function startRoute(ctx: RouteContext): Promise<Subscription> {
  const { route, logger } = ctx;
  const lanes = new Lanes();
  const deadLetter = resolveDeadLetter(route);
  const log = logger.child({ route: route.name });
  /** Sends in a row the target refused for the destination itself. */
  let refusedFailures = 0;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const remove = ctx.onStop(() => {
        clearTimeout(timer);
        resolve();
      });
      const timer = setTimeout(() => {
        remove();
        resolve();
      }, ms);
    });

  const sendToDeadLetter = async (message: ReceivedMessage, key: string, code: string, reason: string, attempts: number): Promise<void> => {
    const headers = deadLetterHeaders({
      sourceHeaders: message.headers,
      sourceDestination: route.from.destination,
      targetDestination: route.to.destination,
      route: route.name,
      idempotencyKey: key,
      code,
      reason,
      attempts,
    });
    // The dead-letter publish itself must succeed before the source is acknowledged.
    for (let failures = 1; ; failures += 1) {
      if (ctx.stopping()) throw new ReleaseMessageError();
      try {
        await ctx.deadLetterBus.publish(deadLetter.destination, message.body, {
          headers,
          binary: message.binary ?? false,
          contentType: message.headers['content-type'] ?? (message.binary ? 'application/octet-stream' : 'text/plain'),
        });
        break;
      } catch (err) {
        log.warn({ err: describeError(err), failures }, 'dead-letter publish failed; retrying');
        await sleep(fullJitterMs(failures, ctx.retryBaseDelayMs, ctx.retryMaxDelayMs, ctx.random));
      }
    }
    ctx.metrics.deadLettered(route.name, code);
    log.error({ idempotencyKey: key, code, attempts, deadLetterDestination: deadLetter.destination }, 'message dead-lettered');
    if (ctx.alerts) {
      await ctx.alerts.alert('bridge message dead-lettered', { route: route.name, code, attempts, deadLetterDestination: deadLetter.destination }).catch(
        (err: unknown) => log.warn({ err: describeError(err) }, 'alert failed'),
      );
    }
  };

  const forward = async (message: ReceivedMessage): Promise<void> => {
    const plan = planForward(route, ctx.keySource, message);
    if (plan.kind === 'poison') {
      await sendToDeadLetter(message, plan.idempotencyKey, plan.code, plan.reason, 1);
      return;
    }
    await lanes.run(plan.lane, async () => {
      let state = INITIAL_SEND_STATE;
      let failures = 0;
      for (;;) {
        if (ctx.stopping()) throw new ReleaseMessageError();
        const alone = sendAlone(state);
        let connected = false;
        try {
          // A suspect message is sent alone so a refusal or a dropped connection is blamed on the right one.
          await ctx.targetGate.run(alone, () => {
            connected = ctx.target.isConnected();
            return ctx.target.publish(plan.destination, plan.body, {
              headers: plan.headers,
              binary: plan.binary,
              contentType: plan.contentType,
            });
          });
          if (refusedFailures > 0) {
            refusedFailures = 0;
            ctx.targetRefused(false);
            log.info({ destination: plan.destination }, 'target accepts the destination again');
          }
          const sent = Number(message.headers.timestamp);
          ctx.metrics.forwarded(route.name, Number.isFinite(sent) && sent > 0 ? (ctx.now() - sent) / 1000 : undefined);
          return;
        } catch (err) {
          failures += 1;
          const decision = decidePublishFailure(err, state, route.maxAttempts, { connected, alone });
          ctx.metrics.sendFailed(route.name, decision.code);
          if (decision.kind === 'dead-letter') {
            await sendToDeadLetter(message, plan.idempotencyKey, decision.code, decision.reason, decision.attempts);
            return;
          }
          state = decision.state;
          if (decision.code === BUS_DESTINATION_REFUSED) {
            // The route, not the message: wait (not an attempt), and say the route is not ready.
            if (refusedFailures === 0) ctx.targetRefused(true);
            refusedFailures += 1;
            if (refusedFailures === 1 || refusedFailures % 20 === 0) log.error({ destination: plan.destination, err: describeError(err), failures: refusedFailures }, 'target refuses the destination; holding messages');
          } else if (failures === 1 || failures % 20 === 0) {
            log.warn({ idempotencyKey: plan.idempotencyKey, code: decision.code, failures, ...state }, 'send to target failed; will send again');
          }
          await sleep(fullJitterMs(failures, ctx.retryBaseDelayMs, ctx.retryMaxDelayMs, ctx.random));
        }
      }
    });
  };

  return ctx.source.subscribe(
    route.from.destination,
    async (message) => {
      if (ctx.stopping()) throw new ReleaseMessageError();
      if (message.redelivered) ctx.metrics.redelivered(route.name);
      ctx.metrics.inFlight(route.name, 1);
      try {
        await forward(message);
      } finally {
        ctx.metrics.inFlight(route.name, -1);
      }
    },
    {
      prefetch: route.prefetch,
      selector: route.from.selector,
      // The handler never fails except to release; this only guards against a bug.
      deadLetterDestination: deadLetter.destination === route.from.destination ? undefined : deadLetter.destination,
      maxAttempts: 1,
    },
  );
}
