import type { ServiceName } from './scaling-policy';

/** Fargate CPU units (1024 = one vCPU) and memory (MiB) of one task, with the reason for each. */
export interface TaskSize {
  cpu: number;
  memoryMiB: number;
  why: string;
}

export const TASK_SIZES: Record<ServiceName, TaskSize> = {
  ingest: {
    cpu: 1024,
    memoryMiB: 2048,
    why:
      'PGP decryption is CPU-bound (about 230 MB/s on one core) and runs INGEST_CONCURRENCY=4 files at once; ' +
      'each file streams, so memory is the four streams plus openpgp buffers, with room for a 2 GB decompression cap never held at once.',
  },
  translator: {
    cpu: 1024,
    memoryMiB: 2048,
    why:
      'Translation is CPU-bound and its memory is bounded by the largest transaction set, not the file (a 200 MB single-set file peaks near 210 MB RSS); ' +
      'TRANSLATOR_PREFETCH=2 files at once gives the 2 GB headroom. TRANSLATOR_THREADS is set to the vCPUs (1 here: sets translate on the main thread); ' +
      'a larger task translates a large file\'s sets on that many threads.',
  },
  notifier: {
    cpu: 512,
    memoryMiB: 1024,
    why: 'HTTP callbacks are I/O-bound: NOTIFIER_CONCURRENCY=4 requests per endpoint and 20 fan-out messages in flight, bodies of at most 256 KB inline.',
  },
  bridge: {
    cpu: 512,
    memoryMiB: 1024,
    why: 'A STOMP relay is I/O-bound, but a route may hold prefetch x maxBodyBytes in flight (100 x 4 MiB in the example routes), so 1 GB.',
  },
  tracking: {
    cpu: 512,
    memoryMiB: 1024,
    why:
      'Applying events is database-bound (one event at a time, TRACKING_DATABASE_POOL_SIZE=10 connections); ' +
      'API pages are bounded by their cursor page size, and the embedded PGlite engine is loaded but unused against RDS.',
  },
};

/** The ops console: server-rendered pages and a sampler that reads the broker and the services every 5 s. */
export const CONSOLE_TASK_SIZE: TaskSize = {
  cpu: 256,
  memoryMiB: 512,
  why: 'Pages are rendered from the tracking and notifier APIs a page at a time; the sampler keeps one hour of queue figures per queue in memory.',
};

/** ECS stop timeout: above the services' 25 s drain bound (DESIGN.md invariant 7), so SIGKILL never cuts a drain short. */
export const STOP_TIMEOUT_SECONDS = 40;

/** The drain bound every service keeps on SIGTERM. */
export const DRAIN_BOUND_SECONDS = 25;

/** The HTTP port of /healthz, /readyz and /metrics inside the task. */
export const HTTP_PORT = 8080;
