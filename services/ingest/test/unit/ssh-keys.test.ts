import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { utils } from 'ssh2';
import { ed25519OpenSshKeyPair } from '../../src/adapters/ssh-keys';

describe('ed25519 OpenSSH key pairs', () => {
  it('when 300 pairs are made (about one in 256 has a public key that starts with a zero byte), then OpenSSH loads every private key and derives its public line, and ssh2 parses both', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ssh-keys-'));
    try {
      for (let i = 0; i < 300; i += 1) {
        const pair = ed25519OpenSshKeyPair(`k${i}`);
        const file = path.join(dir, 'key');
        writeFileSync(file, pair.privateKey, { mode: 0o600 });
        const derived = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();
        expect(derived.split(' ').slice(0, 2)).toEqual(pair.publicKey.split(' ').slice(0, 2));
        expect(utils.parseKey(pair.privateKey)).not.toBeInstanceOf(Error);
        expect(utils.parseKey(pair.publicKey)).not.toBeInstanceOf(Error);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
