import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import type { Bus } from '@ediflow/bus';
import { StoreConflictError, type ListedObject, type ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import type { RegistrySource } from '@ediflow/partners';
import type { AlertSink } from '@ediflow/alerts';
import { noTracking, type TrackingEmitter } from '@ediflow/tracking';
import { describeError } from '@ediflow/errors';
import { fileIdFor } from '@ediflow/messages';
import { createIngest, type IngestOutcome } from './domain/ingest-file';
import { prometheusIngestMetrics } from './adapters/metrics';
import { createClaims, type Lease } from './domain/claims';
import { parseInboundKey } from './domain/inbound';
import type { Decryptor } from './domain/ports';
import { createInboundPoller } from './entry-points/inbound-poller';
import { createReconciler } from './entry-points/reconciler';

export interface IngestServiceDeps {
  store: ObjectStore;
  bus: Bus;
  logger: Logger;
  registry: Registry;
  partners: RegistrySource;
  decryptor: Decryptor;
  alerts: AlertSink;
  /** Where receipts and quarantines are recorded (the tracking service); nowhere when omitted. */
  tracking?: TrackingEmitter;
  clock?: () => Date;
  bucket: string;
  maxFileBytes: number;
  pollIntervalMs: number;
  concurrency: number;
  inlineLimitBytes?: number;
  /** Claim lease (see domain/claims.ts). Default 60 s; renewed every third of it. */
  claimLeaseMs?: number;
  /** This replica's name in claims; default host-pid-random. */
  owner?: string;
  /**
   * How long stop() waits for files in progress before it releases their claims (so another
   * replica takes them over at once) and returns. Default 20 s (inside ECS's 30 s stop window).
   */
  stopTimeoutMs?: number;
  /** How often the reconciler looks for received files without an outcome; default 60 s. */
  reconcileIntervalMs?: number;
  /** How long after receipt (or the last republish) such a file's FileReceived is published again; default 15 min. */
  reconcileAfterMs?: number;
}

export type ClaimedOutcome = IngestOutcome | { outcome: 'busy' | 'done'; fileId: string };

/**
 * The ingest service: the inbound/ poller feeding the file pipeline, each file under a
 * claim so that several replicas process it once. start/stop for the process lifecycle;
 * `trigger()` lists inbound/ at once (after an SFTP or HTTP upload).
 */
export function createIngestService(deps: IngestServiceDeps) {
  const clock = deps.clock ?? (() => new Date());
  const leaseMs = deps.claimLeaseMs ?? 60_000;
  const ingest = createIngest({ ...deps, metrics: prometheusIngestMetrics(deps.registry), clock, tracking: deps.tracking ?? noTracking });
  const claims = createClaims({ store: deps.store, owner: deps.owner ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`, leaseMs, clock });
  const held = new Set<Lease>();
  const skipped = new Counter({ name: 'ingest_claims_skipped_total', help: 'Inbound objects left to another replica or already done', labelNames: ['reason'], registers: [deps.registry] });

  /** Claims one listed upload and ingests it; 'busy' when another replica holds it, 'done' when it was finished before. */
  async function processClaimed(listed: ListedObject): Promise<ClaimedOutcome> {
    if (!parseInboundKey(listed.key)) return { outcome: 'ignored' };
    const fileId = fileIdFor(deps.bucket, listed.key, listed.etag);
    const claim = await claims.claim(fileId);
    if (claim.status !== 'won') {
      skipped.inc({ reason: claim.status });
      if (claim.status === 'done') {
        // Finished before: a stale listing, or the same bytes uploaded again under the same name
        // (same etag, so same file id: its original is archived already). Remove the leftover.
        if ((await deps.store.head(listed.key))?.etag === listed.etag) {
          try {
            await deps.store.delete(listed.key, { ifMatch: listed.etag });
            deps.logger.info({ fileId }, 'repeat upload of a file already ingested removed');
          } catch (err) {
            // replaced by other bytes since the head: a file of its own, left for the next pass
            if (!(err instanceof StoreConflictError)) throw err;
          }
        }
      }
      return { outcome: claim.status, fileId };
    }
    const { lease } = claim;
    held.add(lease);
    const renewal = setInterval(() => {
      lease.renew().catch((err: unknown) => deps.logger.warn({ fileId, err: describeError(err) }, 'claim renewal failed'));
    }, Math.max(50, Math.floor(leaseMs / 3)));
    try {
      const outcome = await ingest.processObject(listed, { beforePublish: () => lease.assertHeld() });
      clearInterval(renewal);
      await lease.complete();
      return outcome;
    } catch (err) {
      clearInterval(renewal);
      await lease.release().catch(() => undefined);
      throw err;
    } finally {
      held.delete(lease);
    }
  }

  const reconciler = createReconciler({
    store: deps.store,
    bus: deps.bus,
    logger: deps.logger,
    registry: deps.registry,
    clock,
    intervalMs: deps.reconcileIntervalMs ?? 60_000,
    afterMs: deps.reconcileAfterMs ?? 15 * 60_000,
    inlineLimitBytes: deps.inlineLimitBytes,
  });
  const poller = createInboundPoller({
    store: deps.store,
    logger: deps.logger,
    process: processClaimed,
    intervalMs: deps.pollIntervalMs,
    concurrency: deps.concurrency,
  });
  return {
    /** Ingests one object without a claim (single-process callers and tests). */
    processObject: ingest.processObject,
    processClaimed,
    trigger: () => poller.trigger(),
    /** One reconciliation sweep now (operators, tests); resolves with how many files were published again. */
    reconcile: () => reconciler.sweep(),
    async start() {
      poller.start();
      reconciler.start();
    },
    /**
     * Stops listing and waits for files in progress; past stopTimeoutMs it releases their
     * claims so another replica takes them over at once (a duplicate publish then carries
     * the same id), and returns so the process can exit in time.
     */
    async stop() {
      await reconciler.stop();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), deps.stopTimeoutMs ?? 20_000);
      });
      const late = await Promise.race([poller.stop().then(() => false), timedOut]);
      clearTimeout(timer);
      if (late) {
        deps.logger.warn({ files: held.size }, 'stop timed out; releasing claims of files in progress');
        await Promise.allSettled([...held].map((l) => l.release()));
      }
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
