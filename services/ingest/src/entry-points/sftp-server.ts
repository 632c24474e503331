import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { Server, utils, type Connection, type PublicKeyAuthContext, type SFTPWrapper, type Attributes } from 'ssh2';
import type { ObjectStore } from '@ediflow/store';
import type { Logger } from '@ediflow/logger';
import type { Partner, RegistrySource, SftpUser } from '@ediflow/partners';
import { describeError } from '@ediflow/errors';
import { resolveSftpPath, userAgentId, SFTP_AREAS, type SftpPlace } from '../domain/sftp-paths';
import { USER_AGENT_ID_METADATA } from '../domain/inbound';
import { ed25519OpenSshKeyPair } from '../adapters/ssh-keys';

const { OPEN_MODE, STATUS_CODE } = utils.sftp;

export interface SftpServerOptions {
  store: ObjectStore;
  partners: RegistrySource;
  logger: Logger;
  /** Host private keys (OpenSSH or PEM). See ensureSftpHostKey for a local one. */
  hostKeys: Array<string | Buffer>;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Written into uploads' user-agent-id metadata as Transfer Family does (`<user>@<serverId>`). Default `s-embedded`. */
  serverId?: string;
  /** Largest upload accepted; a bigger one fails and nothing is stored. */
  maxUploadBytes?: number;
  /** Called after an upload is stored (e.g. the ingest service's trigger(), for immediate pickup). */
  onUpload?: (key: string) => void;
  /** A connection that has not logged in this long after it opened is closed. Default 30 s. */
  authTimeoutMs?: number;
  /** Connections at once; more are closed at once. Default 100. */
  maxConnections?: number;
  /** Connections at once from one address. Default 10. */
  maxConnectionsPerAddress?: number;
  /** Authentication requests one connection may make before it is closed. Default 6 (OpenSSH's MaxAuthTries). */
  maxAuthAttempts?: number;
}

export const SFTP_LIMIT_DEFAULTS = { authTimeoutMs: 30_000, maxConnections: 100, maxConnectionsPerAddress: 10, maxAuthAttempts: 6 } as const;

export interface SftpServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

const DIR_MODE = 0o40755;
const FILE_MODE = 0o100644;

type Handle =
  | { kind: 'upload'; key: string; body: PassThrough; stored: Promise<unknown>; offset: number; failed: boolean }
  | { kind: 'download'; key: string; size: number; mtime: number; reader?: SequentialReader; queue: Promise<void> }
  | { kind: 'dir'; place: SftpPlace; sent: boolean };

/** Reads a stream in order, handing out byte ranges (SFTP READs come in offset order). */
class SequentialReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;
  position = 0;

  constructor(private readonly stream: Readable) {
    this.iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Up to `length` bytes from `offset` (>= position); empty at the end. */
  async read(offset: number, length: number): Promise<Buffer> {
    while (this.buffered.length < offset - this.position + length && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) this.ended = true;
      else this.buffered = Buffer.concat([this.buffered, Buffer.from(next.value)]);
    }
    const skip = offset - this.position;
    const out = this.buffered.subarray(skip, skip + length);
    this.buffered = this.buffered.subarray(skip + out.length);
    this.position = offset + out.length;
    return out;
  }

  close(): void {
    this.stream.destroy();
  }
}

function keyMatches(user: SftpUser, ctx: PublicKeyAuthContext): boolean {
  for (const line of user.sshPublicKeys) {
    const parsed = utils.parseKey(line);
    if (parsed instanceof Error) continue;
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    const data = key.getPublicSSH();
    if (key.type !== ctx.key.algo || data.length !== ctx.key.data.length || !timingSafeEqual(data, ctx.key.data)) continue;
    if (!ctx.signature) return true; // the client asks whether the key is acceptable; it signs next
    if (ctx.blob && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return true;
  }
  return false;
}

const fileAttrs = (size: number, mtimeMs: number): Attributes => {
  const t = Math.floor(mtimeMs / 1000);
  return { mode: FILE_MODE, uid: 0, gid: 0, size, atime: t, mtime: t };
};
const dirAttrs = (): Attributes => ({ mode: DIR_MODE, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 });

function longname(name: string, attrs: Attributes, owner: string): string {
  const dir = (attrs.mode & 0o40000) !== 0;
  const date = new Date(attrs.mtime * 1000).toISOString().slice(0, 16).replace('T', ' ');
  return `${dir ? 'drwxr-xr-x' : '-rw-r--r--'} 1 ${owner} ${owner} ${String(attrs.size).padStart(10)} ${date} ${name}`;
}

/**
 * The embedded SFTP server (on-premises and local stand-in for Transfer Family). SSH
 * public-key authentication only, against the partner registry's SFTP users; each
 * partner sees only /inbound and /outbound (its own folders). Uploads stream into the
 * object store at inbound/<partnerId>/<name> with the metadata Transfer Family writes
 * (`user-agent-id: <user>@<serverId>`); an upload that does not finish (disconnect,
 * error) leaves nothing behind. Downloads stream from outbound/<partnerId>/.
 */
export async function startSftpServer(options: SftpServerOptions): Promise<SftpServer> {
  const { store, logger } = options;
  const serverId = options.serverId ?? 's-embedded';
  const maxUpload = options.maxUploadBytes ?? Number.MAX_SAFE_INTEGER;
  const connections = new Set<Connection>();
  const limits = { ...SFTP_LIMIT_DEFAULTS, ...definedOnly(options) };
  /** TCP connections by address, and the login timer of each not yet logged in (by address:port). */
  const sockets = new Set<Socket>();
  const perAddress = new Map<string, number>();
  const loginTimers = new Map<string, NodeJS.Timeout>();

  // The caps and the login timeout act on TCP connections: ssh2 sees a client only once it has
  // sent its identification line, and a connection that sends nothing must still be closed.
  const tcp = createServer((socket) => {
    const address = socket.remoteAddress ?? '';
    const fromHere = perAddress.get(address) ?? 0;
    if (sockets.size >= limits.maxConnections || fromHere >= limits.maxConnectionsPerAddress) {
      logger.warn({ connections: sockets.size, fromAddress: fromHere }, 'sftp connection refused: too many connections');
      socket.destroy();
      return;
    }
    sockets.add(socket);
    perAddress.set(address, fromHere + 1);
    const id = `${address}:${String(socket.remotePort)}`;
    const timer = setTimeout(() => {
      logger.warn({}, 'sftp connection closed: no login within the time allowed');
      socket.destroy();
    }, limits.authTimeoutMs);
    timer.unref();
    loginTimers.set(id, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      loginTimers.delete(id);
      sockets.delete(socket);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
    server.injectSocket(socket);
  });

  const server = new Server({ hostKeys: options.hostKeys }, (client, info) => {
    connections.add(client);
    const loginTimer = loginTimers.get(`${info.ip}:${String(info.port)}`);
    let partner: Partner | undefined;
    let userName = '';
    let attempts = 0;
    client.on('authentication', (ctx) => {
      attempts += 1;
      if (attempts > limits.maxAuthAttempts) {
        logger.warn({ sftpUser: ctx.username, attempts }, 'sftp connection closed: too many authentication attempts');
        ctx.reject();
        client.end();
        return;
      }
      if (ctx.method !== 'publickey') {
        ctx.reject(['publickey']);
        return;
      }
      options.partners
        .current()
        .then((registry) => {
          const p = registry.findBySftpUser(ctx.username);
          const user = p?.sftpUsers.find((u) => u.userName.toLowerCase() === ctx.username.toLowerCase());
          if (!p || !user || !keyMatches(user, ctx)) {
            if (ctx.signature) logger.warn({ sftpUser: ctx.username }, 'sftp login refused');
            ctx.reject(['publickey']);
            return;
          }
          partner = p;
          userName = user.userName;
          ctx.accept();
        })
        .catch((err: unknown) => {
          logger.error({ err: describeError(err) }, 'sftp login failed: registry unavailable');
          ctx.reject(['publickey']);
        });
    });
    client.on('ready', () => {
      clearTimeout(loginTimer);
      const p = partner as Partner;
      logger.info({ partnerId: p.id, sftpUser: userName }, 'sftp session opened');
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), p, userName));
      });
    });
    client.on('error', (err) => logger.debug({ err: describeError(err) }, 'sftp connection error'));
    client.on('close', () => connections.delete(client));
  });

  function serveSftp(sftp: SFTPWrapper, partner: Partner, user: string): void {
    const handles = new Map<number, Handle>();
    let nextHandle = 1;
    const newHandle = (h: Handle): Buffer => {
      const id = nextHandle++;
      handles.set(id, h);
      const buf = Buffer.alloc(4);
      buf.writeUInt32BE(id);
      return buf;
    };
    const handleOf = (buf: Buffer): [number, Handle | undefined] => {
      const id = buf.length === 4 ? buf.readUInt32BE(0) : -1;
      return [id, handles.get(id)];
    };
    const place = (path: string) => resolveSftpPath(partner.id, path);
    const fail = (reqid: number, err: unknown) => {
      logger.warn({ partnerId: partner.id, err: describeError(err) }, 'sftp request failed');
      sftp.status(reqid, STATUS_CODE.FAILURE);
    };

    sftp.on('REALPATH', (reqid, path) => {
      const normal = resolveSftpPath(partner.id, path);
      const name = normal ? normal.path : '/';
      sftp.name(reqid, [{ filename: name, longname: name, attrs: dirAttrs() }]);
    });

    const stat = (reqid: number, path: string) => {
      const at = place(path);
      if (!at) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
      if (at.kind !== 'file') return sftp.attrs(reqid, dirAttrs());
      store
        .head(at.key)
        .then((info) => (info ? sftp.attrs(reqid, fileAttrs(info.size, info.lastModified.getTime())) : sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE)))
        .catch((err: unknown) => fail(reqid, err));
    };
    sftp.on('STAT', stat);
    sftp.on('LSTAT', stat);

    sftp.on('OPEN', (reqid, filename, flags) => {
      const at = place(filename);
      if (!at || at.kind !== 'file') return sftp.status(reqid, at ? STATUS_CODE.FAILURE : STATUS_CODE.PERMISSION_DENIED);
      const writing = (flags & OPEN_MODE.WRITE) !== 0 || (flags & OPEN_MODE.APPEND) !== 0;
      if (writing) {
        if (at.area !== 'inbound' || (flags & OPEN_MODE.READ) !== 0 || (flags & OPEN_MODE.APPEND) !== 0) {
          return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED);
        }
        const body = new PassThrough({ highWaterMark: 1024 * 1024 });
        const stored = store.put(at.key, body, { metadata: { [USER_AGENT_ID_METADATA]: userAgentId(user, serverId) } });
        stored.catch(() => undefined);
        return sftp.handle(reqid, newHandle({ kind: 'upload', key: at.key, body, stored, offset: 0, failed: false }));
      }
      if (at.area !== 'outbound') return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED);
      store
        .head(at.key)
        .then((info) => {
          if (!info) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
          sftp.handle(reqid, newHandle({ kind: 'download', key: at.key, size: info.size, mtime: info.lastModified.getTime(), queue: Promise.resolve() }));
        })
        .catch((err: unknown) => fail(reqid, err));
    });

    sftp.on('WRITE', (reqid, handle, offset, data) => {
      const [, h] = handleOf(handle);
      if (!h || h.kind !== 'upload' || h.failed) return sftp.status(reqid, STATUS_CODE.FAILURE);
      if (offset !== h.offset || h.offset + data.length > maxUpload) {
        // Out-of-order or oversized: abort the upload; nothing is stored.
        h.failed = true;
        h.body.destroy(new Error(offset !== h.offset ? 'non-sequential write' : 'upload too large'));
        return sftp.status(reqid, STATUS_CODE.FAILURE);
      }
      h.offset += data.length;
      // Writes are queued in arrival order; the reply waits until the store took the bytes (backpressure).
      h.body.write(Buffer.from(data), (err) => sftp.status(reqid, err ? STATUS_CODE.FAILURE : STATUS_CODE.OK));
    });

    sftp.on('READ', (reqid, handle, offset, length) => {
      const [, h] = handleOf(handle);
      if (!h || h.kind !== 'download') return sftp.status(reqid, STATUS_CODE.FAILURE);
      h.queue = h.queue.then(async () => {
        try {
          if (offset >= h.size) return sftp.status(reqid, STATUS_CODE.EOF);
          if (!h.reader || offset < h.reader.position) {
            h.reader?.close();
            h.reader = new SequentialReader((await store.get(h.key)).body);
          }
          const chunk = await h.reader.read(offset, length);
          if (chunk.length === 0) sftp.status(reqid, STATUS_CODE.EOF);
          else sftp.data(reqid, chunk);
        } catch (err) {
          fail(reqid, err);
        }
      });
    });

    sftp.on('FSTAT', (reqid, handle) => {
      const [, h] = handleOf(handle);
      if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE);
      if (h.kind === 'download') return sftp.attrs(reqid, fileAttrs(h.size, h.mtime));
      if (h.kind === 'upload') return sftp.attrs(reqid, fileAttrs(h.offset, Date.now()));
      return sftp.attrs(reqid, dirAttrs());
    });
    // Times and modes are not kept (as on S3): accept and ignore, so `put -p` works.
    sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
    sftp.on('SETSTAT', (reqid, path) => sftp.status(reqid, place(path) ? STATUS_CODE.OK : STATUS_CODE.PERMISSION_DENIED));

    sftp.on('CLOSE', (reqid, handle) => {
      const [id, h] = handleOf(handle);
      if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE);
      handles.delete(id);
      if (h.kind === 'dir') return sftp.status(reqid, STATUS_CODE.OK);
      if (h.kind === 'download') {
        void h.queue.then(() => {
          h.reader?.close();
          sftp.status(reqid, STATUS_CODE.OK);
        });
        return;
      }
      if (h.failed) return sftp.status(reqid, STATUS_CODE.FAILURE);
      h.body.end();
      h.stored
        .then(() => {
          logger.info({ partnerId: partner.id, bytes: h.offset }, 'sftp upload stored');
          sftp.status(reqid, STATUS_CODE.OK);
          options.onUpload?.(h.key);
        })
        .catch((err: unknown) => fail(reqid, err));
    });

    sftp.on('OPENDIR', (reqid, path) => {
      const at = place(path);
      if (!at || at.kind === 'file') return sftp.status(reqid, at ? STATUS_CODE.FAILURE : STATUS_CODE.NO_SUCH_FILE);
      sftp.handle(reqid, newHandle({ kind: 'dir', place: at, sent: false }));
    });

    sftp.on('READDIR', (reqid, handle) => {
      const [, h] = handleOf(handle);
      if (!h || h.kind !== 'dir') return sftp.status(reqid, STATUS_CODE.FAILURE);
      if (h.sent) return sftp.status(reqid, STATUS_CODE.EOF);
      h.sent = true;
      const at = h.place;
      if (at.kind === 'root') {
        return sftp.name(
          reqid,
          SFTP_AREAS.map((a) => ({ filename: a, longname: longname(a, dirAttrs(), user), attrs: dirAttrs() })),
        );
      }
      if (at.kind !== 'dir') return sftp.status(reqid, STATUS_CODE.FAILURE);
      (async () => {
        const entries: Array<{ filename: string; longname: string; attrs: Attributes }> = [];
        for await (const o of store.list(at.prefix)) {
          const name = o.key.slice(at.prefix.length);
          if (name.includes('/')) continue;
          const attrs = fileAttrs(o.size, o.lastModified.getTime());
          entries.push({ filename: name, longname: longname(name, attrs, user), attrs });
          if (entries.length >= 10_000) break;
        }
        if (entries.length === 0) sftp.status(reqid, STATUS_CODE.EOF);
        else sftp.name(reqid, entries);
      })().catch((err: unknown) => fail(reqid, err));
    });

    sftp.on('REMOVE', (reqid, path) => {
      const at = place(path);
      if (!at || at.kind !== 'file' || at.area !== 'outbound') return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED);
      store
        .delete(at.key)
        .then(() => sftp.status(reqid, STATUS_CODE.OK))
        .catch((err: unknown) => fail(reqid, err));
    });
    for (const op of ['MKDIR', 'RMDIR', 'RENAME', 'SYMLINK', 'READLINK'] as const) {
      sftp.on(op, (reqid: number) => sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED));
    }
    sftp.on('end', () => {
      // A session that ends with uploads still open stores nothing for them.
      for (const h of handles.values()) {
        if (h.kind === 'upload') h.body.destroy(new Error('session ended before the upload was closed'));
        if (h.kind === 'download') h.reader?.close();
      }
      handles.clear();
      // The client sent EOF: close our side too, or OpenSSH waits for the channel to close.
      sftp.end();
    });
  }

  const host = options.host ?? '127.0.0.1';
  tcp.listen(options.port, host);
  await once(tcp, 'listening');
  const address = tcp.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  logger.info({ host, port }, 'sftp server listening');
  return {
    host,
    port,
    async close() {
      for (const c of connections) c.end();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

/** The limits given, without the ones left undefined (so the defaults stay). */
function definedOnly(o: SftpServerOptions): Partial<typeof SFTP_LIMIT_DEFAULTS> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(SFTP_LIMIT_DEFAULTS) as (keyof typeof SFTP_LIMIT_DEFAULTS)[]) if (o[k] !== undefined) out[k] = o[k] as number;
  return out;
}

/** Reads the host key at `path`, creating an ed25519 key there (mode 0600) the first time. Returns the private key text. */
export async function ensureSftpHostKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pair = ed25519OpenSshKeyPair('ediflow sftp host key');
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, pair.privateKey, { mode: 0o600, flag: 'wx' });
  return pair.privateKey;
}

/** A new SSH key pair for a partner login (OpenSSH private key text, and the public key line for the registry). */
export function generateSshKeyPair(comment: string): { privateKey: string; publicKey: string } {
  return ed25519OpenSshKeyPair(comment);
}
