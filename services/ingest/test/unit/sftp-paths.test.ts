import { normaliseSftpPath, resolveSftpPath } from '../../src/domain/sftp-paths';
import { sftpUserOf } from '../../src/domain/inbound';

describe('SFTP paths (what a partner can name)', () => {
  it('when paths are relative or climb with "..", then they resolve under "/" and never leave it', () => {
    expect(normaliseSftpPath('.')).toBe('/');
    expect(normaliseSftpPath('')).toBe('/');
    expect(normaliseSftpPath('inbound/../../../etc')).toBe('/etc');
    expect(resolveSftpPath('acme', '../../outbound/x.999')).toEqual({ kind: 'file', path: '/outbound/x.999', area: 'outbound', key: 'outbound/acme/x.999', name: 'x.999' });
  });

  it('when a path names the two folders or a file in them, then it maps to the partner\'s own prefixes; anything else is nothing', () => {
    expect(resolveSftpPath('acme', '/')).toEqual({ kind: 'root', path: '/' });
    expect(resolveSftpPath('acme', '/inbound/')).toEqual({ kind: 'dir', path: '/inbound', area: 'inbound', prefix: 'inbound/acme/' });
    expect(resolveSftpPath('acme', 'inbound/claims 1.pgp')).toMatchObject({ kind: 'file', key: 'inbound/acme/claims 1.pgp' });
    expect(resolveSftpPath('acme', '/inbound/beta/x.pgp')).toBeUndefined();
    expect(resolveSftpPath('acme', '/beta')).toBeUndefined();
    expect(resolveSftpPath('acme', '/ediflow-bucket/inbound/beta')).toBeUndefined();
    expect(resolveSftpPath('acme', '/inbound/bad\u0001name')).toBeUndefined();
  });

  it('when Transfer Family writes user-agent-id, then the user is everything before the last @', () => {
    expect(sftpUserOf('acme_sftp@s-0123456789abcdef0')).toBe('acme_sftp');
    expect(sftpUserOf('ops@acme.example@s-0123456789abcdef0')).toBe('ops@acme.example');
    expect(sftpUserOf('nosep')).toBeUndefined();
    expect(sftpUserOf(undefined)).toBeUndefined();
  });
});
