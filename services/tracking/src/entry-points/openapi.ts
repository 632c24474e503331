/** The tracking API as an OpenAPI 3.1 document, served at /v1/openapi.json. A test checks the routes and responses against it. */
const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };
const nint = { type: ['integer', 'null'] };
const ndate = { type: ['string', 'null'], format: 'date-time' };
const money = { type: ['string', 'null'], pattern: '^-?\\d+(\\.\\d+)?$', description: 'exact decimal amount' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const page = (item: string) => ({
  type: 'object',
  required: ['items'],
  additionalProperties: false,
  properties: { items: { type: 'array', items: ref(item) }, nextCursor: { type: 'string', description: 'pass back as `cursor` for the next page' } },
});
const query = (name: string, description: string, schema: Record<string, unknown> = str) => ({ name, in: 'query', required: false, description, schema });
const id = (description: string) => ({ name: 'id', in: 'path', required: true, description, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } });
const errors = {
  400: { description: 'a query parameter is not valid (the fields are named)', content: { 'application/json': { schema: ref('Error') } } },
  401: { description: 'no valid bearer token', content: { 'application/json': { schema: ref('Error') } } },
};
const ok = (schema: Record<string, unknown>) => ({ 200: { description: 'OK', content: { 'application/json': { schema } } }, ...errors });
const notFound = { 404: { description: 'no such record', content: { 'application/json': { schema: ref('Error') } } } };
const limit = query('limit', 'page size, 1-500 (default 50)', { type: 'integer', minimum: 1, maximum: 500 });
const cursor = query('cursor', 'from the previous page');
const partner = query('partner', 'partner id', { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const from = query('from', 'on or after (ISO date-time)', { type: 'string', format: 'date-time' });
const to = query('to', 'before (ISO date-time)', { type: 'string', format: 'date-time' });

const FILE_PROPERTIES = {
  fileId: str,
  partnerId: str,
  state: { type: 'string', enum: ['received', 'quarantined', 'translated', 'rejected'] },
  channel: nstr,
  sizeBytes: nint,
  digest: nstr,
  reasonCode: nstr,
  transactions: { type: 'object', properties: { accepted: nint, rejected: nint } },
  receivedAt: ndate,
  quarantinedAt: ndate,
  finishedAt: ndate,
};

const CLAIM_PROPERTIES = {
  claimId: str,
  partnerId: str,
  claimNumber: { type: 'string', description: 'CLM01, the patient control number' },
  providerId: nstr,
  payerId: nstr,
  billedAmount: money,
  serviceDateFrom: { type: ['string', 'null'], format: 'date' },
  serviceDateTo: { type: ['string', 'null'], format: 'date' },
  status: str,
  paidAmount: money,
  payerClaimControlNumber: nstr,
  traceNumber: nstr,
  fileId: str,
  submittedAt: ndate,
  updatedAt: ndate,
};

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'ediflow tracking',
    version: '1',
    description: 'Files, transaction sets, claims (837 -> 999 -> 277CA -> 835) and callbacks. Read-only; bearer token.',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str, fields: { type: 'array', items: str } } },
      File: { type: 'object', additionalProperties: false, required: ['fileId', 'partnerId', 'state'], properties: FILE_PROPERTIES },
      FileDetail: {
        type: 'object',
        additionalProperties: false,
        required: ['fileId', 'partnerId', 'state', 'transactionSets', 'callbacks'],
        properties: {
          ...FILE_PROPERTIES,
          acknowledgments: { type: 'object', properties: { ta1: { type: 'array', items: str }, groups999: { type: 'array', items: str } } },
          transactionSets: { type: 'array', items: ref('TransactionSet') },
          claims: { type: 'integer' },
          callbacks: { type: 'array', items: ref('Callback') },
        },
      },
      TransactionSet: {
        type: 'object',
        additionalProperties: false,
        required: ['fileId', 'isa13', 'gs06', 'st02', 'setId', 'status'],
        properties: {
          transactionId: nstr,
          fileId: str,
          partnerId: str,
          isa13: str,
          gs06: str,
          st02: str,
          setId: str,
          guide: nstr,
          position: { type: 'integer' },
          status: { type: 'string', enum: ['accepted', 'accepted_with_errors', 'rejected'] },
          codes: { type: 'array', items: str },
          recordedAt: ndate,
        },
      },
      Callback: {
        type: 'object',
        additionalProperties: false,
        properties: { messageId: str, subscriptionId: str, attempts: { type: 'integer' }, outcome: str, latencyMs: nint, code: nstr, firstAttemptAt: ndate, lastAttemptAt: ndate },
      },
      Claim: { type: 'object', additionalProperties: false, required: ['claimId', 'claimNumber', 'status'], properties: CLAIM_PROPERTIES },
      ClaimEvent: {
        type: 'object',
        additionalProperties: false,
        properties: {
          source: { type: 'string', enum: ['837', '999', '277CA', '835'] },
          status: str,
          codes: { type: 'array', items: str },
          claimNumber: str,
          partnerId: str,
          billedAmount: money,
          paidAmount: money,
          payerClaimControlNumber: nstr,
          traceNumber: nstr,
          fileId: str,
          occurredAt: ndate,
        },
      },
      ClaimDetail: {
        type: 'object',
        additionalProperties: false,
        required: ['claimId', 'claimNumber', 'status', 'timeline'],
        properties: { ...CLAIM_PROPERTIES, timeline: { type: 'array', items: ref('ClaimEvent') } },
      },
      FilePage: page('File'),
      ClaimPage: page('Claim'),
      TransactionSets: { type: 'object', properties: { items: { type: 'array', items: ref('TransactionSet') } } },
      ClaimEvents: { type: 'object', properties: { items: { type: 'array', items: ref('ClaimEvent') } } },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    '/v1/files': {
      get: {
        summary: 'Files, newest first',
        parameters: [partner, query('state', 'received | quarantined | translated | rejected'), from, to, cursor, limit],
        responses: ok(ref('FilePage')),
      },
    },
    '/v1/files/{id}': { get: { summary: 'A file with its transaction sets, acknowledgments and callbacks', parameters: [id('file id')], responses: { ...ok(ref('FileDetail')), ...notFound } } },
    '/v1/transactions': {
      get: {
        summary: 'Transaction sets by control numbers (at least one of isa13, gs06, st02)',
        parameters: [query('isa13', 'interchange control number'), query('gs06', 'group control number'), query('st02', 'transaction set control number'), partner, limit],
        responses: ok(ref('TransactionSets')),
      },
    },
    '/v1/claims': {
      get: {
        summary: 'Claims, newest first',
        parameters: [partner, query('claimNumber', 'CLM01 / CLP01'), query('status', 'submitted, accepted, rejected, acknowledged, rejected_by_payer, paid, partially_paid, denied, adjusted, reversed'), from, to, cursor, limit],
        responses: ok(ref('ClaimPage')),
      },
    },
    '/v1/claims/{id}': { get: { summary: 'A claim with its timeline', parameters: [id('claim id')], responses: { ...ok(ref('ClaimDetail')), ...notFound } } },
    '/v1/unmatched': {
      get: { summary: "Payers' statuses (277CA, 835) for claims not known here", parameters: [partner, query('claimNumber', 'CLM01 / CLP01'), limit], responses: ok(ref('ClaimEvents')) },
    },
  },
} as const;
