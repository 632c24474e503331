import type { InflightMarker } from '@ediflow/messages';

/** Whether a received file is due to be published again: no outcome `afterMs` after the later of its receipt and its last republish. */
export function isDue(marker: InflightMarker, markerTime: Date, now: Date, afterMs: number): boolean {
  const last = marker.republishedAt !== undefined ? Date.parse(marker.republishedAt) : markerTime.getTime();
  return now.getTime() - last >= afterMs;
}
