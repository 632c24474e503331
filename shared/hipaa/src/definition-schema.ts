/**
 * JSON Schema of the guide definition files (src/definitions/<guide>.json): the data the walker,
 * the validator, the writer and the document schemas all read. A test checks every definition.
 */
const usage = { enum: ['R', 'S', 'N'] };

const element: Record<string, unknown> = {
  type: 'object',
  required: ['key', 'name', 'usage'],
  additionalProperties: false,
  properties: {
    ref: { type: 'string', pattern: '^(C?[0-9]{1,4}|I[0-9]{2})$' },
    key: { type: 'string', pattern: '^[a-z][A-Za-z0-9]*$' },
    name: { type: 'string' },
    usage,
    type: { enum: ['AN', 'ID', 'N0', 'N1', 'N2', 'N4', 'R', 'DT', 'TM', 'B'] },
    min: { type: 'integer', minimum: 0 },
    max: { type: 'integer', minimum: 1 },
    codes: { type: 'array', items: { type: 'string' } },
    external: { type: 'string' },
    pattern: { type: 'string' },
    repeat: { type: 'integer', minimum: 0 },
    components: { type: 'array', items: { $ref: '#/definitions/element' } },
  },
};

export const DEFINITION_SCHEMA: Record<string, unknown> = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://ediflow.dev/schemas/hipaa/guide-definition/v1.json',
  type: 'object',
  required: ['guide', 'setId', 'title', 'aliases', 'source', 'root'],
  additionalProperties: false,
  properties: {
    guide: { type: 'string', pattern: '^005010X[0-9]{3}(A[0-9])?(-[0-9]{3}([A-Z]|-request|-response)?)?$' },
    version: { type: 'string', pattern: '^005010X[0-9]{3}(A[0-9])?$', description: 'the implementation reference (GS08/ST03) when the id is not it: guides of one reference for two sets (270/271, 276/277)' },
    setId: { enum: ['837', '835', '277', '270', '271', '276', '278', '834', '820', '999'] },
    title: { type: 'string' },
    aliases: { type: 'array', items: { type: 'string' } },
    source: { type: 'string' },
    split: {
      type: 'object', required: ['loop'], additionalProperties: false,
      properties: { loop: { type: 'string', description: 'the loop a per-claim split cuts at (837 2300, 835 2100)' } },
    },
    claims: {
      type: 'object',
      description: 'where claims and the parties a 277CA names sit (claim decisions, lenient partners, the 277CA)',
      required: ['submitter', 'receiver', 'billingProvider', 'billingProviderName', 'subscriber', 'subscriberName', 'patient', 'patientName', 'claim', 'serviceLine', 'entities'],
      additionalProperties: false,
      properties: {
        ...Object.fromEntries(['submitter', 'receiver', 'billingProvider', 'billingProviderName', 'subscriber', 'subscriberName', 'patient', 'patientName', 'claim', 'serviceLine'].map((k) => [k, { type: 'string' }])),
        entities: { type: 'object', description: 'STC01-3 entity of an issue by the loop it is in', additionalProperties: { type: 'string' } },
      },
    },
    balancing: { type: 'boolean', description: 'the 837 and 835 amount rules apply (CLM02, BPR02, CLP04, SVC03)' },
    select: {
      type: 'object',
      description: 'the header element that picks this guide among the guides of one set and reference (278 X217: BHT02)',
      required: ['segment', 'element', 'codes'],
      additionalProperties: false,
      properties: { segment: { type: 'string', pattern: '^[A-Z][A-Z0-9]{1,2}$' }, element: { type: 'integer', minimum: 1 }, codes: { type: 'array', minItems: 1, items: { type: 'string' } } },
    },
    root: { $ref: '#/definitions/loop' },
  },
  definitions: {
    element,
    segment: {
      type: 'object',
      required: ['segment', 'key', 'name', 'usage', 'maxUse', 'elements'],
      additionalProperties: false,
      properties: {
        segment: { type: 'string', pattern: '^[A-Z][A-Z0-9]{1,2}$' },
        key: { type: 'string', pattern: '^[a-z][A-Za-z0-9]*$' },
        name: { type: 'string' },
        usage,
        maxUse: { type: 'integer', minimum: 0 },
        elements: { type: 'array', items: { $ref: '#/definitions/element' } },
        syntax: { type: 'array', items: { type: 'string', pattern: '^[PRCEL]([0-9]{2}){2,}$' } },
        group: {
          type: 'object',
          required: ['key', 'from', 'size', 'count', 'itemKeys'],
          additionalProperties: false,
          properties: {
            key: { type: 'string', pattern: '^[a-z][A-Za-z0-9]*$' }, from: { type: 'integer', minimum: 1 }, size: { type: 'integer', minimum: 1 }, count: { type: 'integer', minimum: 1 },
            itemKeys: { type: 'array', items: { type: 'string', pattern: '^[a-z][A-Za-z0-9]*$' } },
          },
        },
      },
    },
    loop: {
      type: 'object',
      required: ['loop', 'key', 'name', 'usage', 'repeat', 'children'],
      additionalProperties: false,
      properties: {
        loop: { type: 'string', pattern: '^(ST|[0-9]{4}[A-Z]{0,2})$' },
        key: { type: 'string', pattern: '^[a-z][A-Za-z0-9]*$' },
        name: { type: 'string' },
        usage,
        repeat: { type: 'integer', minimum: 0 },
        children: { type: 'array', minItems: 1, items: { if: { required: ['loop'] }, then: { $ref: '#/definitions/loop' }, else: { $ref: '#/definitions/segment' } } },
      },
    },
  },
};
