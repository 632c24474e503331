/**
 * The real @aws-sdk/client-kms over a stubbed transport: a requestHandler that checks
 * each request (signed, JSON 1.1, the right target and fields) and answers as KMS does,
 * binding each data key to its encryption context as KMS does.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { KMSClient } from '@aws-sdk/client-kms';
import { generateKeyPair } from '@ediflow/pgp';
import { createObjectStore } from '@ediflow/store';
import {
  loadPlatformKey,
  parseEncryptionContext,
  platformKeySourceFrom,
  unwrapPrivateKey,
  wrapPrivateKey,
  type WrappedKeyDocument,
} from '@ediflow/platform-key';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CONTEXT = { purpose: 'ediflow-pgp', env: 'test' };

interface SeenRequest {
  target: string;
  body: Record<string, unknown>;
}

/** Answers GenerateDataKey and Decrypt like KMS, with a master key that never leaves this object. */
function fakeKms() {
  const master = randomBytes(32);
  const seen: SeenRequest[] = [];
  const ctxBytes = (ctx: unknown) => Buffer.from(JSON.stringify(Object.entries((ctx ?? {}) as Record<string, string>).sort()));
  const reply = (status: number, body: unknown) => ({
    response: {
      statusCode: status,
      reason: status === 200 ? 'OK' : 'Bad Request',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' },
      body: Readable.from([Buffer.from(JSON.stringify(body))]),
    },
  });
  const requestHandler = {
    async handle(request: { method: string; path: string; headers: Record<string, string>; body?: unknown; hostname: string }) {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
      // What every KMS request must look like.
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/');
      expect(request.hostname).toBe('kms.eu-west-1.amazonaws.com');
      expect(headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSTUB\/\d{8}\/eu-west-1\/kms\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/);
      const target = headers['x-amz-target'];
      const raw = request.body;
      const body = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw as Uint8Array)) as Record<string, unknown>;
      seen.push({ target, body });
      if (target === 'TrentService.GenerateDataKey') {
        expect(body).toEqual({ KeyId: 'alias/ediflow-pgp', KeySpec: 'AES_256', EncryptionContext: CONTEXT });
        const dataKey = randomBytes(32);
        const iv = randomBytes(12);
        const c = createCipheriv('aes-256-gcm', master, iv);
        c.setAAD(ctxBytes(body.EncryptionContext));
        const blob = Buffer.concat([iv, c.update(dataKey), c.final(), c.getAuthTag()]);
        return reply(200, { KeyId: KEY_ARN, Plaintext: dataKey.toString('base64'), CiphertextBlob: blob.toString('base64') });
      }
      if (target === 'TrentService.Decrypt') {
        expect(body.KeyId).toBe(KEY_ARN);
        const blob = Buffer.from(String(body.CiphertextBlob), 'base64');
        try {
          const d = createDecipheriv('aes-256-gcm', master, blob.subarray(0, 12));
          d.setAAD(ctxBytes(body.EncryptionContext));
          d.setAuthTag(blob.subarray(blob.length - 16));
          const dataKey = Buffer.concat([d.update(blob.subarray(12, blob.length - 16)), d.final()]);
          return reply(200, { KeyId: KEY_ARN, Plaintext: dataKey.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
        } catch {
          return reply(400, { __type: 'InvalidCiphertextException', message: '' });
        }
      }
      return reply(400, { __type: 'UnknownOperationException' });
    },
  };
  const client = new KMSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDSTUB', secretAccessKey: 'stub-secret' }, requestHandler, maxAttempts: 1 });
  return { client, seen };
}

describe('platform key wrapped with KMS', () => {
  let armored: string;
  beforeAll(async () => {
    armored = (await generateKeyPair({ userId: { name: 'platform', email: 'platform@ediflow.invalid' } })).privateKeyArmored;
  });

  it('when a key is wrapped and unwrapped with the same context, then the armored key comes back and the document holds no plaintext', async () => {
    const { client, seen } = fakeKms();
    const doc = await wrapPrivateKey({ kms: client, kmsKeyId: 'alias/ediflow-pgp', armoredKey: armored, encryptionContext: CONTEXT });
    expect(doc).toMatchObject({ format: 'ediflow.wrapped-pgp-key.v1', kmsKeyId: KEY_ARN, encryptionContext: CONTEXT });
    const text = JSON.stringify(doc);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(armored.split('\n')[3]);
    expect(await unwrapPrivateKey({ kms: client, document: text, encryptionContext: { env: 'test', purpose: 'ediflow-pgp' } })).toBe(armored);
    expect(seen.map((s) => s.target)).toEqual(['TrentService.GenerateDataKey', 'TrentService.Decrypt']);
    expect(seen[1].body.EncryptionContext).toEqual(CONTEXT);
  });

  it('when the expected context differs, then it is refused before KMS is asked; when KMS refuses the context, then PLATFORM_KEY_KMS_REFUSED', async () => {
    const { client, seen } = fakeKms();
    const doc = await wrapPrivateKey({ kms: client, kmsKeyId: 'alias/ediflow-pgp', armoredKey: armored, encryptionContext: CONTEXT });
    await expect(unwrapPrivateKey({ kms: client, document: doc, encryptionContext: { ...CONTEXT, env: 'prod' } })).rejects.toMatchObject({
      code: 'PLATFORM_KEY_CONTEXT_MISMATCH',
    });
    expect(seen).toHaveLength(1);
    // A document whose recorded context was edited to match: KMS itself refuses the data key.
    const forged: WrappedKeyDocument = { ...doc, encryptionContext: { ...CONTEXT, env: 'prod' } };
    await expect(unwrapPrivateKey({ kms: client, document: forged, encryptionContext: { ...CONTEXT, env: 'prod' } })).rejects.toMatchObject({
      code: 'PLATFORM_KEY_KMS_REFUSED',
      retryable: false,
    });
  });

  it('when the wrapped ciphertext is altered, then unwrapping fails with PLATFORM_KEY_INVALID', async () => {
    const { client } = fakeKms();
    const doc = await wrapPrivateKey({ kms: client, kmsKeyId: 'alias/ediflow-pgp', armoredKey: armored, encryptionContext: CONTEXT });
    const bytes = Buffer.from(doc.ciphertext, 'base64');
    bytes[10] ^= 1;
    await expect(unwrapPrivateKey({ kms: client, document: { ...doc, ciphertext: bytes.toString('base64') }, encryptionContext: CONTEXT })).rejects.toMatchObject({
      code: 'PLATFORM_KEY_INVALID',
    });
  });

  it('when the service starts in KMS mode, then the key is loaded from the wrapped file and nothing is written to disk', async () => {
    const { client } = fakeKms();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pk-'));
    const wrappedPath = path.join(dir, 'platform.key.wrapped.json');
    await writeFile(wrappedPath, JSON.stringify(await wrapPrivateKey({ kms: client, kmsKeyId: 'alias/ediflow-pgp', armoredKey: armored, encryptionContext: CONTEXT })));
    const source = platformKeySourceFrom({
      PGP_PRIVATE_KEY_FILE: path.join(dir, 'absent.asc'),
      PGP_PRIVATE_KEY_WRAPPED_FILE: wrappedPath,
      PGP_KEY_KMS_CONTEXT: 'purpose=ediflow-pgp, env=test',
    });
    const key = await loadPlatformKey(source, { kms: client });
    expect(key.isPrivate()).toBe(true);
    expect(key.isDecrypted()).toBe(true);
    expect(await readdir(dir)).toEqual(['platform.key.wrapped.json']);
  });

  it('when the wrapped document rests in the object store, then it is read from its key and unwrapped with KMS', async () => {
    const { client } = fakeKms();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pk-'));
    const store = createObjectStore({ kind: 'embedded', root: dir });
    const doc = await wrapPrivateKey({ kms: client, kmsKeyId: 'alias/ediflow-pgp', armoredKey: armored, encryptionContext: CONTEXT });
    await store.put('config/platform-key.wrapped.json', JSON.stringify(doc));
    const source = platformKeySourceFrom({
      PGP_PRIVATE_KEY_FILE: path.join(dir, 'absent.asc'),
      PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY: 'config/platform-key.wrapped.json',
      PGP_KEY_KMS_CONTEXT: 'purpose=ediflow-pgp,env=test',
    });
    expect(source).toMatchObject({ kind: 'kms', wrappedObjectKey: 'config/platform-key.wrapped.json' });
    const key = await loadPlatformKey(source, { kms: client, store });
    expect(key.isPrivate()).toBe(true);
    expect(key.isDecrypted()).toBe(true);
    await expect(loadPlatformKey(source, { kms: client })).rejects.toMatchObject({ code: 'CONFIG_INVALID', variables: ['PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY'] });
  });

  it('when both a wrapped file and a wrapped object key are set, then the configuration is refused naming both', () => {
    expect(() =>
      platformKeySourceFrom({ PGP_PRIVATE_KEY_FILE: 'x', PGP_PRIVATE_KEY_WRAPPED_FILE: 'y', PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY: 'z', PGP_KEY_KMS_CONTEXT: 'a=b' }),
    ).toThrow(expect.objectContaining({ variables: ['PGP_PRIVATE_KEY_WRAPPED_FILE', 'PGP_PRIVATE_KEY_WRAPPED_OBJECT_KEY'] }));
  });

  it('when in file mode, then the armored key file is read; bad context text is a config error naming the variable', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pk-'));
    await writeFile(path.join(dir, 'k.asc'), armored);
    const key = await loadPlatformKey(platformKeySourceFrom({ PGP_PRIVATE_KEY_FILE: path.join(dir, 'k.asc') }));
    expect(key.getKeyID().toHex()).toHaveLength(16);
    expect(await readFile(path.join(dir, 'k.asc'), 'utf8')).toBe(armored);
    expect(() => parseEncryptionContext('novalue')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', variables: ['PGP_KEY_KMS_CONTEXT'] }));
    expect(() => platformKeySourceFrom({ PGP_PRIVATE_KEY_FILE: 'x', PGP_PRIVATE_KEY_WRAPPED_FILE: 'y' })).toThrow(/PGP_KEY_KMS_CONTEXT/);
  });
});
