// Test helper: synthetic X12 with obviously fake values (no real patient data).

export interface SyntheticOptions {
  element?: string;
  component?: string;
  repetition?: string;
  segment?: string;
  lineBreak?: string;
  version?: '00401' | '00501';
  control?: string;
  transactions?: number;
  /** SV1 segments per set (default 1): many make sets longer than the reader's blocks. */
  serviceLines?: number;
}

/** A small 837-like interchange: one group, N transaction sets with fake names and ids. */
export function syntheticInterchange(o: SyntheticOptions = {}): string {
  const e = o.element ?? '*';
  const c = o.component ?? ':';
  const version = o.version ?? '00501';
  const r = version === '00501' ? o.repetition ?? '^' : 'U';
  const t = (o.segment ?? '~') + (o.lineBreak ?? '\n');
  const ctl = o.control ?? '000000001';
  const n = o.transactions ?? 2;
  const gs08 = version === '00501' ? '005010X222A1' : '004010X098A1';
  const seg = (...els: string[]): string => els.join(e) + t;
  let out = seg('ISA', '00', '          ', '00', '          ', 'ZZ', 'FAKESENDER     ', 'ZZ', 'FAKERECEIVER   ', '240102', '1030', r, version, ctl, '1', 'T', c);
  out += seg('GS', 'HC', 'FAKESENDER', 'FAKERECEIVER', '20240102', '1030', '7', 'X', gs08);
  for (let i = 1; i <= n; i++) {
    const st02 = String(i).padStart(4, '0');
    const body = [
      ['ST', '837', st02, gs08],
      ['BHT', '0019', '00', 'FAKE' + i, '20240102', '1030', 'CH'],
      ['NM1', '41', '2', 'TEST SUBMITTER', '', '', '', '', '46', 'FAKE01'],
      ['HL', '1', '', '20', '1'],
      ['NM1', 'IL', '1', 'TESTPATIENT', 'FAKE', '', '', '', 'MI', 'ZZ000' + i],
      ['CLM', 'FAKECLAIM' + i, '100', '', '', ['11', 'B', '1'].join(c), 'Y', 'A', 'Y', 'I'],
      ...Array.from({ length: o.serviceLines ?? 1 }, () => ['SV1', ['HC', '99213'].join(c), '100', 'UN', '1', '', '', '1']),
    ];
    for (const b of body) out += seg(...b);
    out += seg('SE', String(body.length + 1), st02);
  }
  out += seg('GE', String(n), '7');
  out += seg('IEA', '1', ctl);
  return out;
}
