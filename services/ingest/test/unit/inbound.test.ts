import { parseInboundKey, readIsaParties, senderMatches } from '../../src/domain/inbound';

const readIsaSender = (head: Uint8Array) => readIsaParties(head)?.sender;

const isa = 'ISA*00*          *00*          *ZZ*ACME           *ZZ*PAYER          *240101*1200*^*00501*000000001*0*T*:~';

describe('ingest domain', () => {
  it('when a key is a partner upload, then the partner id and name are split; folders and other prefixes are not uploads', () => {
    expect(parseInboundKey('inbound/acme/claims/2024.x12')).toEqual({ partnerId: 'acme', name: 'claims/2024.x12' });
    expect(parseInboundKey('inbound/acme/')).toBeUndefined();
    expect(parseInboundKey('outbound/acme/x')).toBeUndefined();
  });

  it('when a file starts with an ISA (after a BOM or blank lines, any separator), then ISA05/ISA06 are read', () => {
    expect(readIsaSender(Buffer.from(isa))).toEqual({ qualifier: 'ZZ', id: 'ACME' });
    expect(readIsaSender(Buffer.from(`\ufeff\r\n${isa.replace(/\*/g, '|')}`))).toEqual({ qualifier: 'ZZ', id: 'ACME' });
    expect(readIsaSender(Buffer.from('hello world'))).toBeUndefined();
    expect(readIsaSender(Buffer.from('ISA*00*'))).toBeUndefined();
    expect(senderMatches({ qualifier: 'ZZ', id: 'ACME' }, { qualifier: 'ZZ', id: 'ACME' })).toBe(true);
    expect(senderMatches({ qualifier: 'ZZ', id: 'ACME' }, { qualifier: '01', id: 'ACME' })).toBe(false);
  });
});
