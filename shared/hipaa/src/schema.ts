/**
 * JSON Schema (draft-07) of the semantic documents of a guide, generated from the same
 * definition the walker uses. The committed copies live in shared/hipaa/schemas/<guide>.json
 * (written by `npm run schemas -w shared/hipaa`; a test checks they are current).
 */
import type { ElementDef, LoopDef, SegmentDef } from './definition';
import { inElementGroup, isLoop } from './definition';
import { guideDefinition, type SupportedGuide } from './guides';

type Schema = { [k: string]: unknown };

/** Bumped when the document shape changes incompatibly; it is part of the schema $id. */
export const SCHEMA_VERSION = 1;

const str = (description: string): Schema => ({ type: 'string', description });

function elementSchema(e: ElementDef, place: string): Schema {
  const desc = `${place}${e.ref !== undefined ? ` (${e.ref})` : ''} ${e.name}`.trim();
  let s: Schema;
  if (e.components !== undefined) {
    const props: Schema = {};
    e.components.forEach((c, i) => {
      props[c.key] = elementSchema(c, `${place}-${String(i + 1).padStart(2, '0')}`);
    });
    s = { type: 'object', description: desc, properties: props, patternProperties: { '^component[0-9]+$': { type: 'string' } }, additionalProperties: false };
  } else {
    s = str(desc);
    // lengths and code values are the guide validator's job; the schema describes the shape
  }
  if (e.repeat !== undefined && e.repeat !== 1) {
    const a: Schema = { type: 'array', description: desc, items: s };
    if (e.repeat > 0) a.maxItems = e.repeat;
    return a;
  }
  return s;
}

function segmentSchema(def: SegmentDef): Schema {
  const props: Schema = {};
  const g = def.group;
  const pos = (i: number): string => `${def.segment}${String(i).padStart(2, '0')}`;
  def.elements.forEach((e, i) => {
    const p = i + 1;
    if (inElementGroup(def, p)) return;
    if (e.usage === 'N' && e.name === '') return;
    props[e.key] = elementSchema(e, pos(p));
  });
  if (g !== undefined) {
    let item: Schema;
    if (g.size === 1) item = { anyOf: [elementSchema(def.elements[g.from - 1], pos(g.from)), { type: 'null' }] };
    else {
      const ip: Schema = {};
      g.itemKeys.forEach((k, w) => {
        ip[k] = elementSchema(def.elements[g.from - 1 + w], pos(g.from + w));
      });
      item = { type: 'object', properties: ip, additionalProperties: false };
    }
    props[g.key] = { type: 'array', description: `${pos(g.from)}..${pos(g.from + g.size * g.count - 1)} as a list`, items: item, maxItems: g.count };
  }
  return {
    type: 'object', description: `${def.segment} ${def.name}`, properties: props,
    patternProperties: { '^element[0-9]+$': { type: 'string' } }, additionalProperties: false,
  };
}

const UNRECOGNIZED: Schema = {
  type: 'array', description: 'Segments the guide has no place for here, kept as sent (only in documents with guide errors)',
  items: {
    type: 'object', required: ['segment', 'position', 'elements'], additionalProperties: false,
    properties: { segment: { type: 'string' }, position: { type: 'string' }, elements: { type: 'array', items: { type: 'string' } } },
  },
};

function loopSchema(def: LoopDef, defs: Schema, names: Map<string, string>): Schema {
  const props: Schema = {
    source: {
      type: 'object', description: 'Where the loop is in the transaction set: loop id and segment numbers (ST = 1)',
      required: ['loop', 'first', 'last'], additionalProperties: false,
      properties: { loop: { const: def.loop }, first: { type: 'integer', minimum: 1 }, last: { type: 'integer', minimum: 1 } },
    },
  };
  const required = ['source'];
  def.children.forEach((c) => {
    let s: Schema;
    let many: boolean;
    let max: number;
    if (isLoop(c)) {
      s = { $ref: `#/definitions/${loopRef(c, defs, names)}` };
      many = c.repeat !== 1;
      max = c.repeat;
    } else {
      s = segmentSchema(c);
      many = c.maxUse !== 1;
      max = c.maxUse;
      // the loop's first segment is not required here: a loop opened without it (835 CLP with no LX) is still read
    }
    if (many) {
      const a: Schema = { type: 'array', items: s, minItems: 1 };
      if (max > 0) a.maxItems = max;
      if (isLoop(c)) a.description = `Loop ${c.loop} ${c.name}`;
      props[c.key] = a;
    } else props[c.key] = isLoop(c) ? { ...s, description: `Loop ${c.loop} ${c.name}` } : s;
  });
  props.unrecognizedSegments = UNRECOGNIZED;
  return { type: 'object', description: `Loop ${def.loop} ${def.name}`, required, properties: props, additionalProperties: false };
}

function loopRef(def: LoopDef, defs: Schema, names: Map<string, string>): string {
  const body = loopSchema(def, defs, names);
  const text = JSON.stringify(body);
  const known = names.get(text);
  if (known !== undefined) return known;
  let name = `loop${def.loop}`;
  for (let n = 2; defs[name] !== undefined; n++) name = `loop${def.loop}_${n}`;
  defs[name] = body;
  names.set(text, name);
  return name;
}

const CONTEXT: Schema = {
  interchange: {
    type: 'object', additionalProperties: false,
    required: ['senderQualifier', 'senderId', 'receiverQualifier', 'receiverId', 'controlNumber', 'date', 'time', 'version', 'usage'],
    // ISA01-04, ISA11 and ISA14 came later: documents written before them stay valid
    properties: {
      authorizationQualifier: str('ISA01'), authorization: str('ISA02 without its trailing fill'), securityQualifier: str('ISA03'), security: str('ISA04 without its trailing fill'),
      senderQualifier: str('ISA05'), senderId: str('ISA06'), receiverQualifier: str('ISA07'), receiverId: str('ISA08'), controlNumber: str('ISA13'),
      date: str('ISA09'), time: str('ISA10'), standardsOrRepetition: str('ISA11 as sent'), version: str('ISA12'), ackRequested: str('ISA14'), usage: str('ISA15'),
    },
  },
  group: {
    type: 'object', additionalProperties: false, required: ['functionalId', 'controlNumber', 'version', 'senderCode', 'receiverCode', 'date', 'time'],
    properties: {
      functionalId: str('GS01'), senderCode: str('GS02'), receiverCode: str('GS03'), date: str('GS04'), time: str('GS05'), controlNumber: str('GS06'), agency: str('GS07'),
      version: str('GS08'),
    },
  },
  delimiters: {
    type: 'object', additionalProperties: false, required: ['element', 'component', 'repetition', 'segment'],
    properties: { element: { type: 'string' }, component: { type: 'string' }, repetition: { type: 'string' }, segment: { type: 'string' } },
  },
  source: {
    type: 'object', additionalProperties: false, required: ['offset', 'firstSegment', 'lastSegment'],
    properties: {
      fileId: { type: 'string' }, offset: { type: 'integer', minimum: 0 }, firstSegment: { type: 'integer' }, lastSegment: { type: 'integer' },
      transactionIndex: { type: 'integer', minimum: 1 },
    },
  },
  split: {
    type: 'object', additionalProperties: false, required: ['mode', 'index', 'count', 'claimId'],
    properties: { mode: { const: 'claim' }, index: { type: 'integer', minimum: 1 }, count: { type: 'integer', minimum: 1 }, claimId: { type: 'string' } },
  },
  key: {
    type: 'object', additionalProperties: false, required: ['interchangeControlNumber', 'groupControlNumber', 'transactionControlNumber'],
    properties: { interchangeControlNumber: str('ISA13'), groupControlNumber: str('GS06'), transactionControlNumber: str('ST02'), claimId: str('CLM01 / CLP01 when split per claim') },
  },
};

/** The JSON Schema of a guide's semantic documents. */
export function schemaFor(guide: SupportedGuide): Schema {
  const def = guideDefinition(guide);
  const defs: Schema = {};
  const names = new Map<string, string>();
  const root = loopRef(def.root, defs, names);
  const legacy = def.legacy === true;
  const description = 'Generated from the guide definition in @ediflow/hipaa. Element values are strings exactly as sent (amounts keep their decimal text).';
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://ediflow.dev/schemas/hipaa/${guide}/v${SCHEMA_VERSION}.json`,
    title: `${def.title} (${guide}) semantic document, version ${SCHEMA_VERSION}`,
    description: legacy ? `A 4010 guide, kept for legacy partners (HIPAA requires 5010 since 2012). ${description}` : description,
    type: 'object',
    additionalProperties: false,
    required: ['schemaVersion', 'guide', ...(legacy ? ['legacy'] : []), 'transactionSet', 'controlNumber', 'implementationRef', 'interchange', 'group', 'delimiters', 'source', 'key', 'transaction'],
    properties: {
      schemaVersion: { const: SCHEMA_VERSION },
      guide: { const: guide },
      ...(legacy ? { legacy: { const: true, description: 'a 4010 guide (legacy partners)' } } : {}),
      transactionSet: { const: def.setId },
      controlNumber: str('ST02'),
      implementationRef: str('ST03, else GS08, as sent'),
      ...CONTEXT,
      transaction: { $ref: `#/definitions/${root}` },
    },
    definitions: defs,
  };
}
