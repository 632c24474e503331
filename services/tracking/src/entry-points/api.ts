/**
 * The tracking API (read-only, for an ops role): files, transaction sets, claims and their
 * timelines, behind a bearer token compared in constant time. Every query parameter is
 * checked against a pattern before it reaches the store (which binds it as a parameter): a
 * value that is not an id, a code or a date is a 400 naming the parameter.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { claimStatusSchema } from '@ediflow/tracking';
import { InvalidCursorError, type TrackingStore } from '../adapters/tracking-store';
import { OPENAPI } from './openapi';

const partner = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/);
const controlNumber = z.string().regex(/^[A-Za-z0-9]{1,15}$/);
const when = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const limit = z.coerce.number().int().min(1).max(500).default(50);
const cursor = z.string().regex(/^[A-Za-z0-9_-]{1,400}$/);
/** CLM01 is up to 38 characters; the 837 allows letters, digits and a few marks. */
const claimNumber = z.string().regex(/^[A-Za-z0-9 .\-/#*]{1,38}$/);
const hexId = z.string().regex(/^[0-9a-f]{64}$/);

const filesQuery = z.strictObject({
  partner: partner.optional(),
  state: z.enum(['received', 'quarantined', 'translated', 'rejected']).optional(),
  from: when.optional(),
  to: when.optional(),
  cursor: cursor.optional(),
  limit,
});
const transactionsQuery = z
  .strictObject({ isa13: controlNumber.optional(), gs06: controlNumber.optional(), st02: controlNumber.optional(), partner: partner.optional(), limit })
  .refine((q) => q.isa13 !== undefined || q.gs06 !== undefined || q.st02 !== undefined, { message: 'give at least one of isa13, gs06, st02', path: ['isa13'] });
const claimsQuery = z.strictObject({
  partner: partner.optional(),
  claimNumber: claimNumber.optional(),
  status: claimStatusSchema.optional(),
  from: when.optional(),
  to: when.optional(),
  cursor: cursor.optional(),
  limit,
});
const unmatchedQuery = z.strictObject({ partner: partner.optional(), claimNumber: claimNumber.optional(), limit });

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

class BadRequest extends Error {
  constructor(readonly fields: string[]) {
    super('bad request');
  }
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new BadRequest([...new Set(r.error.issues.map((i) => i.path.join('.') || '(query)'))]);
  return r.data;
}

/** GET routes only; `handler` gets the parsed query and path id. */
type Handler = (req: Request) => Promise<unknown>;

export function createTrackingApi(options: { store: TrackingStore; token: string }): Router {
  const { store } = options;
  const expected = digest(options.token);
  const router = express.Router();

  router.get('/v1/openapi.json', (_req, res) => {
    res.json(OPENAPI);
  });

  router.use('/v1', (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer (.+)$/.exec(header);
    if (!m || !timingSafeEqual(digest(m[1]), expected)) {
      res.status(401).set('www-authenticate', 'Bearer').json({ code: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
      return;
    }
    next();
  });

  const route = (path: string, handler: Handler) => {
    router.get(path, (req, res, next) => {
      handler(req).then(
        (body) => {
          if (body === undefined) res.status(404).json({ code: 'NOT_FOUND', message: 'no such record' });
          else res.json(body);
        },
        (err: unknown) => {
          if (err instanceof BadRequest) res.status(400).json({ code: 'BAD_REQUEST', message: `invalid query parameters: ${err.fields.join(', ')}`, fields: err.fields });
          else if (err instanceof InvalidCursorError) res.status(400).json({ code: 'BAD_REQUEST', message: err.message, fields: ['cursor'] });
          else next(err);
        },
      );
    });
  };

  route('/v1/files', async (req) => {
    const q = parse(filesQuery, req.query);
    return store.listFiles({ partnerId: q.partner, state: q.state, from: q.from, to: q.to, cursor: q.cursor, limit: q.limit });
  });
  route('/v1/files/:id', async (req) => store.getFile(parse(hexId, req.params.id)));
  route('/v1/transactions', async (req) => {
    const q = parse(transactionsQuery, req.query);
    return { items: await store.findTransactions({ isa13: q.isa13, gs06: q.gs06, st02: q.st02, partnerId: q.partner, limit: q.limit }) };
  });
  route('/v1/claims', async (req) => {
    const q = parse(claimsQuery, req.query);
    return store.listClaims({ partnerId: q.partner, claimNumber: q.claimNumber, status: q.status, from: q.from, to: q.to, cursor: q.cursor, limit: q.limit });
  });
  route('/v1/claims/:id', async (req) => store.getClaim(parse(hexId, req.params.id)));
  route('/v1/unmatched', async (req) => {
    const q = parse(unmatchedQuery, req.query);
    return { items: await store.listUnmatched({ partnerId: q.partner, claimNumber: q.claimNumber, limit: q.limit }) };
  });
  return router;
}
