import { timingSafeEqual, createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { InvalidInputError } from '@ediflow/errors';
import type { DeadLetterFilter } from '../domain/dead-letter';
import type { DeadLetterAdmin } from './dead-letter-admin';

const filterSchema = z
  .object({
    messageIds: z.array(z.string().min(1)).max(10_000).optional(),
    subscriptionId: z.string().min(1).optional(),
    partnerId: z.string().min(1).optional(),
    code: z.string().min(1).optional(),
    since: z.iso.datetime().optional(),
    until: z.iso.datetime().optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
  })
  .strict();

function parseFilter(input: unknown): DeadLetterFilter {
  const r = filterSchema.safeParse(input ?? {});
  if (!r.success) throw new InvalidInputError('FILTER_INVALID', `filter invalid at: ${r.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
  return r.data;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/**
 * Dead-letter admin over HTTP, behind a bearer token (compared in constant time):
 *   GET  /deadletters?subscriptionId=&partnerId=&code=&limit=   list (no document bodies)
 *   POST /deadletters/replay        JSON filter body  -> replay matching
 *   POST /deadletters/:messageId/replay              -> replay one message (all its endpoints)
 */
export function createReplayRouter(options: { admin: DeadLetterAdmin; token: string }): Router {
  const router = express.Router();
  const expected = digest(options.token);
  router.use((req: Request, res: Response, next: NextFunction) => {
    const auth = req.get('authorization') ?? '';
    const m = /^Bearer (.+)$/i.exec(auth);
    if (!m || !timingSafeEqual(digest(m[1]), expected)) {
      res.status(401).set('www-authenticate', 'Bearer').json({ error: { code: 'UNAUTHORIZED', message: 'bearer token required' } });
      return;
    }
    next();
  });
  router.use(express.json({ limit: '1mb' }));
  router.get('/deadletters', async (req, res) => {
    res.json({ deadLetters: await options.admin.list(parseFilter(req.query)) });
  });
  router.post('/deadletters/replay', async (req, res) => {
    res.json(await options.admin.replay(parseFilter(req.body)));
  });
  router.post('/deadletters/:messageId/replay', async (req, res) => {
    res.json(await options.admin.replay({ messageIds: [String(req.params.messageId)] }));
  });
  return router;
}
