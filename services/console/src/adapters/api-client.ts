/**
 * The console reads other services over their own HTTP APIs (it holds no copy of their data):
 * tracking's /v1 API and the notifier's dead-letter admin, each with its bearer token.
 */
import { UnavailableError } from '@ediflow/errors';
import type { DeadLetterQuery, DeadLetterRow, FileDetail, FilePage, ClaimDetail, ClaimPage, ReplayResult, SetRow } from '../domain/views';

export interface ApiClientOptions {
  baseUrl: string;
  token: string;
  timeoutMs?: number;
}

export class ApiError extends UnavailableError {
  constructor(
    readonly status: number,
    what: string,
  ) {
    super('CONSOLE_UPSTREAM', `${what} answered HTTP ${status}`);
  }
}

/** JSON from `path` (query values appended when set); undefined for 404. */
async function call<T>(options: ApiClientOptions, what: string, method: 'GET' | 'POST', path: string, query: Record<string, string | undefined> = {}, body?: unknown): Promise<T | undefined> {
  const url = new URL(path, options.baseUrl);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, v);
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${options.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new ApiError(res.status, what);
  return (await res.json()) as T;
}

export interface TrackingReader {
  files(q: { partner?: string; state?: string; from?: string; to?: string; cursor?: string; limit: number }): Promise<FilePage>;
  file(fileId: string): Promise<FileDetail | undefined>;
  transactions(q: { isa13?: string; gs06?: string; st02?: string }): Promise<SetRow[]>;
  claims(q: { claimNumber?: string; partner?: string; status?: string; limit: number }): Promise<ClaimPage>;
  claim(claimId: string): Promise<ClaimDetail | undefined>;
}

export function trackingClient(options: ApiClientOptions): TrackingReader {
  const get = <T>(path: string, query?: Record<string, string | undefined>) => call<T>(options, 'tracking', 'GET', path, query);
  return {
    async files(q) {
      return (await get<FilePage>('/v1/files', { ...q, limit: String(q.limit) })) ?? { items: [] };
    },
    file: (fileId) => get<FileDetail>(`/v1/files/${encodeURIComponent(fileId)}`),
    async transactions(q) {
      return (await get<{ items: SetRow[] }>('/v1/transactions', q))?.items ?? [];
    },
    async claims(q) {
      return (await get<ClaimPage>('/v1/claims', { ...q, limit: String(q.limit) })) ?? { items: [] };
    },
    claim: (claimId) => get<ClaimDetail>(`/v1/claims/${encodeURIComponent(claimId)}`),
  };
}

export interface DeadLetterAdminClient {
  list(q: DeadLetterQuery): Promise<DeadLetterRow[]>;
  replay(q: DeadLetterQuery & { messageIds?: string[] }): Promise<ReplayResult>;
}

/** The notifier's /admin/deadletters routes (`baseUrl` ends before /deadletters). */
export function deadLetterClient(options: ApiClientOptions): DeadLetterAdminClient {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const o = { ...options, baseUrl: base };
  return {
    async list(q) {
      return (await call<{ deadLetters: DeadLetterRow[] }>(o, 'notifier', 'GET', 'deadletters', { ...q, limit: q.limit === undefined ? undefined : String(q.limit) }))?.deadLetters ?? [];
    },
    async replay(q) {
      // eslint-disable-next-line no-restricted-syntax -- a route of the notifier's admin API, not an object key
      const result = await call<ReplayResult>(o, 'notifier', 'POST', 'deadletters/replay', {}, q);
      if (!result) throw new ApiError(404, 'notifier');
      return result;
    },
  };
}
