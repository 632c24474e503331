// Builds the guide definitions (src/definitions/<guide>.json) from the facts in pyx12's public map
// files (azoner/pyx12, BSD-3-Clause): loop ids, segment order, usage, repeats, element positions,
// data element numbers, lengths, types and code lists. Only facts carry over; the format, the names
// given to loops/segments/elements in JSON and everything else here are this project's.
//
// usage: node scripts/import-pyx12.mjs <pyx12 checkout or git dir>
// (with a bare git dir, files are read with `git show HEAD:<path>`; a map that pyx12 kept only in its
// history is read at the commit its guide entry names).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = process.argv[2];
if (!repo) {
  console.error('usage: node scripts/import-pyx12.mjs <pyx12 repo>');
  process.exit(2);
}
const read = (p, rev) =>
  rev === undefined && existsSync(join(repo, p)) ? readFileSync(join(repo, p), 'utf8') : execFileSync('git', ['-C', repo, 'show', `${rev ?? 'HEAD'}:${p}`], { encoding: 'utf8', maxBuffer: 64 << 20 });

// ---- a tiny XML reader (the map files are plain element trees) ----
function parseXml(text) {
  const root = { tag: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.-]*)([^>]*?)(\/?)>|([^<]+)/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m[0].startsWith('<!--') || m[0].startsWith('<?')) continue;
    if (m[5] !== undefined) {
      stack[stack.length - 1].text += m[5];
      continue;
    }
    const [, close, tag, attrText, selfClose] = m;
    if (close) {
      stack.pop();
      continue;
    }
    const attrs = {};
    for (const a of attrText.matchAll(/([\w-]+)="([^"]*)"/g)) attrs[a[1]] = a[2];
    const node = { tag, attrs, children: [], text: '' };
    stack[stack.length - 1].children.push(node);
    if (!selfClose) stack.push(node);
  }
  return root;
}
const unescape = (s) => s.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&apos;/g, "'").replace(/&quot;/g, '"').trim();
const child = (n, tag) => n.children.find((c) => c.tag === tag);
const textOf = (n, tag) => {
  const c = child(n, tag);
  return c ? unescape(c.text) : undefined;
};

// ---- data element dictionary ----
const dataele = new Map();
for (const d of parseXml(read('pyx12/map/dataele.xml')).children[0].children) {
  if (d.tag !== 'data_ele') continue;
  dataele.set(d.attrs.ele_num, { type: d.attrs.data_type, min: Number(d.attrs.min_len), max: Number(d.attrs.max_len) });
}

// ---- naming ----
const SMALL = new Set(['a', 'an', 'the', 'of', 'or', 'and', 'for', 'to', 'in', 'on', 'by', 'at']);
function words(name) {
  return name.replace(/\([^)]*\)/g, ' ').replace(/'s\b/g, '').replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').filter((w) => w !== '');
}
function camel(ws) {
  return ws
    .map((w, i) => {
      const lw = w.toLowerCase();
      return i === 0 ? lw : lw.charAt(0).toUpperCase() + lw.slice(1);
    })
    .join('');
}
/** Drop the words the context already says (loop name prefix), keeping at least one word. */
// Words that carry meaning on their own: never dropped as a context prefix ("Date Time Qualifier").
const GENERIC = new Set(['date', 'time', 'name', 'reference', 'amount', 'code', 'quantity', 'identification', 'identifier', 'information', 'entity', 'contact', 'communication', 'service', 'line', 'product', 'number', 'total', 'health', 'monetary', 'city', 'state', 'postal', 'country', 'address']);
function stripPrefix(ws, context, guard = true) {
  let i = 0;
  while (i < ws.length - 1 && i < context.length && ws[i].toLowerCase() === context[i].toLowerCase() && !(guard && GENERIC.has(ws[i].toLowerCase()))) i++;
  return ws.slice(i);
}
function segmentKeyFrom(name, loopName) {
  const dash = name.split(/\s+-\s+/);
  // "Date - Service Date": the part after the dash names it, as is
  if (dash.length > 1 && /^date$/i.test(dash[0].trim())) return camel(words(dash.slice(1).join(' ')));
  const n = dash.length > 1 ? dash[0] : name;
  return camel(stripPrefix(words(n), words(loopName), false));
}
function elementKeyFrom(name, segName) {
  let ws = words(name);
  if (ws.length === 0) return 'value';
  const stripped = stripPrefix(ws, words(segName));
  // "Claim Payment Amount" in "Claim Payment Information" stays claimPaymentAmount, not amount
  if (!(stripped.length === 1 && GENERIC.has(stripped[0].toLowerCase()))) ws = stripped;
  let k = camel(ws);
  if (/^\d/.test(k)) k = `n${k}`;
  return k;
}

// JSON names of loops, by guide family (the guide's own names, shortened to what a reader expects).
const LOOP_KEYS = {
  '837': {
    '1000A': 'submitter', '1000B': 'receiver', '2000A': 'billingProviders', '2010AA': 'billingProvider', '2010AB': 'payToAddress',
    '2010AC': 'payToPlan', '2000B': 'subscribers', '2010BA': 'subscriber', '2010BB': 'payer', '2000C': 'patients', '2010CA': 'patient',
    '2300': 'claims', '2320': 'otherSubscribers', '2330A': 'otherSubscriber', '2330B': 'otherPayer', '2400': 'serviceLines',
    '2410': 'drug', '2430': 'lineAdjudications',
  },
  '835': { '1000A': 'payer', '1000B': 'payee', '2000': 'claimPaymentGroups', '2100': 'claimPayments', '2110': 'servicePayments' },
  '270': {
    '2000A': 'informationSources', '2100A': 'informationSource', '2000B': 'informationReceivers', '2100B': 'informationReceiver',
    '2000C': 'subscribers', '2100C': 'subscriber', '2110C': 'eligibilityInquiries', '2000D': 'dependents', '2100D': 'dependent', '2110D': 'eligibilityInquiries',
  },
  '271': {
    '2000A': 'informationSources', '2100A': 'informationSource', '2000B': 'informationReceivers', '2100B': 'informationReceiver',
    '2000C': 'subscribers', '2100C': 'subscriber', '2110C': 'benefits', '2115C': 'additionalInformation', '2120C': 'relatedEntities',
    '2000D': 'dependents', '2100D': 'dependent', '2110D': 'benefits', '2115D': 'additionalInformation', '2120D': 'relatedEntities',
  },
  '277X212': {
    '2000A': 'informationSources', '2100A': 'payer', '2000B': 'informationReceivers', '2100B': 'informationReceiver', '2200B': 'receiverTrace',
    '2000C': 'serviceProviders', '2100C': 'serviceProvider', '2200C': 'providerTrace', '2000D': 'subscribers', '2100D': 'subscriber', '2200D': 'claimStatuses',
    '2220D': 'serviceLines', '2000E': 'dependents', '2100E': 'dependent', '2200E': 'claimStatuses', '2220E': 'serviceLines',
  },
  '834': {
    '1000A': 'sponsor', '1000B': 'payer', '1000C': 'tpaBrokers', '1100C': 'tpaBrokerAccount', '2000': 'members', '2100A': 'member', '2100B': 'incorrectMember',
    '2100C': 'mailingAddress', '2100D': 'employers', '2100E': 'schools', '2100F': 'custodialParent', '2100G': 'responsiblePersons', '2100H': 'dropOffLocation',
    '2200': 'disabilities', '2300': 'healthCoverages', '2310': 'providers', '2320': 'coordinationOfBenefits', '2330': 'relatedEntities',
    '2700': 'reportingCategories', '2750': 'reportingCategory',
  },
  '820': {
    '1000A': 'premiumReceiver', '1000B': 'premiumPayer', '1000C': 'intermediaryBanks', '2000A': 'organizationSummaryRemittances',
    '2200A': 'previousPaymentAdjustments', '2300A': 'remittanceDetails', '2310A': 'summaryLineItem', '2312A': 'charges', '2315A': 'memberCounts',
    '2320A': 'currentPaymentAdjustments', '2000B': 'individualRemittances', '2100B': 'individuals', '2200B': 'previousPaymentAdjustments',
    '2300B': 'remittanceDetails', '2320B': 'currentPaymentAdjustments',
  },
  '999': { '2000': 'transactionSetResponses', '2100': 'segmentErrors', '2110': 'elementErrors' },
  '277': {
    '2000A': 'informationSources', '2100A': 'informationSource', '2200A': 'transmissionReceipt', '2000B': 'informationReceivers',
    '2100B': 'informationReceiver', '2200B': 'receiverTrace', '2000C': 'billingProviders', '2100C': 'billingProvider',
    '2200C': 'billingProviderTrace', '2000D': 'patients', '2100D': 'patient', '2200D': 'claimStatuses', '2220D': 'serviceLines',
  },
};
const SEGMENT_KEYS = { HL: 'hierarchicalLevel', ST: 'transactionSetHeader', SE: 'transactionSetTrailer', BHT: 'beginningOfHierarchicalTransaction' };
// The segment that opens a loop, where the guide's name would only repeat the loop's ("Claim Information" in "Claim Information").
const FAMILY_SEGMENT_KEYS = {
  '837': { '2300:CLM': 'claim', '2000B:SBR': 'subscriberInformation', '2000B:PAT': 'patientInformation', '2000C:PAT': 'patientInformation', '2400:LX': 'lineNumber', '2320:SBR': 'otherSubscriberInformation' },
  '835': { '2100:CLP': 'claimPayment', '2110:SVC': 'servicePayment', '2000:LX': 'headerNumber' },
  '277': {},
  '277X212': {
    '2200B:TRN': 'traceIdentifier', '2200C:TRN': 'traceIdentifier', '2200D:TRN': 'trackingNumber', '2200E:TRN': 'trackingNumber',
    '2220D:SVC': 'serviceLine', '2220E:SVC': 'serviceLine',
  },
  '834': {
    '2000:INS': 'memberLevelDetail', '2200:DSB': 'disabilityInformation', '2300:HD': 'healthCoverage', '2310:LX': 'assignedNumber', '2320:COB': 'coordinationOfBenefits',
    '2700:LX': 'assignedNumber', '2750:N1': 'reportingCategory', 'LS_LOOP:LS': 'additionalReportingCategories', 'LS_LOOP:LE': 'additionalReportingCategoriesEnd',
  },
  '820': {
    '2000A:ENT': 'entity', '2000B:ENT': 'entity', '2300A:RMR': 'remittanceDetail', '2300B:RMR': 'remittanceDetail', '2310A:IT1': 'summaryLineItem',
    '2312A:SAC': 'charge', '2315A:SLN': 'memberCount', '2200A:ADX': 'adjustment', '2320A:ADX': 'adjustment', '2200B:ADX': 'adjustment', '2320B:ADX': 'adjustment',
  },
  '999': { '2000:AK2': 'transactionSetResponseHeader', '2000:IK5': 'transactionSetResponseTrailer', '2100:IK3': 'errorIdentification', '2110:IK4': 'elementNote' },
  '270': { '2110C:EQ': 'inquiry', '2110D:EQ': 'inquiry' },
  '271': { '2110C:EB': 'benefit', '2110D:EB': 'benefit' },
};
let family = '';
// Segments whose repeating element runs become one list (HI codes, CAS adjustments, PER numbers).
const GROUPS = {
  HI: { key: 'codes', from: 1, size: 1, count: 12 },
  CAS: { key: 'adjustments', from: 2, size: 3, count: 6 },
  PER: { key: 'communications', from: 3, size: 2, count: 3 },
  CRC: { key: 'conditionCodes', from: 3, size: 1, count: 5 },
  LQ: undefined,
};

function loopKeyFrom(family, id, name) {
  const fixed = LOOP_KEYS[family]?.[id];
  if (fixed) return fixed;
  let ws = words(name);
  if (ws.length > 1 && /^name$/i.test(ws[ws.length - 1])) ws = ws.slice(0, -1);
  return camel(ws);
}

function unique(key, used) {
  let k = key;
  let n = 2;
  while (used.has(k)) k = `${key}${n++}`;
  used.add(k);
  return k;
}

function repeatOf(s) {
  if (s === undefined) return 1;
  if (s.startsWith('>')) return 0; // unbounded
  return Number(s);
}

function elementDef(node, segName, used) {
  const isComposite = node.tag === 'composite';
  const ref = textOf(node, 'data_ele');
  const name = textOf(node, 'name') ?? '';
  const usage = textOf(node, 'usage') ?? 'S';
  const seq = Number(textOf(node, 'seq'));
  const def = { seq, ref, key: unique(elementKeyFrom(name, segName), used), name, usage };
  const rep = textOf(node, 'repeat');
  if (rep !== undefined && repeatOf(rep) !== 1) def.repeat = repeatOf(rep);
  if (isComposite) {
    const cused = new Set();
    def.components = fillPositions(node.children.filter((c) => c.tag === 'element').map((c) => elementDef(c, name, cused)));
    return def;
  }
  const d = dataele.get(ref);
  if (d) Object.assign(def, { type: d.type, min: d.min, max: d.max });
  const vc = child(node, 'valid_codes');
  if (vc) {
    const codes = vc.children.filter((c) => c.tag === 'code').map((c) => unescape(c.text));
    if (codes.length > 0) def.codes = codes;
    if (vc.attrs.external) def.external = vc.attrs.external;
  }
  const rx = textOf(node, 'regex');
  if (rx) def.pattern = rx;
  return def;
}

function fillPositions(elements) {
  const out = [];
  for (const e of elements) {
    while (out.length + 1 < e.seq) out.push({ seq: out.length + 1, key: `element${out.length + 1}`, name: '', usage: 'N' });
    out.push(e);
  }
  return out.map(({ seq: _seq, ...rest }) => rest);
}

function segmentDef(node, loopName, used, loopId) {
  const id = node.attrs.xid;
  const name = textOf(node, 'name') ?? id;
  const eused = new Set();
  const elements = fillPositions(node.children.filter((c) => c.tag === 'element' || c.tag === 'composite').map((c) => elementDef(c, name, eused)));
  const def = {
    segment: id, key: unique(SEGMENT_KEYS[id] ?? FAMILY_SEGMENT_KEYS[family]?.[`${loopId}:${id}`] ?? segmentKeyFrom(name, loopName), used), name,
    usage: textOf(node, 'usage') ?? 'S', maxUse: repeatOf(textOf(node, 'max_use')), elements,
  };
  const syntax = node.children.filter((c) => c.tag === 'syntax').map((c) => unescape(c.text));
  if (syntax.length > 0) def.syntax = syntax;
  const g = GROUPS[id];
  if (g && elements.length >= g.from) {
    const count = Math.min(g.count, Math.floor((elements.length - g.from + 1) / g.size));
    const itemKeys = elements.slice(g.from - 1, g.from - 1 + g.size).map((e) => e.key.replace(/\d+$/, ''));
    def.group = { key: g.key, from: g.from, size: g.size, count, itemKeys };
  }
  return def;
}

function loopDef(node, family) {
  const id = node.attrs.xid;
  const name = textOf(node, 'name') ?? id;
  const def = { loop: id, key: loopKeyFrom(family, id, name), name, usage: textOf(node, 'usage') ?? 'S', repeat: repeatOf(textOf(node, 'repeat')), children: [] };
  collect(node, def, family, name, new Set());
  return def;
}

/** The children of a map node in guide order: the header table first (an older map lists it after the detail tables). */
function inOrder(node) {
  const header = node.children.filter((c) => c.tag === 'loop' && c.attrs.type === 'wrapper' && c.attrs.xid === 'HEADER');
  if (header.length === 0) return node.children;
  const rest = node.children.filter((c) => !header.includes(c));
  const at = rest.findIndex((c) => c.tag === 'loop');
  return at < 0 ? [...rest, ...header] : [...rest.slice(0, at), ...header, ...rest.slice(at)];
}

function collect(node, def, family, loopName, used) {
  for (const c of inOrder(node)) {
    if (c.tag === 'segment') def.children.push(segmentDef(c, loopName, used, def.loop));
    else if (c.tag === 'loop' && c.attrs.type === 'wrapper') collect(c, def, family, loopName, used);
    else if (c.tag === 'loop') {
      const l = loopDef(c, family);
      l.key = unique(l.key, used);
      def.children.push(l);
    }
  }
}

/** The first map node of a tag ('loop', 'segment') and id, depth first. */
function findNode(node, tag, xid) {
  if (node.tag === tag && node.attrs.xid === xid) return node;
  for (const c of node.children) {
    const f = findNode(c, tag, xid);
    if (f) return f;
  }
  return undefined;
}
const findLoop = (node, xid) => findNode(node, 'loop', xid);

/**
 * Where an 837's claims and the parties a 277CA names sit, and the 277CA entity (STC01-3) of an
 * issue by the loop it is in (the same loops in every 837 guide).
 */
const CLAIMS_837 = {
  submitter: '1000A', receiver: '1000B', billingProvider: '2000A', billingProviderName: '2010AA', subscriber: '2000B', subscriberName: '2010BA',
  patient: '2000C', patientName: '2010CA', claim: '2300', serviceLine: '2400',
  entities: { '2010AA': '85', '2010AB': '87', '2010BA': 'IL', '2010BB': 'PR', '2010CA': 'QC', '2310A': 'DN', '2310B': '82', '2310C': '77', '2310D': 'DQ', '2420A': '82' },
};

/** The definition loop of an id, and its parent. */
function findDef(parent, id) {
  for (const c of parent.children) {
    if (c.loop === id) return { loop: c, parent };
    if (c.loop) {
      const f = findDef(c, id);
      if (f) return f;
    }
  }
  return undefined;
}

const clone = (x) => JSON.parse(JSON.stringify(x));

/** An element written from the guide structure: its type and lengths from the data element dictionary. */
function el(ref, key, name, usage, codes) {
  const d = dataele.get(ref) ?? {};
  const e = { ref, key, name, usage, type: d.type, min: d.min, max: d.max };
  if (codes) e.codes = codes;
  return e;
}

/**
 * Puts loops and segments where the guide has them when a map has them elsewhere: `levels`, HL
 * loops the map lists side by side, each nested as the last child of the one before (the guide's
 * hierarchy, which HL02 and HL04 check); `moves`, [ids, from loop, to loop]: children of `from`
 * (segment or loop ids) appended to `to`, in order; `unwrap`, loops a map adds that the guide does
 * not have (834 LS_LOOP: LS, 2700 and LE are children of 2000), replaced by their children.
 */
function relocate(root, { levels = [], moves = [], unwrap = [] }) {
  for (const id of unwrap) {
    const at = findDef(root, id);
    if (!at) throw new Error(`no loop ${id}`);
    at.parent.children.splice(at.parent.children.indexOf(at.loop), 1, ...at.loop.children);
  }
  for (let i = 1; i < levels.length; i++) {
    const up = findDef(root, levels[i - 1])?.loop;
    const at = findDef(root, levels[i]);
    if (!up || !at) throw new Error(`no loop ${levels[i - 1]} or ${levels[i]}`);
    if (at.parent === up) continue;
    at.parent.children.splice(at.parent.children.indexOf(at.loop), 1);
    up.children.push(at.loop);
  }
  for (const [ids, from, to] of moves) {
    const source = findDef(root, from)?.loop;
    const target = findDef(root, to)?.loop;
    if (!source || !target) throw new Error(`no loop ${from} or ${to}`);
    for (const id of ids) {
      const i = source.children.findIndex((c) => (c.loop ?? c.segment) === id);
      if (i < 0) throw new Error(`no ${id} in ${from}`);
      target.children.push(...source.children.splice(i, 1));
    }
  }
}

const GUIDES = [
  { file: 'pyx12/map/837.5010.X222.A1.xml', guide: '005010X222A1', family: '837', title: 'Health Care Claim: Professional', aliases: ['005010X222', '005010X222A2'], split: { loop: '2300' }, claims: CLAIMS_837, balancing: true },
  { file: 'pyx12/map/837Q3.I.5010.X223.A1.xml', guide: '005010X223A2', family: '837', title: 'Health Care Claim: Institutional', aliases: ['005010X223', '005010X223A1', '005010X223A3'], split: { loop: '2300' }, claims: CLAIMS_837, balancing: true },
  { file: 'pyx12/map/835.5010.X221.A1.xml', guide: '005010X221A1', family: '835', title: 'Health Care Claim Payment/Advice', aliases: ['005010X221'], split: { loop: '2100' }, balancing: true },
  { file: 'pyx12/map/277.5010.X214.xml', guide: '005010X214', family: '277', title: 'Health Care Claim Acknowledgment (277CA)', aliases: [] },
  {
    file: 'pyx12/map/277.5010.X212.xml', guide: '005010X212-277', version: '005010X212', setId: '277', family: '277X212', title: 'Health Care Claim Status Response',
    aliases: ['005010X212'], levels: ['2000A', '2000B', '2000C', '2000D', '2000E'], note: 'HL levels nested as the guide nests them',
  },
  { file: 'pyx12/map/834.5010.X220.A1.xml', guide: '005010X220A1', family: '834', title: 'Benefit Enrollment and Maintenance', aliases: ['005010X220'], unwrap: ['LS_LOOP'] },
  { file: 'pyx12/map/820.5010.X218.xml', guide: '005010X218', family: '820', title: 'Payroll Deducted and Other Group Premium Payment for Insurance Products', aliases: [] },
  { file: 'pyx12/map/999.5010X231.A1.xml', guide: '005010X231A1', family: '999', title: 'Implementation Acknowledgment', aliases: ['005010X231'] },
  // pyx12 kept its 5010 eligibility maps on a branch (commit "Functional 5010 270/271"); they list the
  // HL levels side by side and put LS/2120C/LE inside 2115C, where the X279A1 guide has them in 2110C.
  {
    file: 'pyx12/map/270.5010.X279.A1.xml', commit: 'a564361e2f302b9a740421ce88c26f4b473f97da', guide: '005010X279A1-270', version: '005010X279A1', family: '270', title: 'Health Care Eligibility Benefit Inquiry',
    aliases: ['005010X279A1', '005010X279'], levels: ['2000A', '2000B', '2000C', '2000D'], note: 'HL levels nested as the guide nests them',
  },
  {
    file: 'pyx12/map/271.5010.X279.A1.xml', commit: 'a564361e2f302b9a740421ce88c26f4b473f97da', guide: '005010X279A1-271', version: '005010X279A1', family: '271', title: 'Health Care Eligibility Benefit Response',
    aliases: ['005010X279A1', '005010X279'], levels: ['2000A', '2000B', '2000C', '2000D'],
    moves: [[['LS', '2120C'], '2115C', '2110C'], [['LE'], '2120C', '2110C'], [['LS', '2120D'], '2115D', '2110D'], [['LE'], '2120D', '2110D']],
    note: 'HL levels nested and LS, 2120C/D and LE placed in 2110C/D as the guide has them',
  },
];

const outDir = new URL('../src/definitions/', import.meta.url);
for (const g of GUIDES) {
  family = g.family;
  const doc = parseXml(read(g.file, g.commit));
  const st = findLoop(doc, 'ST_LOOP');
  const root = loopDef(st, g.family);
  root.loop = 'ST';
  root.key = 'transaction';
  if (!root.children.some((c) => c.segment === 'SE')) {
    // a map whose footer table sits outside its ST loop
    const se = findNode(doc, 'segment', 'SE');
    if (!se) throw new Error(`${g.file}: no SE`);
    root.children.push(segmentDef(se, root.name, new Set(root.children.map((c) => c.key)), 'ST'));
  }
  relocate(root, g);
  const def = {
    guide: g.guide, ...(g.version === undefined ? {} : { version: g.version }), setId: g.setId ?? g.family, title: g.title, aliases: g.aliases,
    source: `facts from azoner/pyx12 ${g.file}${g.commit ? ` at ${g.commit}` : ''} (BSD-3-Clause)${g.note ? `, ${g.note}` : ''}; names and format are this project's`,
    ...(g.split === undefined ? {} : { split: g.split }),
    ...(g.claims === undefined ? {} : { claims: g.claims }),
    ...(g.balancing === true ? { balancing: true } : {}),
    root,
  };
  writeFileSync(new URL(`${g.guide}.json`, outDir), `${JSON.stringify(def)}\n`);
  console.log(g.guide, JSON.stringify(def).length);
}

// ---- 837D (005010X224A2) ----
// pyx12 has no 5010 dental map. The dental guide shares the 837 envelope, header, 2000A/B/C
// levels, names, 2320/2330 and 2430 loops with the professional guide; its claim (2300) and
// service line (2400) loops differ. They are assembled here from the professional segments the
// dental guide also uses, plus the dental segments (DN1, DN2, SV3, TOO) and dates, written from
// the X224A2 structure (segment order, usage, repeats, element positions, data element numbers).
{
  const p = JSON.parse(readFileSync(new URL('005010X222A1.json', outDir), 'utf8'));
  const findLoop = (l, id) => {
    for (const c of l.children) {
      if (c.loop === id) return c;
      if (c.loop) {
        const f = findLoop(c, id);
        if (f) return f;
      }
    }
    return undefined;
  };
  const P2300 = findLoop(p.root, '2300');
  const P2400 = findLoop(p.root, '2400');
  const seg = (loop, id, code) => {
    const s = loop.children.find((c) => c.segment === id && (code === undefined || (c.elements[0].codes ?? []).includes(code)));
    if (!s) throw new Error(`no ${id}*${code} in ${loop.loop}`);
    return clone(s);
  };
  const loop = (id) => clone(findLoop(P2300, id) ?? findLoop(P2400, id));
  const na = (n) => ({ key: `element${n}`, name: '', usage: 'N' });
  const dtp = (code, key, name, usage, maxUse, formats = ['D8']) => ({
    segment: 'DTP', key, name, usage, maxUse,
    elements: [el('374', 'dateTimeQualifier', 'Date Time Qualifier', 'R', [code]), el('1250', 'dateTimePeriodFormatQualifier', 'Date Time Period Format Qualifier', 'R', formats), el('1251', key, name, 'R')],
  });
  const ref = (code, key, name, usage = 'S', maxUse = 1) => ({
    segment: 'REF', key, name, usage, maxUse,
    elements: [el('128', 'referenceIdentificationQualifier', 'Reference Identification Qualifier', 'R', [code]), el('127', key, name, 'R'), { ...el('352', 'description', 'Description', 'N') }, { ref: 'C040', key: 'referenceIdentifier', name: 'Reference Identifier', usage: 'N', components: [] }],
  });
  const relabel = (l, id) => ({ ...l, loop: id });
  const withNm101 = (l, code, key, name) => {
    const x = clone(l);
    x.key = key;
    x.name = name;
    x.children[0].elements[0].codes = [code];
    return x;
  };
  const comp = (ref, key, name, usage, comps) => ({ ref, key, name, usage, components: comps });
  const sv3 = {
    segment: 'SV3', key: 'dentalService', name: 'Dental Service', usage: 'R', maxUse: 1,
    elements: [
      comp('C003', 'compositeMedicalProcedureIdentifier', 'Composite Medical Procedure Identifier', 'R', [
        el('235', 'productOrServiceIdQualifier', 'Product or Service ID Qualifier', 'R', ['AD']), el('234', 'procedureCode', 'Procedure Code', 'R'),
        el('1339', 'procedureModifier1', 'Procedure Modifier', 'S'), el('1339', 'procedureModifier2', 'Procedure Modifier', 'S'),
        el('1339', 'procedureModifier3', 'Procedure Modifier', 'S'), el('1339', 'procedureModifier4', 'Procedure Modifier', 'S'),
        el('352', 'description', 'Description', 'S'), el('234', 'productOrServiceId', 'Product/Service ID', 'N'),
      ]),
      el('782', 'lineItemChargeAmount', 'Line Item Charge Amount', 'R'),
      el('1331', 'placeOfServiceCode', 'Place of Service Code', 'S'),
      comp('C006', 'oralCavityDesignation', 'Oral Cavity Designation', 'S', [1, 2, 3, 4, 5].map((i) => el('1361', `oralCavityDesignationCode${i}`, 'Oral Cavity Designation Code', i === 1 ? 'R' : 'S', ['00', '01', '02', '09', '10', '20', '30', '40', 'L', 'R']))),
      el('1358', 'prosthesisCrownOrInlayCode', 'Prosthesis, Crown or Inlay Code', 'S', ['I', 'R']),
      el('380', 'procedureCount', 'Procedure Count', 'R'),
      na(7), na(8), na(9), na(10),
      comp('C004', 'compositeDiagnosisCodePointer', 'Composite Diagnosis Code Pointer', 'S', [1, 2, 3, 4].map((i) => el('1328', i === 1 ? 'diagnosisCodePointer' : `diagnosisCodePointer${i}`, 'Diagnosis Code Pointer', i === 1 ? 'R' : 'S'))),
    ],
  };
  const too = {
    segment: 'TOO', key: 'toothInformation', name: 'Tooth Information', usage: 'S', maxUse: 32,
    elements: [
      el('1270', 'codeListQualifierCode', 'Code List Qualifier Code', 'R', ['JP']), el('1271', 'toothCode', 'Tooth Code', 'R'),
      comp('C005', 'toothSurface', 'Tooth Surface', 'S', [1, 2, 3, 4, 5].map((i) => el('1369', `toothSurfaceCode${i}`, 'Tooth Surface Code', i === 1 ? 'R' : 'S', ['B', 'D', 'F', 'I', 'L', 'M', 'O']))),
    ],
  };
  const dn1 = {
    segment: 'DN1', key: 'orthodonticInformation', name: 'Orthodontic Total Months of Treatment', usage: 'S', maxUse: 1,
    elements: [el('380', 'orthodonticTreatmentMonthsCount', 'Orthodontic Treatment Months Count', 'S'), el('380', 'orthodonticTreatmentMonthsRemainingCount', 'Orthodontic Treatment Months Remaining Count', 'S'), el('1073', 'questionResponse', 'Yes/No Condition or Response Code', 'S', ['Y']), el('352', 'description', 'Description', 'S')],
  };
  const dn2 = {
    segment: 'DN2', key: 'toothStatus', name: 'Tooth Status', usage: 'S', maxUse: 35,
    elements: [el('127', 'toothNumber', 'Tooth Number', 'R'), el('1368', 'statusCode', 'Tooth Status Code', 'R', ['E', 'I', 'M', 'X']), el('380', 'quantity', 'Quantity', 'N'), el('1270', 'codeListQualifierCode', 'Code List Qualifier Code', 'R', ['JP'])],
  };
  const hi = seg(P2300, 'HI');
  hi.usage = 'S';
  const claim = {
    loop: '2300', key: 'claims', name: 'Claim Information', usage: 'R', repeat: 100,
    children: [
      seg(P2300, 'CLM'),
      seg(P2300, 'DTP', '439'),
      dtp('452', 'appliancePlacementDate', 'Date - Appliance Placement', 'S', 5),
      dtp('472', 'serviceDate', 'Date - Service Date', 'S', 1, ['D8', 'RD8']),
      seg(P2300, 'DTP', '050'),
      dn1, dn2,
      seg(P2300, 'PWK', '03'), seg(P2300, 'CN1', '01'), seg(P2300, 'AMT', 'F5'),
      seg(P2300, 'REF', '4N'), ref('G3', 'predeterminationOfBenefitsIdentifier', 'Predetermination of Benefits Identifier'),
      seg(P2300, 'REF', '9A'), seg(P2300, 'REF', '9C'), seg(P2300, 'REF', 'G1'), seg(P2300, 'REF', '9F'), seg(P2300, 'REF', 'F8'), seg(P2300, 'REF', 'D9'),
      seg(P2300, 'NTE', 'ADD'), hi, seg(P2300, 'HCP', '00'),
      loop('2310A'), loop('2310B'), loop('2310C'),
      relabel(withNm101(loop('2310B'), 'DD', 'assistantSurgeon', 'Assistant Surgeon Name'), '2310D'),
      relabel(loop('2310D'), '2310E'),
      loop('2320'),
      {
        loop: '2400', key: 'serviceLines', name: 'Service Line Number', usage: 'R', repeat: 50,
        children: [
          seg(P2400, 'LX'), sv3, too,
          seg(P2400, 'DTP', '472'),
          dtp('441', 'priorPlacementDate', 'Date - Prior Placement', 'S', 1),
          dtp('452', 'appliancePlacementDate', 'Date - Appliance Placement', 'S', 1),
          dtp('446', 'replacementDate', 'Date - Replacement', 'S', 1),
          dtp('196', 'treatmentStartDate', 'Date - Treatment Start', 'S', 1),
          dtp('198', 'treatmentCompletionDate', 'Date - Treatment Completion', 'S', 1),
          seg(P2400, 'CN1', '01'),
          ref('G3', 'predeterminationOfBenefitsIdentifier', 'Predetermination of Benefits Identifier', 'S', 5),
          seg(P2400, 'REF', '9B'), seg(P2400, 'REF', '9D'), seg(P2400, 'REF', 'G1'), seg(P2400, 'REF', '9F'), seg(P2400, 'REF', '6R'),
          seg(P2400, 'AMT', 'T'), seg(P2400, 'NTE', 'ADD'), seg(P2400, 'HCP', '00'),
          loop('2420A'),
          relabel(withNm101(loop('2420A'), 'DD', 'assistantSurgeon', 'Assistant Surgeon Name'), '2420B'),
          relabel(loop('2420D'), '2420C'),
          relabel(loop('2420C'), '2420D'),
          loop('2430'),
        ],
      },
    ],
  };
  // the service date may sit on the claim (RD8 for a range) or on the line; SV3 is required in 2400
  const d = clone(p);
  const replaceClaims = (l) => {
    l.children = l.children.map((c) => (c.loop === '2300' ? { ...clone(claim), usage: c.usage } : c));
    for (const c of l.children) if (c.loop && c.loop !== '2300') replaceClaims(c);
  };
  replaceClaims(d.root);
  d.guide = '005010X224A2';
  d.title = 'Health Care Claim: Dental';
  d.aliases = ['005010X224', '005010X224A1', '005010X224A3'];
  d.source = 'facts from azoner/pyx12 pyx12/map/837.5010.X222.A1.xml (BSD-3-Clause) for the parts the dental guide shares, dental loops 2300/2400 from the X224A2 structure; names and format are this project\'s';
  // 2010AA / 2000B details specific to dental are not modelled beyond the professional ones
  writeFileSync(new URL('005010X224A2.json', outDir), `${JSON.stringify(d)}\n`);
  console.log('005010X224A2', JSON.stringify(d).length);
}

// ---- 276 (005010X212) ----
// pyx12 has no 5010 claim status request map. The request shares its levels, names, trace number,
// claim references, service date and service line with the X212 response imported above; what
// differs is written here from the X212 request structure (its 4010 predecessor X093A1 in pyx12,
// and the 5010 request's reference qualifiers): demographics (DMG) on the subscriber (situational)
// and dependent (required) levels, no status (STC) and no receiver or provider trace loops, the
// claim's references 1K, BLT, LU, 6P, EJ, XZ, D9 and submitted charges (AMT*T3), the service line
// as 2210D/E with SVC03 situational, BHT02 13 with BHT06 not used.
{
  const response = JSON.parse(readFileSync(new URL('005010X212-277.json', outDir), 'utf8'));
  const inquiry = JSON.parse(readFileSync(new URL('005010X279A1-270.json', outDir), 'utf8'));
  const d = clone(response);
  const at = (id) => findDef(d.root, id).loop;
  const segOf = (loop, id, code) => {
    const found = loop.children.find((c) => c.segment === id && (code === undefined || (c.elements[0].codes ?? []).includes(code)));
    if (!found) throw new Error(`no ${id}*${code} in ${loop.loop}`);
    return found;
  };
  const drop = (loop, ids) => {
    loop.children = loop.children.filter((c) => !ids.includes(c.loop ?? c.segment));
  };
  segOf(d.root, 'ST').elements[0].codes = ['276'];
  const bht = segOf(d.root, 'BHT');
  bht.elements[1].codes = ['13'];
  bht.elements[5] = { key: bht.elements[5].key, name: bht.elements[5].name, usage: 'N' };
  drop(at('2100A'), ['PER']);
  drop(at('2000B'), ['2200B']);
  drop(at('2000C'), ['2200C']);
  at('2100C').repeat = 1;
  const dmg = segOf(findDef(inquiry.root, '2100C').loop, 'DMG');
  const claim = (loop, line) => {
    const c = at(loop);
    c.key = 'claims';
    const refOf = (code) => clone(segOf(c, 'REF', code));
    const newRef = (code, key, name) => {
      const r = refOf('1K');
      Object.assign(r, { key, name });
      r.elements[0].codes = [code];
      r.elements[1] = { ...r.elements[1], key, name };
      return r;
    };
    const trn = segOf(c, 'TRN');
    trn.elements[0].codes = ['1'];
    const amt = {
      segment: 'AMT', key: 'claimSubmittedCharges', name: 'Claim Submitted Charges', usage: 'S', maxUse: 1,
      elements: [el('522', 'amountQualifierCode', 'Amount Qualifier Code', 'R', ['T3']), el('782', 'totalClaimChargeAmount', 'Total Claim Charge Amount', 'R')],
    };
    const lines = findDef(c, line.replace('10', '20')).loop;
    lines.loop = line;
    drop(lines, ['STC']);
    // the request asks about a line by its charge: the paid amount (SVC03) may be left out
    segOf(lines, 'SVC').elements[2].usage = 'S';
    c.children = [
      trn, refOf('1K'), refOf('BLT'), newRef('LU', 'locationNumber', 'Location Number'), newRef('6P', 'groupNumber', 'Group Number'),
      refOf('EJ'), refOf('XZ'), refOf('D9'), amt, segOf(c, 'DTP', '472'), lines,
    ];
  };
  claim('2200D', '2210D');
  claim('2200E', '2210E');
  for (const [level, usage] of [['2000D', 'S'], ['2000E', 'R']]) at(level).children.splice(1, 0, { ...clone(dmg), usage });
  d.guide = '005010X212-276';
  d.setId = '276';
  d.title = 'Health Care Claim Status Request';
  d.source = 'facts from azoner/pyx12 pyx12/map/277.5010.X212.xml (BSD-3-Clause) for the parts the request shares with the response, demographics from pyx12/map/270.5010.X279.A1.xml at a564361e2f302b9a740421ce88c26f4b473f97da, the rest from the X212 request structure; names and format are this project\'s';
  writeFileSync(new URL('005010X212-276.json', outDir), `${JSON.stringify(d)}\n`);
  console.log('005010X212-276', JSON.stringify(d).length);
}

// ---- 278 (005010X217) request and response ----
// pyx12 has only the 4010 maps of the 278 (X094A1: 278.4010.X094.A1.xml the request, BHT02 13;
// 278.4010.X094.27.A1.xml the response, BHT02 11). 5010 reshaped the levels below the subscriber:
// a patient event level (2000E: UM, HCR, dates, diagnosis, CRC/CL1/CR*, PWK, MSG, with the event's
// providers 2010EA, transport locations and other UMO or contact loops) under the subscriber or the
// dependent, and service levels (2000F: UM, HCR, SV1/SV2/SV3, TOO, HSD) below it. The structure is
// written here from the X217 request and response layouts (loop order, usage, repeats); the
// segments' elements (positions, data elements, lengths, code lists) come from the 4010 maps, the
// X279A1 eligibility maps (names, demographics) and the 837 definitions (SV1, SV2, SV3, TOO), with
// the 5010 code values where they changed (BHT01 0007, BHT02, UM01/UM02, HCR01, entity codes).
// Request and response share ST01 278 and the reference: `select` names the element that tells
// them apart (BHT02), and resolveGuide reads it.
{
  family = '278';
  const tree = (file) => {
    const doc = parseXml(read(file));
    return loopDef(findLoop(doc, 'ST_LOOP'), '278');
  };
  const req4010 = tree('pyx12/map/278.4010.X094.A1.xml');
  const res4010 = tree('pyx12/map/278.4010.X094.27.A1.xml');
  const eligibility = JSON.parse(readFileSync(new URL('005010X279A1-270.json', outDir), 'utf8'));
  const professional = JSON.parse(readFileSync(new URL('005010X222A1.json', outDir), 'utf8'));
  const institutional = JSON.parse(readFileSync(new URL('005010X223A2.json', outDir), 'utf8'));
  const dental = JSON.parse(readFileSync(new URL('005010X224A2.json', outDir), 'utf8'));
  /** The first segment of an id (and qualifier code, when given) anywhere in a definition tree, cloned. */
  const find = (l, id, code) => {
    for (const c of l.children) {
      if (c.loop) {
        const f = find(c, id, code);
        if (f) return f;
      } else if (c.segment === id && (code === undefined || (c.elements[0].codes ?? []).includes(code) || (c.elements[0].components?.[0]?.codes ?? []).includes(code))) return c;
    }
    return undefined;
  };
  const take = (l, id, code, key, name, usage, maxUse, first) => {
    const f = find(l, id, code) ?? (l === res4010 ? find(req4010, id, code) : find(res4010, id, code));
    if (!f) throw new Error(`no ${id}*${code ?? ''} in the source tree`);
    const s = clone(f);
    Object.assign(s, { key, name, usage, maxUse });
    if (first !== undefined) {
      if (s.elements[0].components) s.elements[0].components[0].codes = first;
      else s.elements[0].codes = first;
    }
    return s;
  };
  const loopOf = (id, key, name, usage, repeat, children) => ({ loop: id, key, name, usage, repeat, children });
  const hl = (name, code) => {
    const s = take(eligibility.root, 'HL', undefined, 'hierarchicalLevel', name, 'R', 1);
    s.elements[2].codes = [code];
    // every level below the UMO names its parent
    if (code !== '20') s.elements[1] = { ...s.elements[1], usage: 'R' };
    s.elements[3] = { ...s.elements[3], usage: 'R', codes: ['0', '1'] };
    return s;
  };
  const nm1 = (src, code, name, codes) => take(src, 'NM1', code, 'name', name, 'R', 1, codes);
  // REF02 named by what the REF is (the 4010 names are the requester's)
  const ref = (src, code, key, name, maxUse, codes) => {
    const s = take(src, 'REF', code, key, name, 'S', maxUse, codes);
    s.elements[1] = key === 'supplementalIdentification' ? { ...s.elements[1], key: 'identifier', name: 'Supplemental Identifier' } : { ...s.elements[1], key, name };
    return s;
  };
  const address = () => [take(eligibility.root, 'N3', undefined, 'address', 'Address', 'S', 1), take(eligibility.root, 'N4', undefined, 'cityStateZipCode', 'City, State, ZIP Code', 'S', 1)];
  const per = (maxUse = 1) => take(req4010, 'PER', undefined, 'contactInformation', 'Contact Information', 'S', maxUse);
  // 5010 names the taxonomy code list PXC (4010: ZZ)
  const prv = () => {
    const s = take(req4010, 'PRV', undefined, 'providerInformation', 'Provider Information', 'S', 1);
    s.elements[1] = { ...s.elements[1], codes: ['PXC'] };
    return s;
  };
  const aaa = () => take(res4010, 'AAA', undefined, 'requestValidations', 'Request Validation', 'S', 9);
  const dmg = () => take(eligibility.root, 'DMG', undefined, 'demographicInformation', 'Demographic Information', 'S', 1);
  // the subscriber's INS (Y, 18) and the dependent's (N, relationship): the birth sequence (INS17) is situational here
  const ins = (dependent) => {
    const s = take(eligibility.root, 'INS', dependent ? 'N' : 'Y', 'relationship', 'Relationship', 'S', 1);
    s.elements[16] = { ...s.elements[16], usage: 'S' };
    return s;
  };
  const dtp = (code, key, name, formats) => {
    const s = take(req4010, 'DTP', undefined, key, name, 'S', 1, [code]);
    s.elements[1] = { ...s.elements[1], codes: formats };
    s.elements[2] = { ...s.elements[2], key, name };
    return s;
  };
  const crc = (code, key, name) => take(res4010, 'CRC', undefined, key, name, 'S', 1, [code]);
  const um = (response) => {
    const s = take(req4010, 'UM', undefined, 'review', 'Health Care Services Review Information', response ? 'S' : 'R', 1, ['AR', 'HS', 'IN', 'SC']);
    s.elements[1] = { ...s.elements[1], codes: ['1', '2', '3', '4', 'I', 'S'], usage: response ? 'S' : 'R' };
    s.elements[8] = { ...s.elements[8], usage: 'S' };
    return s;
  };
  const hcr = () => {
    const s = take(res4010, 'HCR', undefined, 'decision', 'Health Care Services Review', 'S', 1, ['A1', 'A2', 'A3', 'A4', 'A6', 'C', 'CT', 'NA']);
    s.elements[2] = { ...s.elements[2], codes: undefined, external: '886' };
    delete s.elements[2].codes;
    return s;
  };
  const trn = (maxUse, codes) => {
    const s = take(req4010, 'TRN', undefined, 'traceNumbers', 'Trace Number', 'S', maxUse, codes);
    s.elements[1] = { ...s.elements[1], key: 'traceNumber', name: 'Trace Number' };
    return s;
  };
  // 5010 reads ICD-10 codes too: ABK, ABF, ABJ beside the ICD-9 BK, BF, BJ
  const diagnosis = () => {
    const s = take(req4010, 'HI', undefined, 'diagnosis', 'Patient Diagnosis', 'S', 1);
    for (const e of s.elements) {
      const q = e.components?.[0];
      if (q?.codes) q.codes = [...q.codes.flatMap((c) => (['BK', 'BF', 'BJ'].includes(c) ? [`A${c}`, c] : [c]))];
    }
    return s;
  };
  // a service line names its procedure (SV101, SV301) or its revenue code or procedure (SV201, SV202); the rest is situational
  const service = (src, id, key, name) => {
    const s = take(src, id, undefined, key, name, 'S', 1);
    s.elements = s.elements.map((e, i) => ((i === 0 && id !== 'SV2') || e.usage === 'N' ? e : { ...e, usage: 'S' }));
    return s;
  };
  const lines = () => [
    service(professional.root, 'SV1', 'professionalService', 'Professional Service'),
    service(institutional.root, 'SV2', 'institutionalService', 'Institutional Service Line'),
    service(dental.root, 'SV3', 'dentalService', 'Dental Service'),
    take(dental.root, 'TOO', undefined, 'toothInformation', 'Tooth Information', 'S', 32),
  ];
  const hsd = () => take(req4010, 'HSD', undefined, 'servicesDelivery', 'Health Care Services Delivery', 'S', 1);
  const pwk = (key, name) => take(req4010, 'PWK', undefined, key, name, 'S', 10);
  const msg = () => take(req4010, 'MSG', undefined, 'messageText', 'Message Text', 'S', 1);
  const eventDates = (response) => [
    dtp('439', 'accidentDate', 'Accident Date', ['D8']),
    dtp('484', 'lastMenstrualPeriodDate', 'Last Menstrual Period Date', ['D8']),
    dtp('ABC', 'estimatedDateOfBirth', 'Estimated Date of Birth', ['D8']),
    dtp('431', 'onsetDate', 'Onset of Current Symptoms or Illness Date', ['D8']),
    dtp('AAH', 'eventDate', 'Event Date', ['D8', 'RD8']),
    dtp('435', 'admissionDate', 'Admission Date', ['D8', 'RD8']),
    dtp('096', 'dischargeDate', 'Discharge Date', ['D8']),
    ...(response ? certificationDates() : []),
  ];
  const certificationDates = () => [
    dtp('102', 'certificationIssueDate', 'Certification Issue Date', ['D8']),
    dtp('036', 'certificationExpirationDate', 'Certification Expiration Date', ['D8']),
    dtp('007', 'certificationEffectiveDate', 'Certification Effective Date', ['D8', 'RD8']),
  ];
  const reviewRefs = (response) => [
    ref(req4010, undefined, response ? 'authorizationNumber' : 'previousAuthorizationNumber', response ? 'Authorization Number' : 'Previous Review Authorization Number', 1, ['BB']),
    ref(req4010, undefined, response ? 'administrativeReferenceNumber' : 'previousAdministrativeReferenceNumber', response ? 'Administrative Reference Number' : 'Previous Review Administrative Reference Number', 1, ['NT']),
  ];
  const medical = () => [
    take(req4010, 'CL1', undefined, 'institutionalClaimCode', 'Institutional Claim Code', 'S', 1),
    take(req4010, 'CR1', undefined, 'ambulanceTransport', 'Ambulance Transport Information', 'S', 1),
    take(req4010, 'CR2', undefined, 'spinalManipulation', 'Spinal Manipulation Service Information', 'S', 1),
    take(req4010, 'CR5', undefined, 'homeOxygenTherapy', 'Home Oxygen Therapy Information', 'S', 1),
    take(req4010, 'CR6', undefined, 'homeHealthCare', 'Home Health Care Information', 'S', 1),
  ];
  const certifications = () => [
    crc('07', 'ambulanceCertification', 'Ambulance Certification Information'),
    crc('08', 'chiropracticCertification', 'Chiropractic Certification Information'),
    crc('09', 'durableMedicalEquipment', 'Durable Medical Equipment Information'),
    crc('11', 'oxygenTherapyCertification', 'Oxygen Therapy Certification Information'),
    crc('75', 'functionalLimitations', 'Functional Limitations Information'),
    crc('76', 'activitiesPermitted', 'Activities Permitted Information'),
    crc('77', 'mentalStatus', 'Mental Status Information'),
  ];
  const PROVIDERS = ['1T', '71', '72', '73', '77', 'AAJ', 'DD', 'DK', 'DN', 'FA', 'G3', 'P3', 'QB', 'QV', 'SJ'];
  const contact = (id, key, name) => loopOf(id, key, name, 'S', 1, [nm1(req4010, undefined, name, ['2B', '36', '40', 'FA', 'P3', 'X3', '1P', 'PR']), ...address(), per(3)]);
  const transport = (id, response) => loopOf(id, 'transportLocations', 'Patient Event Transport Information', 'S', 5, [
    nm1(req4010, undefined, 'Patient Event Transport Information', ['45', 'FS', 'ND', 'PW', 'R3']), ...address(), ...(response ? [aaa()] : []),
  ]);
  const provider = (id, key, name, response) => loopOf(id, key, name, 'S', 12, [
    nm1(req4010, undefined, name, PROVIDERS), ref(req4010, undefined, 'supplementalIdentification', 'Supplemental Identification', 7), ...address(), per(), ...(response ? [aaa()] : []), prv(),
  ]);
  const serviceLevel = (response) => loopOf('2000F', 'services', 'Service Level', 'S', 0, [
    hl('Service Level', 'SS'), trn(response ? 3 : 2, response ? ['1', '2'] : ['1']), ...(response ? [aaa()] : []), um(response), ...(response ? [hcr()] : []),
    ...reviewRefs(response), dtp('472', 'serviceDate', 'Service Date', ['D8', 'RD8']), ...(response ? certificationDates() : []),
    ...(response ? [take(req4010, 'HI', undefined, 'requestForAdditionalInformation', 'Request for Additional Information', 'S', 1)] : []),
    ...lines(), hsd(), pwk('additionalServiceInformation', 'Additional Service Information'), msg(),
    ...(response
      ? [provider('2010FA', 'serviceProviders', 'Service Provider Name', true), contact('2010FB', 'additionalServiceInformationContact', 'Additional Service Information Contact Name')]
      : [provider('2010F', 'serviceProviders', 'Service Provider Name', false)]),
  ]);
  const patientEvent = (response, usage) => loopOf('2000E', 'patientEvent', 'Patient Event Level', usage, 1, [
    hl('Patient Event Level', 'EV'), trn(response ? 3 : 2, response ? ['1', '2'] : ['1']), ...(response ? [aaa()] : []), um(response), ...(response ? [hcr()] : []),
    ...reviewRefs(response), ...eventDates(response), diagnosis(), hsd(), ...(response ? [] : certifications()), ...medical(),
    pwk('additionalPatientInformation', 'Additional Patient Information'), msg(),
    provider('2010EA', 'patientEventProviders', 'Patient Event Provider Name', response),
    ...(response
      ? [contact('2010EB', 'additionalPatientInformationContact', 'Additional Patient Information Contact Name'), transport('2010EC', true)]
      : [transport('2010EB', false), loopOf('2010EC', 'otherUmo', 'Patient Event Other UMO Name', 'S', 1, [
        nm1(req4010, undefined, 'Patient Event Other UMO Name', ['X3']), ref(req4010, undefined, 'denialReason', 'Other UMO Denial Reason', 1, ['ZZ']),
        dtp('598', 'denialDate', 'Other UMO Denial Date', ['D8'])])]),
    serviceLevel(response),
  ]);
  // the subscriber's name as the eligibility inquiry has it; the dependent's the same with QC, its identifier situational
  const personName = (code, name) => {
    const s = nm1(eligibility.root, 'IL', name, [code]);
    if (code === 'QC') for (const i of [7, 8]) s.elements[i] = { ...s.elements[i], usage: 'S' };
    return s;
  };
  const person = (id, key, name, code, response) => loopOf(id, key, name, 'R', 1, [
    personName(code, name), ref(eligibility.root, undefined, 'supplementalIdentification', 'Supplemental Identification', 9), ...address(),
    ...(response ? [aaa()] : []), dmg(), ins(code === 'QC'),
  ]);
  const definition = (response) => {
    const bht = take(response ? res4010 : req4010, 'BHT', undefined, 'beginningOfHierarchicalTransaction', 'Beginning of Hierarchical Transaction', 'R', 1, ['0007']);
    bht.elements[1].codes = response ? ['11'] : ['01', '13', '36'];
    bht.elements[5] = response ? bht.elements[5] : { ...bht.elements[5], usage: 'S', codes: ['RU'] };
    const st = take(req4010, 'ST', undefined, 'transactionSetHeader', 'Transaction Set Header', 'R', 1);
    st.elements[2] = el('1705', 'implementationConventionReference', 'Implementation Convention Reference', 'R');
    const root = loopOf('ST', 'transaction', 'Transaction Set Header', 'R', 1, [
      st, bht,
      loopOf('2000A', 'utilizationManagementOrganization', 'Utilization Management Organization (UMO) Level', 'R', 1, [
        hl('Utilization Management Organization (UMO) Level', '20'), ...(response ? [aaa()] : []),
        loopOf('2010A', 'name', 'Utilization Management Organization (UMO) Name', 'R', 1, [
          nm1(req4010, undefined, 'Utilization Management Organization (UMO) Name', ['X3']), ...(response ? [per(), aaa()] : []),
        ]),
        loopOf('2000B', 'requester', 'Requester Level', 'R', 1, [
          hl('Requester Level', '21'),
          loopOf('2010B', 'name', 'Requester Name', 'R', 1, [
            nm1(req4010, undefined, 'Requester Name', ['1P', 'FA']), ref(req4010, undefined, 'supplementalIdentification', 'Supplemental Identification', 8),
            ...(response ? [aaa()] : [...address(), per()]), prv(),
          ]),
          loopOf('2000C', 'subscriber', 'Subscriber Level', 'R', 1, [
            hl('Subscriber Level', '22'),
            person('2010C', 'name', 'Subscriber Name', 'IL', response),
            patientEvent(response, 'S'),
            loopOf('2000D', 'dependent', 'Dependent Level', 'S', 1, [hl('Dependent Level', '23'), person('2010D', 'name', 'Dependent Name', 'QC', response), patientEvent(response, response ? 'S' : 'R')]),
          ]),
        ]),
      ]),
      take(req4010, 'SE', undefined, 'transactionSetTrailer', 'Transaction Set Trailer', 'R', 1),
    ]);
    return {
      guide: `005010X217-278-${response ? 'response' : 'request'}`, version: '005010X217', setId: '278',
      title: `Health Care Services Review: ${response ? 'Response' : 'Request for Review'}`, aliases: ['005010X217'],
      select: { segment: 'BHT', element: 2, codes: response ? ['11'] : ['01', '13', '36'] },
      source: 'facts from azoner/pyx12 pyx12/map/278.4010.X094.A1.xml and 278.4010.X094.27.A1.xml (BSD-3-Clause) for the segments\' elements, pyx12/map/270.5010.X279.A1.xml at a564361e2f302b9a740421ce88c26f4b473f97da for names and demographics, the 837 definitions for SV1/SV2/SV3/TOO, the loops from the X217 structure (their layout as in EdiFabric/X12.NET\'s 5010 278 template); names and format are this project\'s',
      root,
    };
  };
  for (const response of [false, true]) {
    const d = definition(response);
    writeFileSync(new URL(`${d.guide}.json`, outDir), `${JSON.stringify(d)}\n`);
    console.log(d.guide, JSON.stringify(d).length);
  }
}
