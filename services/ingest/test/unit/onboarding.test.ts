/**
 * onboardPartner with the real @aws-sdk/client-transfer over a stubbed transport: a
 * requestHandler that checks each request (signed JSON 1.1 to Transfer Family) and
 * answers as the service does, keeping users and keys in memory.
 */
import { Readable } from 'node:stream';
import { TransferClient } from '@aws-sdk/client-transfer';
import { parseRegistry } from '@ediflow/partners';
import { generateSshKeyPair, onboardPartner } from '@ediflow/ingest';

const SERVER = 's-0123456789abcdef0';
const ROLE = 'arn:aws:iam::111122223333:role/ediflow-transfer-user';
const PGP = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nx\n-----END PGP PUBLIC KEY BLOCK-----\n';

interface StoredUser {
  UserName: string;
  Role: string;
  HomeDirectoryType: string;
  HomeDirectoryMappings: unknown[];
  SshPublicKeys: Array<{ SshPublicKeyBody: string; SshPublicKeyId: string; DateImported: number }>;
  Tags?: unknown[];
}

function fakeTransfer() {
  const users = new Map<string, StoredUser>();
  const calls: Array<{ op: string; body: Record<string, unknown> }> = [];
  let nextKey = 1;
  const reply = (status: number, body: unknown) => ({
    response: {
      statusCode: status,
      reason: status === 200 ? 'OK' : 'Bad Request',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' },
      body: Readable.from([Buffer.from(JSON.stringify(body))]),
    },
  });
  const notFound = () => reply(400, { __type: 'ResourceNotFoundException', Message: 'Unknown user', Resource: 'user', ResourceType: 'User' });
  const requestHandler = {
    async handle(request: { method: string; hostname: string; headers: Record<string, string>; body?: unknown }) {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
      expect(request.method).toBe('POST');
      expect(request.hostname).toBe('transfer.eu-west-1.amazonaws.com');
      expect(headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSTUB\/\d{8}\/eu-west-1\/transfer\/aws4_request, /);
      const op = headers['x-amz-target'].replace(/^TransferService\./, '');
      const raw = request.body;
      const body = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw as Uint8Array)) as Record<string, unknown>;
      calls.push({ op, body });
      expect(body.ServerId).toBe(SERVER);
      const user = users.get(String(body.UserName));
      switch (op) {
        case 'DescribeUser':
          if (!user) return notFound();
          return reply(200, { ServerId: SERVER, User: { Arn: `arn:aws:transfer:eu-west-1:111122223333:user/${SERVER}/${user.UserName}`, ...user } });
        case 'CreateUser': {
          if (user) return reply(400, { __type: 'ResourceExistsException', Message: 'exists', Resource: 'user', ResourceType: 'User' });
          const keys = body.SshPublicKeyBody ? [{ SshPublicKeyBody: String(body.SshPublicKeyBody), SshPublicKeyId: `key-${nextKey++}`, DateImported: 1700000000 }] : [];
          users.set(String(body.UserName), {
            UserName: String(body.UserName),
            Role: String(body.Role),
            HomeDirectoryType: String(body.HomeDirectoryType),
            HomeDirectoryMappings: body.HomeDirectoryMappings as unknown[],
            SshPublicKeys: keys,
            Tags: body.Tags as unknown[],
          });
          return reply(200, { ServerId: SERVER, UserName: body.UserName });
        }
        case 'UpdateUser':
          if (!user) return notFound();
          Object.assign(user, { Role: body.Role, HomeDirectoryType: body.HomeDirectoryType, HomeDirectoryMappings: body.HomeDirectoryMappings });
          return reply(200, { ServerId: SERVER, UserName: body.UserName });
        case 'ImportSshPublicKey': {
          if (!user) return notFound();
          const id = `key-${nextKey++}`;
          user.SshPublicKeys.push({ SshPublicKeyBody: String(body.SshPublicKeyBody), SshPublicKeyId: id, DateImported: 1700000000 });
          return reply(200, { ServerId: SERVER, UserName: body.UserName, SshPublicKeyId: id });
        }
        case 'DeleteSshPublicKey':
          if (!user) return notFound();
          user.SshPublicKeys = user.SshPublicKeys.filter((k) => k.SshPublicKeyId !== body.SshPublicKeyId);
          return reply(200, {});
        default:
          return reply(400, { __type: 'InvalidRequestException', Message: `unexpected ${op}` });
      }
    },
  };
  const client = new TransferClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDSTUB', secretAccessKey: 'stub' }, requestHandler, maxAttempts: 1 });
  return { client, users, calls };
}

describe('onboardPartner (Transfer Family)', () => {
  const k1 = generateSshKeyPair('acme-1').publicKey;
  const k2 = generateSshKeyPair('acme-2').publicKey;
  const k3 = generateSshKeyPair('acme-3').publicKey;
  const registry = (keys: string[]) =>
    parseRegistry({
      version: 1,
      partners: [{ id: 'acme', name: 'Acme', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }], pgpPublicKeys: [PGP], sftpUsers: [{ userName: 'acme_sftp', sshPublicKeys: keys }] }],
    });

  it('when run for a new partner and then again, then the user is created with logical home folders and keys, and the second run only reads', async () => {
    const { client, users, calls } = fakeTransfer();
    const settings = { transfer: client, serverId: SERVER, roleArn: ROLE, bucket: 'ediflow-prod' };
    const first = await onboardPartner('acme', registry([k1, k2]), settings);
    expect(first).toEqual({ partnerId: 'acme', changed: true, users: [{ userName: 'acme_sftp', created: true, updated: false, keysImported: 1, keysDeleted: 0 }] });
    expect(calls.map((c) => c.op)).toEqual(['DescribeUser', 'CreateUser', 'ImportSshPublicKey']);
    expect(calls[1].body).toEqual({
      ServerId: SERVER,
      UserName: 'acme_sftp',
      Role: ROLE,
      HomeDirectoryType: 'LOGICAL',
      HomeDirectoryMappings: [
        { Entry: '/inbound', Target: '/ediflow-prod/inbound/acme' },
        { Entry: '/outbound', Target: '/ediflow-prod/outbound/acme' },
      ],
      SshPublicKeyBody: k1.trim(),
      Tags: [{ Key: 'ediflow:partner', Value: 'acme' }],
    });
    expect(users.get('acme_sftp')?.SshPublicKeys.map((k) => k.SshPublicKeyBody)).toEqual([k1.trim(), k2.trim()]);

    calls.length = 0;
    const second = await onboardPartner('acme', registry([k1, k2]), settings);
    expect(second.changed).toBe(false);
    expect(calls.map((c) => c.op)).toEqual(['DescribeUser']);
  });

  it('when a key is rotated and the mapping drifted, then the new key is imported before the old one is deleted and the user is corrected', async () => {
    const { client, users, calls } = fakeTransfer();
    const settings = { transfer: client, serverId: SERVER, roleArn: ROLE, bucket: 'ediflow-prod' };
    await onboardPartner('acme', registry([k1, k2]), settings);
    users.get('acme_sftp')!.HomeDirectoryMappings = [{ Entry: '/', Target: '/ediflow-prod' }];
    calls.length = 0;
    const report = await onboardPartner('acme', registry([k2, k3]), settings);
    expect(report.users).toEqual([{ userName: 'acme_sftp', created: false, updated: true, keysImported: 1, keysDeleted: 1 }]);
    expect(calls.map((c) => c.op)).toEqual(['DescribeUser', 'UpdateUser', 'ImportSshPublicKey', 'DeleteSshPublicKey']);
    expect(users.get('acme_sftp')?.SshPublicKeys.map((k) => k.SshPublicKeyBody)).toEqual([k2.trim(), k3.trim()]);
    expect(users.get('acme_sftp')?.HomeDirectoryMappings).toEqual([
      { Entry: '/inbound', Target: '/ediflow-prod/inbound/acme' },
      { Entry: '/outbound', Target: '/ediflow-prod/outbound/acme' },
    ]);
  });

  it('when the partner is unknown or has no SFTP user, then nothing is sent', async () => {
    const { client, calls } = fakeTransfer();
    const settings = { transfer: client, serverId: SERVER, roleArn: ROLE, bucket: 'b-ediflow' };
    await expect(onboardPartner('nobody', registry([k1]), settings)).rejects.toMatchObject({ code: 'PARTNER_UNKNOWN' });
    const noUser = parseRegistry({ version: 1, partners: [{ id: 'acme', name: 'Acme', isaSenders: [{ qualifier: 'ZZ', id: 'ACME' }], pgpPublicKeys: [PGP] }] });
    await expect(onboardPartner('acme', noUser, settings)).rejects.toMatchObject({ code: 'PARTNER_NO_SFTP_USER' });
    expect(calls).toEqual([]);
  });
});
