import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseX12Document } from '@ediflow/x12';
import { CORPUS_DIR } from '@ediflow/testkit';
import { seededRandom } from '@ediflow/testkit';
import { EnvelopeScanner, EnvelopeUnreadableError, type GroupParties, type InterchangeParties } from '../../src/domain/envelope-scan';

function corpusFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'LICENSES' ? [] : corpusFiles(p);
    return /\.(md|tsv)$/.test(name) ? [] : [p];
  });
}

interface Found {
  interchanges: InterchangeParties[];
  groups: GroupParties[];
}

/** Scans the bytes cut into chunks at the given sizes (cycled). */
function scan(bytes: Buffer, sizes: () => number): Found {
  const found: Found = { interchanges: [], groups: [] };
  const scanner = new EnvelopeScanner({ interchange: (p) => found.interchanges.push(p), group: (p) => found.groups.push(p) });
  for (let at = 0; at < bytes.length; ) {
    const n = Math.max(1, sizes());
    scanner.push(bytes.subarray(at, at + n));
    at += n;
  }
  scanner.end();
  return found;
}

/** The parties as the X12 engine reads them. */
function engine(bytes: Buffer): { interchanges: string[]; groups: string[] } {
  const doc = parseX12Document(bytes);
  return {
    interchanges: doc.interchanges.map((ic) => `${ic.header.senderQualifier}/${ic.header.senderId} ${ic.header.receiverQualifier}/${ic.header.receiverId}`),
    groups: doc.interchanges.flatMap((ic, i) => ic.groups.map((g) => `${i} ${g.gs.element(2).trim()} ${g.gs.element(3).trim()}`)),
  };
}

const show = (f: Found) => ({
  interchanges: f.interchanges.map((p) => `${p.sender.qualifier}/${p.sender.id} ${p.receiver.qualifier}/${p.receiver.id}`),
  groups: f.groups.map((g) => `${g.interchange} ${g.applicationSender} ${g.applicationReceiver}`),
});

describe('envelope scanner', () => {
  /** Corpus files the engine reads as X12 (some are deliberately not). */
  const files = corpusFiles(CORPUS_DIR).filter((f) => {
    try {
      return engine(readFileSync(f)).interchanges.length > 0;
    } catch {
      return false;
    }
  });

  /** Whether every entry of `part` appears in `whole`, in order. */
  const inOrder = (part: string[], whole: string[]): boolean => {
    let i = 0;
    for (const w of whole) if (i < part.length && w === part[i]) i += 1;
    return i === part.length;
  };

  it('when it reads the corpus files whole, in random chunks and byte by byte, then it finds every party the X12 engine finds, the same each way', () => {
    expect(files.length).toBeGreaterThan(100);
    const random = seededRandom(17);
    let equal = 0;
    for (const file of files) {
      const bytes = readFileSync(file);
      const expected = engine(bytes);
      const whole = show(scan(bytes, () => bytes.length));
      // A segment start the engine does not read as one (a GS after an IEA that lost its terminator) is still checked.
      expect({ file, interchanges: inOrder(expected.interchanges, whole.interchanges), groups: inOrder(expected.groups, whole.groups) }).toEqual({ file, interchanges: true, groups: true });
      if (JSON.stringify(whole) === JSON.stringify(expected)) equal += 1;
      expect({ file, ...show(scan(bytes, () => 1 + Math.floor(random() * 300))) }).toEqual({ file, ...whole });
      if (bytes.length < 20_000) expect({ file, ...show(scan(bytes, () => 1)) }).toEqual({ file, ...whole });
    }
    expect(equal).toBeGreaterThanOrEqual(files.length - 2);
  });

  it('when ISA or GS appear inside elements, then they are not taken for segments', () => {
    const text =
      'ISA*00*          *00*          *ZZ*ACME           *ZZ*EDIFLOW        *240101*1200*^*00501*000000001*0*T*:~\n' +
      'GS*HC*ACME*EDIFLOW*20240101*1200*1*X*005010X222A1~ST*837*0001~NM1*IL*1*VISA*GS*ISA****MI*W1~REF*EA*ISA*GS~SE*4*0001~GE*1*1~IEA*1*000000001~';
    const found = scan(Buffer.from(text, 'latin1'), () => 7);
    expect(show(found)).toEqual({ interchanges: ['ZZ/ACME ZZ/EDIFLOW'], groups: ['0 ACME EDIFLOW'] });
  });

  it('when a second interchange uses other separators, then its parties are read with them', () => {
    const text =
      'ISA*00*          *00*          *ZZ*ACME           *ZZ*EDIFLOW        *240101*1200*^*00501*000000001*0*T*:~GS*HC*ACME*EDIFLOW*1*1*1*X*005010~GE*0*1~IEA*1*000000001~' +
      'ISA|00|          |00|          |ZZ|OTHERCO        |ZZ|EDIFLOW        |240101|1200|^|00501|000000002|0|T|:\nGS|HC|OTHERGS|EDIFLOW|1|1|2|X|005010\nGE|0|2\nIEA|1|000000002\n';
    expect(show(scan(Buffer.from(text, 'latin1'), () => 5))).toEqual({
      interchanges: ['ZZ/ACME ZZ/EDIFLOW', 'ZZ/OTHERCO ZZ/EDIFLOW'],
      groups: ['0 ACME EDIFLOW', '1 OTHERGS EDIFLOW'],
    });
  });

  it('when a GS or ISA has no terminator, then the scanner says which segment at which byte cannot be read', () => {
    const isa = 'ISA*00*          *00*          *ZZ*ACME           *ZZ*EDIFLOW        *240101*1200*^*00501*000000001*0*T*:~';
    expect(() => scan(Buffer.from(`${isa}GS*HC*ACME`), () => 10)).toThrow(new EnvelopeUnreadableError('GS', isa.length));
    expect(() => scan(Buffer.from(`${isa}GS*HC*ACME${'*'.repeat(5000)}`), () => 100)).toThrow(EnvelopeUnreadableError);
    expect(() => scan(Buffer.from('ISA*00*   *00'), () => 3)).toThrow(new EnvelopeUnreadableError('ISA', 0));
  });
});
