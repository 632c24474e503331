import { Readable } from 'node:stream';
import { ReportBuilder, X12FormatError, X12Reader, memoryControlNumberStore, parseX12, parseX12Document, readX12, serialize, serializeTransaction, validate } from '@ediflow/x12';
import type { X12Event } from '@ediflow/x12';
import { chunks, corpusFile } from '../corpus';
import { syntheticInterchange } from '../synthetic';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

function thrown(f: () => unknown): X12FormatError {
  try {
    f();
  } catch (e) {
    if (e instanceof X12FormatError) return e;
    throw e;
  }
  throw new Error('expected an X12FormatError');
}

describe('X12 reader', () => {
  it('when two interchanges use different delimiters, then each is split with its own', () => {
    const a = syntheticInterchange({ control: '000000011' });
    const b = syntheticInterchange({ element: '|', component: '>', repetition: '`', segment: '!', lineBreak: '\r\n', control: '000000012' });
    const [x, y] = parseX12(bytes(a + b));
    expect(x.delimiters).toEqual({ element: '*', component: ':', repetition: '^', segment: '~' });
    expect(y.delimiters).toEqual({ element: '|', component: '>', repetition: '`', segment: '!' });
    const clm = y.groups[0].transactions[0].segments.find((s) => s.id === 'CLM')!;
    expect(clm.components(5)).toEqual(['11', 'B', '1']);
    expect(clm.lead).toBe('\r\n');
    expect(y.offset).toBe(a.length);
    expect(serialize([x, y]).toString('latin1')).toBe(a + b);
  });

  it('when a 4010 interchange has U in ISA11, then there is no repetition separator', () => {
    const [ic] = parseX12(bytes(syntheticInterchange({ version: '00401' })));
    expect(ic.delimiters.repetition).toBe('');
    expect(ic.header.version).toBe('00401');
    expect(validate([ic]).valid).toBe(true);
  });

  it('when the file starts with a UTF-8 BOM and has indentation, then offsets count the BOM and the bytes round-trip', () => {
    const text = syntheticInterchange({ lineBreak: '\n    ' });
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(text)]);
    const doc = parseX12Document(input);
    const ic = doc.interchanges[0];
    expect(ic.bom).toBe(true);
    expect(ic.offset).toBe(3);
    expect(ic.groups[0].transactions[0].segments[1].lead).toBe('\n    ');
    expect(serialize(doc.interchanges).equals(input)).toBe(true);
  });

  it('when segments are read, then positions count from ST and offsets point at the segment id', () => {
    const text = syntheticInterchange();
    const [ic] = parseX12(bytes(text));
    const tx = ic.groups[0].transactions[1];
    const segs = tx.segments;
    expect(segs.map((s) => s.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const s of segs) expect(text.slice(s.offset, s.offset + s.id.length)).toBe(s.id);
    expect(segs[0].index).toBe(11); // ISA, GS, 8 segments of the first set, then this ST
    expect(tx.se!.element(1)).toBe('8');
    expect(tx.st.element(2)).toBe('0002');
  });

  it('when input is UTF-16 (either byte order, with or without BOM), then it is read as its UTF-8 text with a warning naming the encoding', async () => {
    const text = syntheticInterchange({ control: '000000016' });
    const plain = parseX12(bytes(text));
    const be = Buffer.from(text, 'utf16le').swap16();
    const inputs: [string, Buffer][] = [
      ['UTF-16LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['UTF-16LE', Buffer.from(text, 'utf16le')],
      ['UTF-16BE', Buffer.concat([Buffer.from([0xfe, 0xff]), be])],
      ['UTF-16BE', be],
    ];
    for (const [label, input] of inputs) {
      const doc = parseX12Document(input);
      expect(doc.fileIssues).toEqual([expect.objectContaining({ code: 'X12_TRANSCODED', severity: 'warning', message: expect.stringContaining(label) })]);
      expect(serialize(doc.interchanges).toString('latin1')).toBe(serialize(plain).toString('latin1'));
      // streamed in chunks of 1 and 3 bytes: the encoding is decided on 4 bytes and characters cut between chunks are joined
      for (const size of [1, 3]) {
        const events: X12Event[] = [];
        for await (const e of readX12(chunks(input, size))) events.push(e);
        const sets = events.filter((e) => e.type === 'transaction');
        expect(sets.map((e) => e.transaction.bytes.toString('latin1'))).toEqual(plain[0].groups.flatMap((g) => g.transactions.map((t) => t.bytes.toString('latin1'))));
      }
    }
  });

  it('when input is UTF-32 or EBCDIC, then it is refused with an error naming the encoding', () => {
    const text = syntheticInterchange();
    const utf32 = Buffer.alloc(text.length * 4);
    for (let i = 0; i < text.length; i++) utf32.writeUInt32LE(text.charCodeAt(i), i * 4);
    const e = thrown(() => parseX12(utf32));
    expect(e.code).toBe('X12_ENCODING');
    expect(e.message).toContain('UTF-32');
    // ISA* in EBCDIC (code page 037/500)
    const ebcdic = thrown(() => parseX12(Buffer.from([0xc9, 0xe2, 0xc1, 0x5c, 0xf0, 0xf0])));
    expect(ebcdic.code).toBe('X12_ENCODING');
    expect(ebcdic.message).toContain('EBCDIC');
    expect(thrown(() => parseX12(Buffer.from([0, 0, 0x41, 0x42, 0x43]))).code).toBe('X12_UTF16');
  });

  it('when input is not X12, then X12_NOT_X12 names the byte offset', () => {
    const e = thrown(() => parseX12(bytes('\n\n<xml>not edi</xml>')));
    expect(e.code).toBe('X12_NOT_X12');
    expect(e.offset).toBe(2);
    expect(thrown(() => parseX12(bytes(''))).code).toBe('X12_NOT_X12');
  });

  it('when the ISA is cut short, then X12_TRUNCATED_ISA is thrown', () => {
    expect(thrown(() => parseX12(bytes('ISA*00*          *00*'))).code).toBe('X12_TRUNCATED_ISA');
  });

  it('when the IEA is missing before the next ISA, then TA1 023 is reported and the next interchange is read', () => {
    const a = syntheticInterchange({ control: '000000021' });
    const cut = a.slice(0, a.indexOf('IEA*'));
    const b = syntheticInterchange({ control: '000000022', element: '|' });
    const ics = parseX12(bytes(cut + b));
    expect(ics).toHaveLength(2);
    expect(ics[0].iea).toBeUndefined();
    expect(ics[0].issues.map((i) => [i.code, i.ta1Note])).toEqual([['IEA_MISSING', '023']]);
    expect(ics[1].header.controlNumber).toBe('000000022');
    expect(serialize(ics).toString('latin1')).toBe(cut + b);
  });

  it('when a new ISA starts inside an open transaction set, then SE, GE and IEA are reported missing and both interchanges are read', async () => {
    const a = syntheticInterchange({ control: '000000031', transactions: 2 });
    const cut = a.slice(0, a.indexOf('CLM*FAKECLAIM2'));
    const b = syntheticInterchange({ control: '000000032' });
    const events: X12Event[] = [];
    for await (const e of readX12([cut.slice(0, 100), cut.slice(100) + b.slice(0, 50), b.slice(50)], { retain: true })) events.push(e);
    const ics = events.flatMap((e) => (e.type === 'interchangeStart' ? [e.interchange] : []));
    expect(ics.map((i) => i.header.controlNumber)).toEqual(['000000031', '000000032']);
    const first = ics[0];
    expect(first.groups[0].transactions.map((t) => t.issues.map((i) => i.transactionCode))).toEqual([[], ['2']]);
    expect(first.groups[0].transactions[1].segmentCount).toBe(5);
    expect(first.groups[0].issues.map((i) => i.groupCode)).toEqual(['3']);
    expect(first.issues.map((i) => i.ta1Note)).toEqual(['023']);
    expect(serialize(ics).toString('latin1')).toBe(cut + b);
  });

  it('when SE and GE are missing at end of file, then IK502 2, AK905 3 and TA1 023 are reported', () => {
    const a = syntheticInterchange({ transactions: 1 });
    const cut = a.slice(0, a.indexOf('SE*'));
    const doc = parseX12Document(bytes(cut));
    const ic = doc.interchanges[0];
    const g = ic.groups[0];
    expect(g.transactions[0].issues.map((i) => i.transactionCode)).toEqual(['2']);
    expect(g.issues.map((i) => i.groupCode)).toEqual(['3']);
    expect(ic.issues.map((i) => i.ta1Note)).toEqual(['023']);
    expect(serialize(doc.interchanges).toString('latin1')).toBe(cut);
  });

  it('when counts and control numbers disagree, then SE/GE/IEA issues carry IK5, AK9 and TA1 codes', () => {
    let text = syntheticInterchange({ transactions: 2 });
    text = text.replace('SE*8*0001', 'SE*9*0009').replace('GE*2*7', 'GE*3*8').replace('IEA*1*000000001', 'IEA*2*000000002');
    const [ic] = parseX12(bytes(text));
    const tx = ic.groups[0].transactions[0];
    expect(tx.issues.map((i) => i.transactionCode).sort()).toEqual(['3', '4']);
    expect(ic.groups[0].issues.map((i) => i.groupCode).sort()).toEqual(['4', '5']);
    expect(ic.issues.map((i) => i.ta1Note).sort()).toEqual(['001', '021']);
    const seIssue = tx.issues.find((i) => i.code === 'SE_COUNT_MISMATCH')!;
    expect(text.slice(seIssue.offset!, seIssue.offset! + 3)).toBe('SE*');
  });

  it('when ISA fields are malformed, then each maps to its TA1 note with the byte offset of the field', () => {
    const text = syntheticInterchange().replace('*240102*1030*', '*241302*2561*').replace('*1*T*:', '*2*X*:');
    const [ic] = parseX12(bytes(text));
    const notes = ic.issues.map((i) => i.ta1Note);
    expect(notes).toEqual(expect.arrayContaining(['014', '015', '019', '020']));
    const date = ic.issues.find((i) => i.ta1Note === '014')!;
    expect(text.slice(date.offset!, date.offset! + 6)).toBe('241302');
    expect(date.element).toMatchObject({ position: 9, syntaxCode: '8' });
  });

  it('when the same sender repeats an ISA13, then the injected store flags TA1 025', () => {
    const store = memoryControlNumberStore();
    const text = syntheticInterchange();
    expect(parseX12(bytes(text), { controlNumberStore: store })[0].issues).toEqual([]);
    const again = parseX12(bytes(text), { controlNumberStore: store })[0];
    expect(again.issues.map((i) => [i.code, i.ta1Note])).toEqual([['ISA_DUPLICATE', '025']]);
  });

  it('when a transaction has non-ASCII UTF-8 text, then segments decode it and serialize gives the same bytes', () => {
    const text = syntheticInterchange({ transactions: 1 }).replace('TESTPATIENT', 'TESTPATIËNT');
    const input = Buffer.from(text, 'utf8');
    const [ic] = parseX12(input);
    const nm1 = ic.groups[0].transactions[0].segments.find((s) => s.element(1) === 'IL')!;
    expect(nm1.element(3)).toBe('TESTPATIËNT');
    expect(serialize([ic]).equals(input)).toBe(true);
    const latin = Buffer.from(text, 'latin1'); // É as one byte: not valid UTF-8
    const [lic] = parseX12(latin);
    const seg = lic.groups[0].transactions[0].segments.find((s) => s.element(1) === 'IL')!;
    expect(seg.latin1).toBe(true);
    expect(serialize([lic]).equals(latin)).toBe(true);
  });

  it('when a segment is edited, then serialize writes the edit', () => {
    const [ic] = parseX12(bytes(syntheticInterchange({ transactions: 1 })));
    const clm = ic.groups[0].transactions[0].segments.find((s) => s.id === 'CLM')!;
    const els = clm.elements.slice();
    els[2] = '250';
    clm.elements = els;
    expect(serialize([ic]).toString('latin1')).toContain('CLM*FAKECLAIM1*250***11:B:1');
  });

  it('when the stream is read without retain, then groups and interchanges keep no transaction sets', async () => {
    const input = bytes(syntheticInterchange({ transactions: 5 }));
    const events: X12Event[] = [];
    for await (const e of readX12(chunks(input, 64))) events.push(e);
    const ends = events.filter((e) => e.type === 'groupEnd');
    expect(ends).toHaveLength(1);
    if (ends[0].type === 'groupEnd') {
      expect(ends[0].group.transactions).toEqual([]);
      expect(ends[0].group.transactionCount).toBe(5);
    }
    expect(events.filter((e) => e.type === 'transaction')).toHaveLength(5);
  });

  it('when an interchange without IEA is followed by one with another terminator, then both are read at end of input', () => {
    const a = syntheticInterchange({ control: '000000041' });
    const cut = a.slice(0, a.indexOf('GE*'));
    const b = syntheticInterchange({ control: '000000042', segment: '!', lineBreak: '' });
    const doc = parseX12Document(bytes(cut + b));
    expect(doc.interchanges.map((i) => i.header.controlNumber)).toEqual(['000000041', '000000042']);
    expect(doc.interchanges[1].groups[0].transactions).toHaveLength(2);
    expect(serialize(doc.interchanges).toString('latin1')).toBe(cut + b);
  });

  it('when a Node Readable is streamed into a ReportBuilder, then the report equals validate() on the whole file', async () => {
    const input = corpusFile('837I/pyx12hist__trailer_errors.txt');
    const builder = new ReportBuilder();
    for await (const e of readX12(Readable.from(chunks(input, 100)))) builder.add(e);
    const streamed = builder.report();
    const whole = validate(parseX12Document(input));
    expect(streamed).toEqual(whole);
    expect(streamed.valid).toBe(false);
    expect(streamed.interchanges[0].groups[0].transactions.map((t) => t.ack)).toEqual(['R', 'A']);
  });

  it('when the last segment has no terminator, then it is kept and a warning is given', () => {
    const text = syntheticInterchange().replace(/~\n$/, '');
    const doc = parseX12Document(bytes(text));
    expect(doc.interchanges[0].iea?.element(2)).toBe('000000001');
    expect(doc.fileIssues.map((i) => [i.code, i.severity])).toEqual([['SEGMENT_TERMINATOR_MISSING', 'warning']]);
    expect(serialize(doc.interchanges).toString('latin1')).toBe(text);
  });

  it('when the reader is pushed chunks split inside the ISA, then the result matches one push', () => {
    const input = bytes(syntheticInterchange() + syntheticInterchange({ element: '|', control: '000000002' }));
    const r = new X12Reader({ retain: true });
    const evs: X12Event[] = [];
    for (const c of chunks(input, 3)) evs.push(...r.push(c));
    evs.push(...r.end());
    const ics = evs.flatMap((e) => (e.type === 'interchangeStart' ? [e.interchange] : []));
    expect(serialize(ics).equals(input)).toBe(true);
    expect(ics.map((i) => i.header.controlNumber)).toEqual(['000000001', '000000002']);
  });

  it('when transaction sets are longer or shorter than the reader\'s blocks, then each keeps exact bytes of its own', () => {
    // sets of ~100 KB: longer than the reader's 64 KiB blocks, so each spans several blocks and chunks;
    // then small sets, each in one block of one chunk
    const input = bytes(syntheticInterchange({ transactions: 3, serviceLines: 3000 }) + syntheticInterchange({ control: '000000002' }));
    const text = input.toString('latin1');
    const expected = text.split(/(?=ST\*837\*)/).slice(1).map((t) => t.slice(0, t.indexOf('GE*')).replace(/\n$/, ''));
    const r = new X12Reader();
    const given = [...chunks(input, 40_000)].map((c) => Buffer.from(c));
    const sets: Buffer[] = [];
    for (const c of [...given.map((c) => r.push(c)), r.end()]) for (const e of c) if (e.type === 'transaction') sets.push(e.transaction.bytes);
    expect(sets.map((b) => b.toString('latin1'))).toEqual(expected.map((t) => t.slice(0, t.lastIndexOf('~') + 1)));
    expect(sets[0].length).toBeGreaterThan(64 * 1024);
    // copies, not views of the input: changing the chunks leaves the sets as they were
    for (const c of given) c.fill(0x58);
    expect(sets.map((b) => b.toString('latin1'))).toEqual(expected.map((t) => t.slice(0, t.lastIndexOf('~') + 1)));
  });

  it('when a transaction set is serialized, then the bytes are a copy the caller may change', () => {
    // no line breaks: the set has no lead, so its bytes are all the serializer writes
    const [ic] = parseX12(bytes(syntheticInterchange({ lineBreak: '' })));
    const tx = ic.groups[0].transactions[0];
    expect(tx.lead).toBe('');
    const out = serializeTransaction(tx);
    expect(out.toString('latin1')).toBe(tx.lead + tx.text);
    out.fill(0x58);
    expect(tx.bytes.toString('latin1').startsWith('ST*')).toBe(true);
  });
});
