import { posix } from 'node:path';

/**
 * What a partner sees over SFTP: the same logical home directory Transfer Family is
 * given by onboarding (HomeDirectoryType LOGICAL):
 *   /            -> (virtual, lists inbound and outbound)
 *   /inbound     -> inbound/<partnerId>/   (upload only)
 *   /outbound    -> outbound/<partnerId>/  (download, delete)
 * Paths are resolved against "/" and ".." stops at "/", so nothing outside the partner's
 * two folders can be named. File names are one segment (no sub-folders).
 */
export type SftpArea = 'inbound' | 'outbound';

export type SftpPlace =
  | { kind: 'root'; path: '/' }
  | { kind: 'dir'; path: string; area: SftpArea; prefix: string }
  | { kind: 'file'; path: string; area: SftpArea; key: string; name: string };

export const SFTP_AREAS: readonly SftpArea[] = ['inbound', 'outbound'];

/** Normalises a client path ("." and relative paths are relative to "/"). */
export function normaliseSftpPath(path: string): string {
  return posix.resolve('/', path.length === 0 ? '.' : path);
}

const FILE_NAME = /^[^\u0000-\u001f\u007f/\\]{1,200}$/;

/** The place a path names for a partner, or undefined when it names nothing the partner may see. */
export function resolveSftpPath(partnerId: string, path: string): SftpPlace | undefined {
  const normal = normaliseSftpPath(path);
  if (normal === '/') return { kind: 'root', path: '/' };
  const segments = normal.slice(1).split('/');
  const area = segments[0] as SftpArea;
  if (!SFTP_AREAS.includes(area)) return undefined;
  if (segments.length === 1) return { kind: 'dir', path: normal, area, prefix: `${area}/${partnerId}/` };
  if (segments.length !== 2) return undefined;
  const name = segments[1];
  if (!FILE_NAME.test(name) || name === '.' || name === '..') return undefined;
  return { kind: 'file', path: normal, area, key: `${area}/${partnerId}/${name}`, name };
}

/** Transfer Family's `x-amz-meta-user-agent-id` value. */
export const userAgentId = (userName: string, serverId: string): string => `${userName}@${serverId}`;
