import {
  CreateUserCommand,
  DeleteSshPublicKeyCommand,
  DescribeUserCommand,
  ImportSshPublicKeyCommand,
  UpdateUserCommand,
  type DescribedUser,
  type HomeDirectoryMapEntry,
  type TransferClient,
} from '@aws-sdk/client-transfer';
import { NotFoundError, UnavailableError, AppError } from '@ediflow/errors';
import type { Partner, PartnerRegistry, SftpUser } from '@ediflow/partners';

export interface OnboardingSettings {
  transfer: Pick<TransferClient, 'send'>;
  /** Transfer Family server id (s-...). */
  serverId: string;
  /** IAM role Transfer Family assumes for the user's S3 access (scoped to the bucket's inbound/ and outbound/). */
  roleArn: string;
  /** The bucket ingest reads (S3_BUCKET). */
  bucket: string;
}

export interface OnboardedUser {
  userName: string;
  created: boolean;
  /** Role or home directory mappings were corrected. */
  updated: boolean;
  keysImported: number;
  keysDeleted: number;
}

export interface OnboardingReport {
  partnerId: string;
  users: OnboardedUser[];
  /** False when the server already matched the registry (a second run changes nothing). */
  changed: boolean;
}

/** Transfer Family logical home directories: the partner sees /inbound and /outbound, mapped to its own prefixes. */
export function homeDirectoryMappings(bucket: string, partnerId: string): HomeDirectoryMapEntry[] {
  return [
    { Entry: '/inbound', Target: `/${bucket}/inbound/${partnerId}` },
    { Entry: '/outbound', Target: `/${bucket}/outbound/${partnerId}` },
  ];
}

/** `type base64` of an OpenSSH public key line (the comment is not part of the key). */
const keyIdentity = (line: string): string => line.trim().split(/\s+/).slice(0, 2).join(' ');

function sameMappings(a: HomeDirectoryMapEntry[] | undefined, b: HomeDirectoryMapEntry[]): boolean {
  const norm = (m: HomeDirectoryMapEntry[]) =>
    m
      .map((e) => `${e.Entry ?? ''}\u001f${e.Target ?? ''}\u001f${e.Type ?? 'DIRECTORY'}`)
      .sort()
      .join('\n');
  return norm(a ?? []) === norm(b);
}

function mapTransferError(err: unknown, operation: string): AppError {
  if (err instanceof AppError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined || status >= 500 || status === 429 || e.name === 'ThrottlingException' || e.name === 'ServiceUnavailableException') {
    return new UnavailableError('TRANSFER_UNAVAILABLE', `Transfer Family ${operation} failed for now`, { cause: err });
  }
  return new AppError('TRANSFER_REFUSED', `Transfer Family refused ${operation} (${e.name ?? 'error'})`, { cause: err });
}

async function describe(settings: OnboardingSettings, userName: string): Promise<DescribedUser | undefined> {
  try {
    const out = await settings.transfer.send(new DescribeUserCommand({ ServerId: settings.serverId, UserName: userName }));
    return out.User;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw mapTransferError(err, 'DescribeUser');
  }
}

async function send<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapTransferError(err, operation);
  }
}

async function onboardUser(settings: OnboardingSettings, partner: Partner, user: SftpUser): Promise<OnboardedUser> {
  const mappings = homeDirectoryMappings(settings.bucket, partner.id);
  const wanted = new Map(user.sshPublicKeys.map((k) => [keyIdentity(k), k.trim()]));
  const result: OnboardedUser = { userName: user.userName, created: false, updated: false, keysImported: 0, keysDeleted: 0 };
  const existing = await describe(settings, user.userName);
  if (!existing) {
    const [first, ...rest] = [...wanted.values()];
    await send('CreateUser', () =>
      settings.transfer.send(
        new CreateUserCommand({
          ServerId: settings.serverId,
          UserName: user.userName,
          Role: settings.roleArn,
          HomeDirectoryType: 'LOGICAL',
          HomeDirectoryMappings: mappings,
          SshPublicKeyBody: first,
          Tags: [{ Key: 'ediflow:partner', Value: partner.id }],
        }),
      ),
    );
    result.created = true;
    for (const key of rest) {
      await send('ImportSshPublicKey', () =>
        settings.transfer.send(new ImportSshPublicKeyCommand({ ServerId: settings.serverId, UserName: user.userName, SshPublicKeyBody: key })),
      );
      result.keysImported += 1;
    }
    return result;
  }
  if (existing.Role !== settings.roleArn || existing.HomeDirectoryType !== 'LOGICAL' || !sameMappings(existing.HomeDirectoryMappings, mappings)) {
    await send('UpdateUser', () =>
      settings.transfer.send(
        new UpdateUserCommand({
          ServerId: settings.serverId,
          UserName: user.userName,
          Role: settings.roleArn,
          HomeDirectoryType: 'LOGICAL',
          HomeDirectoryMappings: mappings,
        }),
      ),
    );
    result.updated = true;
  }
  const present = new Map((existing.SshPublicKeys ?? []).map((k) => [keyIdentity(k.SshPublicKeyBody ?? ''), k.SshPublicKeyId ?? '']));
  for (const [identity, key] of wanted) {
    if (present.has(identity)) continue;
    await send('ImportSshPublicKey', () =>
      settings.transfer.send(new ImportSshPublicKeyCommand({ ServerId: settings.serverId, UserName: user.userName, SshPublicKeyBody: key })),
    );
    result.keysImported += 1;
  }
  // Keys removed from the registry are removed from the server (key rotation), after the new ones are in.
  for (const [identity, id] of present) {
    if (wanted.has(identity) || !id) continue;
    await send('DeleteSshPublicKey', () =>
      settings.transfer.send(new DeleteSshPublicKeyCommand({ ServerId: settings.serverId, UserName: user.userName, SshPublicKeyId: id })),
    );
    result.keysDeleted += 1;
  }
  return result;
}

/**
 * Makes the Transfer Family server match the registry for one partner: each of its SFTP
 * users exists with logical home directories /inbound and /outbound mapped to the
 * partner's prefixes, the configured role, and exactly the registry's SSH keys.
 * Idempotent: a second run only reads (DescribeUser) and reports changed=false.
 * Users removed from the registry are not deleted (do that deliberately).
 */
export async function onboardPartner(partnerId: string, registry: PartnerRegistry, settings: OnboardingSettings): Promise<OnboardingReport> {
  const partner = registry.find(partnerId);
  if (!partner) throw new NotFoundError('PARTNER_UNKNOWN', `unknown partner ${partnerId}`);
  if (partner.sftpUsers.length === 0) throw new AppError('PARTNER_NO_SFTP_USER', `partner ${partnerId} has no SFTP user in the registry`);
  const users: OnboardedUser[] = [];
  for (const user of partner.sftpUsers) users.push(await onboardUser(settings, partner, user));
  return { partnerId, users, changed: users.some((u) => u.created || u.updated || u.keysImported > 0 || u.keysDeleted > 0) };
}
