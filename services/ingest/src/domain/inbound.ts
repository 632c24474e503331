/**
 * Pure rules of ingest: where files come from, what makes them bad, and what
 * the quarantine record says. No I/O here.
 */

/** Reason codes recorded in quarantine/<fileId>/reason.json and used as metric labels. */
export const QUARANTINE_CODES = {
  unknownPartner: 'UNKNOWN_PARTNER',
  emptyFile: 'EMPTY_FILE',
  tooLarge: 'FILE_TOO_LARGE',
  notPgp: 'NOT_PGP',
  senderMismatch: 'SENDER_MISMATCH',
  receiverMismatch: 'RECEIVER_MISMATCH',
  sftpUserMismatch: 'SFTP_USER_MISMATCH',
  notX12: 'NOT_X12',
} as const;

/** Metadata key Transfer Family (and the embedded SFTP server) writes on uploads: `<user>@<server-id>`. */
export const USER_AGENT_ID_METADATA = 'user-agent-id';

/**
 * The SFTP user name in a Transfer Family `x-amz-meta-user-agent-id` value
 * (`<user>@<server-id>`). User names may contain `@`, server ids do not, so the split
 * is at the last `@`. Undefined when the value has no `@`.
 */
export function sftpUserOf(userAgentId: string | undefined): string | undefined {
  if (userAgentId === undefined) return undefined;
  const at = userAgentId.lastIndexOf('@');
  return at > 0 ? userAgentId.slice(0, at) : undefined;
}

export interface InboundKey {
  partnerId: string;
  /** The part after inbound/<partnerId>/: the partner's own file name. Can hold PHI: never log it. */
  name: string;
}

/** `inbound/<partnerId>/<name>` -> its parts; undefined for keys that are not partner uploads (folders, other prefixes). */
export function parseInboundKey(key: string): InboundKey | undefined {
  const m = /^inbound\/([^/]+)\/(.+)$/.exec(key);
  if (!m || m[2].endsWith('/')) return undefined;
  return { partnerId: m[1], name: m[2] };
}

export interface IsaSender {
  qualifier: string;
  id: string;
}

/**
 * Reads ISA05/ISA06 from the start of a plaintext file. The element separator is the
 * byte after "ISA" (a UTF-8 BOM and leading white space are skipped). Undefined when the
 * bytes do not start with an ISA segment.
 */
export function readIsaSender(head: Uint8Array): IsaSender | undefined {
  return readIsaParties(head)?.sender;
}

/** ISA05/ISA06 (sender) and ISA07/ISA08 (receiver), or undefined when the bytes do not start with an ISA segment. */
export function readIsaParties(head: Uint8Array): { sender: IsaSender; receiver: IsaSender } | undefined {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (head[i] !== 0x49 || head[i + 1] !== 0x53 || head[i + 2] !== 0x41) return undefined; // "ISA"
  const sep = head[i + 3];
  if (sep === undefined) return undefined;
  const fields: string[] = [];
  let start = i + 4;
  for (let j = start; j < head.length && fields.length < 8; j++) {
    if (head[j] === sep) {
      fields.push(Buffer.from(head.subarray(start, j)).toString('latin1'));
      start = j + 1;
    }
  }
  if (fields.length < 8) return undefined;
  return { sender: { qualifier: fields[4].trim(), id: fields[5].trim() }, receiver: { qualifier: fields[6].trim(), id: fields[7].trim() } };
}

/** True when the file's ISA sender is the partner's registered one. */
export function senderMatches(sender: IsaSender, expected: IsaSender): boolean {
  return sender.qualifier === expected.qualifier && sender.id === expected.id.trim();
}
