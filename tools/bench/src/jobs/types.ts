/** A measurement run inside a child process (see child.ts): returns seconds, bytes and its own metrics. */
export type Job = (params: Record<string, unknown>) => Promise<{ seconds: number; bytes: number; [metric: string]: number }>;

export function elapsed(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
