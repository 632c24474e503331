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
  groupSenderMismatch: 'GS_SENDER_MISMATCH',
  groupReceiverMismatch: 'GS_RECEIVER_MISMATCH',
  envelopeUnreadable: 'ENVELOPE_UNREADABLE',
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
 * ISA05/ISA06 (sender) and ISA07/ISA08 (receiver) from the start of a plaintext file, or
 * undefined when the bytes do not start with an ISA segment. The element separator is the byte
 * after "ISA" (a UTF-8 BOM and leading white space are skipped).
 */
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

/** What the envelope check needs of a partner's registry entry. */
export interface PartyRules {
  isaSenders: readonly IsaSender[];
  isaReceivers: readonly IsaSender[];
  gsSenders: readonly string[];
  gsReceivers: readonly string[];
}

/** A party of the file that is not the uploader's: its quarantine code and a message without values. */
export interface PartyProblem {
  code: string;
  message: string;
}

/**
 * Checks every interchange and group of a file against the uploading partner (DESIGN.md
 * invariant 9). `foreignGsCodes` are the GS02 codes other partners own (their gsSenders and ISA06
 * ids): a partner without gsSenders may use any GS02 but those.
 */
export function createPartyCheck(rules: PartyRules, foreignGsCodes: ReadonlySet<string>) {
  return {
    interchange(p: { index: number; offset: number; sender: IsaSender; receiver: IsaSender }): PartyProblem | undefined {
      const where = `interchange ${p.index + 1} (byte ${p.offset})`;
      if (!rules.isaSenders.some((e) => senderMatches(p.sender, e))) {
        return { code: QUARANTINE_CODES.senderMismatch, message: `${where}: ISA05/ISA06 are not a sender registered for the partner of this folder` };
      }
      if (rules.isaReceivers.length > 0 && !rules.isaReceivers.some((e) => senderMatches(p.receiver, e))) {
        return { code: QUARANTINE_CODES.receiverMismatch, message: `${where}: ISA07/ISA08 are not a receiver registered for this partner` };
      }
      return undefined;
    },
    group(p: { interchange: number; offset: number; applicationSender: string; applicationReceiver: string }): PartyProblem | undefined {
      const where = `group in interchange ${p.interchange + 1} (byte ${p.offset})`;
      const senderOk = rules.gsSenders.length > 0 ? rules.gsSenders.includes(p.applicationSender) : !foreignGsCodes.has(p.applicationSender);
      if (!senderOk) return { code: QUARANTINE_CODES.groupSenderMismatch, message: `${where}: GS02 is not an application sender code of the partner of this folder` };
      if (rules.gsReceivers.length > 0 && !rules.gsReceivers.includes(p.applicationReceiver)) {
        return { code: QUARANTINE_CODES.groupReceiverMismatch, message: `${where}: GS03 is not an application receiver code registered for this partner` };
      }
      return undefined;
    },
  };
}

/** GS02 codes that belong to partners other than `partnerId`: their gsSenders and ISA06 ids. */
export function foreignGsCodesOf(partners: readonly { id: string; gsSenders: readonly string[]; isaSenders: readonly IsaSender[] }[], partnerId: string): Set<string> {
  const own = partners.find((p) => p.id === partnerId);
  const mine = new Set([...(own?.gsSenders ?? []), ...(own?.isaSenders ?? []).map((s) => s.id)]);
  const codes = new Set<string>();
  for (const p of partners) {
    if (p.id === partnerId) continue;
    for (const c of p.gsSenders) if (!mine.has(c)) codes.add(c);
    for (const s of p.isaSenders) if (!mine.has(s.id)) codes.add(s.id);
  }
  return codes;
}
