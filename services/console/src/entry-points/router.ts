/**
 * The console over HTTP: security headers on every answer, then who is asking (ALB OIDC
 * identity when trusted, a bearer token, or the session cookie), 401 for anyone else on every
 * page and API (with the login form as the body for browsers), the CSRF check on every POST,
 * and the pages. Replays need the operator role and are written to the audit log.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '@ediflow/logger';
import { Access, mayReplay, roleForGroups, type Identity, type Role } from '../domain/access';
import { SEARCH_KINDS, type DeadLetterQuery, type SearchKind } from '../domain/views';
import { ApiError, type DeadLetterAdminClient, type TrackingReader } from '../adapters/api-client';
import type { AuditLog } from '../adapters/audit-log';
import type { OidcUser } from '../adapters/alb-oidc';
import type { ServiceStatus } from '../adapters/service-probe';
import type { BrokerView } from '../domain/queues';
import { page, type Frame, type Html } from './html';
import * as pages from './pages';

export const SESSION_COOKIE = 'ediflow_console';
const LOGIN_COOKIE = 'ediflow_console_login';

export interface OidcTrust {
  verify(token: string | undefined): Promise<OidcUser | undefined>;
  groups: { operator: readonly string[]; readOnly: readonly string[] };
}

export interface ConsoleRouterDeps {
  logger: Logger;
  access: Access;
  /** Set in AWS behind the ALB's OIDC listener rule; bearer and session login stay available. */
  oidc?: OidcTrust;
  tracking: TrackingReader;
  deadLetters: DeadLetterAdminClient;
  audit: AuditLog;
  queues(): BrokerView[];
  services(): Promise<ServiceStatus[]>;
  /** How often pages refresh their live parts. */
  refreshMs: number;
  /** Mark cookies Secure (HTTPS in front). */
  secureCookies: boolean;
  clock?: () => Date;
}

const ASSETS = path.join(__dirname, '..', '..', 'assets');
const HEX64 = /^[0-9a-f]{64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

/** A query or form field as one trimmed string (first of repeats), or undefined. */
function field(source: unknown, name: string, max = 100): string | undefined {
  const v = (source as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  return t === '' ? undefined : t.slice(0, max);
}

function list(source: unknown, name: string): string[] {
  const v = (source as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string' && HEX64.test(x));
}

function dayRange(day: string | undefined): { from?: string; to?: string } {
  if (day === undefined || !DAY.test(day)) return {};
  const from = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(from.getTime())) return {};
  return { from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() };
}

function deadLetterQuery(source: unknown): DeadLetterQuery & { day?: string } {
  const day = field(source, 'day', 10);
  const range = dayRange(day);
  return {
    partnerId: field(source, 'partnerId', 63),
    subscriptionId: field(source, 'subscriptionId'),
    code: field(source, 'code', 40),
    since: range.from ?? field(source, 'since', 40),
    until: range.to ?? field(source, 'until', 40),
    day: range.from === undefined ? undefined : day,
  };
}

const wantsJson = (req: Request): boolean => req.path.startsWith('/api/') || !(req.get('accept') ?? '').includes('text/html');

export function createConsoleRouter(deps: ConsoleRouterDeps): Router {
  const { access } = deps;
  const clock = deps.clock ?? (() => new Date());
  const assets = {
    'console.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(path.join(ASSETS, 'console.js')) },
    'console.css': { type: 'text/css; charset=utf-8', body: readFileSync(path.join(ASSETS, 'console.css')) },
  };
  const cookieFlags = `; Path=/; HttpOnly; SameSite=Strict${deps.secureCookies ? '; Secure' : ''}`;
  const router = express.Router();

  router.use((_req, res, next) => {
    res.set({
      'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    next();
  });

  router.get('/assets/:name', (req, res, next) => {
    const asset = assets[req.params.name as keyof typeof assets];
    if (!asset) {
      next();
      return;
    }
    res.set('cache-control', 'no-cache').type(asset.type).send(asset.body);
  });

  router.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 12_000 }));
  router.use(express.json({ limit: '200kb' }));

  const render = (res: Response, status: number, frame: Frame, body: Html) => {
    res.status(status).type('html').send(page(frame, body));
  };

  /** The nonce cookie that binds the login form's CSRF token to this browser. */
  const loginCsrf = (req: Request, res: Response): string => {
    let nonce = cookies(req)[LOGIN_COOKIE];
    if (nonce === undefined || !/^[A-Za-z0-9_-]{22,64}$/.test(nonce)) {
      nonce = randomBytes(18).toString('base64url');
      res.append('set-cookie', `${LOGIN_COOKIE}=${nonce}${cookieFlags}; Max-Age=3600`);
    }
    return access.csrfToken(`login:${nonce}`);
  };

  const identify = async (req: Request): Promise<Identity | undefined> => {
    if (deps.oidc && req.get('x-amzn-oidc-data') !== undefined) {
      const user = await deps.oidc.verify(req.get('x-amzn-oidc-data'));
      const role: Role | undefined = user && roleForGroups(user.groups, deps.oidc.groups);
      return user && role ? { user: user.user, role, key: `oidc:${user.user}` } : undefined;
    }
    const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
    if (bearer) return access.identityForToken(bearer[1]);
    const session = cookies(req)[SESSION_COOKIE];
    return session === undefined ? undefined : access.readSession(session, clock().getTime());
  };

  const unauthorized = (req: Request, res: Response, message?: string) => {
    res.set('www-authenticate', 'Bearer realm="ediflow console"');
    if (wantsJson(req)) res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'sign in, or send a console bearer token' } });
    else render(res, 401, { title: 'Sign in' }, pages.loginPage(loginCsrf(req, res), message));
  };

  router.get('/login', (req, res) => {
    render(res, 200, { title: 'Sign in' }, pages.loginPage(loginCsrf(req, res)));
  });

  router.post('/login', (req, res) => {
    const nonce = cookies(req)[LOGIN_COOKIE];
    if (nonce === undefined || !access.checkCsrf(`login:${nonce}`, field(req.body, '_csrf', 200))) {
      render(res, 403, { title: 'Sign in' }, pages.loginPage(loginCsrf(req, res), 'The form expired: sign in again.'));
      return;
    }
    const identity = access.identityForToken(field(req.body, 'token', 500) ?? '');
    if (!identity) {
      deps.logger.warn('console sign-in refused');
      unauthorized(req, res, 'That token is not valid.');
      return;
    }
    res.append('set-cookie', `${SESSION_COOKIE}=${access.issueSession(identity, clock().getTime())}${cookieFlags}; Max-Age=${Math.floor(access.sessionTtlMs / 1000)}`);
    res.redirect(303, '/queues');
  });

  router.use((req: Request, res: Response, next: NextFunction) => {
    identify(req).then(
      (identity) => {
        if (!identity) {
          unauthorized(req, res);
          return;
        }
        res.locals.identity = identity;
        if (req.method === 'POST' && !access.checkCsrf(identity.key, field(req.body, '_csrf', 200) ?? req.get('x-csrf-token'))) {
          if (wantsJson(req)) res.status(403).json({ error: { code: 'CSRF', message: 'a valid CSRF token is required' } });
          else render(res, 403, frameOf(res, 'Forbidden'), pages.messagePage('The form expired or did not come from this console: reload the page and try again.'));
          return;
        }
        next();
      },
      (err: unknown) => next(err),
    );
  });

  const who = (res: Response): Identity => res.locals.identity as Identity;
  const frameOf = (res: Response, title: string, active?: Frame['active']): Frame => ({ title, active, identity: who(res), csrf: access.csrfToken(who(res).key) });

  /** GET handlers: errors from the APIs read become a page (or JSON) that names no input. */
  const get = (route: string, handler: (req: Request, res: Response) => Promise<void>) => {
    router.get(route, (req, res) => {
      handler(req, res).catch((err: unknown) => {
        const status = err instanceof ApiError && err.status === 400 ? 400 : 502;
        deps.logger.warn({ route, status, code: err instanceof ApiError ? err.code : 'CONSOLE_ERROR' }, 'console page failed');
        const message = status === 400 ? 'A filter value is not valid.' : 'A service the console reads is not available; try again shortly.';
        if (wantsJson(req)) res.status(status).json({ error: { code: status === 400 ? 'BAD_REQUEST' : 'UPSTREAM', message } });
        else render(res, status, frameOf(res, 'Error'), pages.messagePage(message));
      });
    });
  };

  const notFound = (res: Response, what: string) => render(res, 404, frameOf(res, 'Not found'), pages.messagePage(`No such ${what}.`));
  const refreshMs = Math.max(1000, deps.refreshMs);

  router.get('/', (_req, res) => res.redirect(303, '/queues'));
  router.get('/api/session', (_req, res) => {
    res.json({ user: who(res).user, role: who(res).role, csrf: access.csrfToken(who(res).key) });
  });

  router.get('/queues', (_req, res) => {
    render(res, 200, frameOf(res, 'Queues', 'queues'), pages.refreshing('/api/queues', pages.queuesFragment(deps.queues()), 'queues', refreshMs));
  });
  router.get('/api/queues', (_req, res) => {
    const brokers = deps.queues();
    res.json({ at: clock().toISOString(), brokers, html: pages.queuesFragment(brokers).text });
  });

  const filesQuery = (req: Request) => {
    const day = field(req.query, 'day', 10);
    return { partner: field(req.query, 'partner', 63), state: field(req.query, 'state', 20), day: dayRange(day).from === undefined ? undefined : day };
  };
  const listFiles = async (q: ReturnType<typeof filesQuery>) => (await deps.tracking.files({ partner: q.partner, state: q.state, ...dayRange(q.day), limit: 200 })).items;
  const filesUrl = (q: ReturnType<typeof filesQuery>) => {
    const p = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));
    return `/api/files${p.size > 0 ? `?${p.toString()}` : ''}`;
  };
  get('/files', async (req, res) => {
    const q = filesQuery(req);
    render(res, 200, frameOf(res, 'Files', 'files'), pages.filesPage(q, pages.filesFragment(await listFiles(q)), filesUrl(q)));
  });
  get('/api/files', async (req, res) => {
    const files = await listFiles(filesQuery(req));
    res.json({ at: clock().toISOString(), files, html: pages.filesFragment(files).text });
  });
  get('/files/:id', async (req, res) => {
    const id = String(req.params.id);
    const file = HEX64.test(id) ? await deps.tracking.file(id) : undefined;
    if (!file) notFound(res, 'file');
    else render(res, 200, frameOf(res, `File ${id.slice(0, 12)}…`, 'files'), pages.fileDetailPage(file));
  });
  get('/search', async (req, res) => {
    const kind = (SEARCH_KINDS as readonly string[]).includes(field(req.query, 'kind', 10) ?? '') ? (field(req.query, 'kind', 10) as SearchKind) : 'isa13';
    const q = field(req.query, 'q', 64) ?? '';
    if ((kind === 'file' || kind === 'claim') && HEX64.test(q)) {
      if (kind === 'file' || (await deps.tracking.claim(q))) {
        res.redirect(303, `/${kind === 'file' ? 'files' : 'claims'}/${q}`);
        return;
      }
    }
    const sets = kind === 'isa13' || kind === 'gs06' || kind === 'st02' ? (q === '' ? [] : await deps.tracking.transactions({ [kind]: q })) : [];
    const claims = kind === 'claim' && q !== '' && !HEX64.test(q) ? (await deps.tracking.claims({ claimNumber: q, limit: 50 })).items : [];
    render(res, 200, frameOf(res, 'Search', 'files'), pages.searchResultsPage(kind, q, sets, claims));
  });

  get('/claims', async (req, res) => {
    const q = { claimNumber: field(req.query, 'claimNumber', 38), partner: field(req.query, 'partner', 63) };
    render(res, 200, frameOf(res, 'Claims', 'claims'), pages.claimsPage(q, (await deps.tracking.claims({ ...q, limit: 100 })).items));
  });
  get('/claims/:id', async (req, res) => {
    const id = String(req.params.id);
    const claim = HEX64.test(id) ? await deps.tracking.claim(id) : undefined;
    if (!claim) notFound(res, 'claim');
    else render(res, 200, frameOf(res, `Claim ${claim.claimNumber}`, 'claims'), pages.claimDetailPage(claim));
  });

  get('/deadletters', async (req, res) => {
    const q = deadLetterQuery(req.query);
    const { day: _day, ...filter } = q;
    const rows = await deps.deadLetters.list({ ...filter, limit: 500 });
    render(res, 200, frameOf(res, 'Dead letters', 'deadletters'), pages.deadLettersPage(q, rows, access.csrfToken(who(res).key), mayReplay(who(res).role)));
  });
  get('/api/deadletters', async (req, res) => {
    const { day: _day, ...filter } = deadLetterQuery(req.query);
    res.json({ deadLetters: await deps.deadLetters.list({ ...filter, limit: 500 }) });
  });

  const operatorOnly = (req: Request, res: Response): boolean => {
    if (mayReplay(who(res).role)) return true;
    deps.logger.warn({ user: who(res).user }, 'console replay refused: read-only role');
    if (wantsJson(req)) res.status(403).json({ error: { code: 'FORBIDDEN', message: 'replay needs the operator role' } });
    else render(res, 403, frameOf(res, 'Forbidden', 'deadletters'), pages.messagePage('Replay needs the operator role.'));
    return false;
  };

  /** The replay a form or JSON body asks for: the filter, narrowed to the chosen ids for "selected". */
  const replayRequest = (body: unknown) => {
    const { day: _day, ...filter } = deadLetterQuery(body);
    const scope: 'selected' | 'all' = field(body, 'scope', 10) === 'all' ? 'all' : 'selected';
    const ids = list(body, 'messageId').concat(list(body, 'messageIds'));
    return { filter, scope, ids };
  };

  const replay = async (res: Response, r: ReturnType<typeof replayRequest>) => {
    const request = r.scope === 'selected' ? { ...r.filter, messageIds: r.ids } : r.filter;
    const result = await deps.deadLetters.replay(request);
    await deps.audit.record({
      at: clock().toISOString(),
      user: who(res).user,
      role: who(res).role,
      action: r.scope === 'selected' ? 'replay-selected' : 'replay-all-matching',
      target: Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined)),
      outcome: { replayed: result.replayed.length, failed: result.failed.length, messageIds: result.replayed.map((d) => d.messageId) },
    });
    deps.logger.info({ user: who(res).user, replayed: result.replayed.length, failed: result.failed.length }, 'console replay');
    return result;
  };

  const post = (route: string, handler: (req: Request, res: Response) => Promise<void>) => {
    router.post(route, (req, res) => {
      if (!operatorOnly(req, res)) return;
      handler(req, res).catch((err: unknown) => {
        deps.logger.error({ route, code: err instanceof ApiError ? err.code : 'CONSOLE_ERROR' }, 'console action failed');
        if (wantsJson(req)) res.status(502).json({ error: { code: 'UPSTREAM', message: 'the dead-letter admin is not available' } });
        else render(res, 502, frameOf(res, 'Error', 'deadletters'), pages.messagePage('The dead-letter admin is not available; nothing was replayed.'));
      });
    });
  };

  post('/deadletters/confirm', async (req, res) => {
    const r = replayRequest(req.body);
    if (r.scope === 'selected' && r.ids.length === 0) {
      render(res, 400, frameOf(res, 'Dead letters', 'deadletters'), pages.messagePage('Select at least one dead letter, or replay all matching.'));
      return;
    }
    const rows = (await deps.deadLetters.list({ ...r.filter, limit: 10_000 })).filter((d) => r.scope === 'all' || r.ids.includes(d.messageId));
    render(res, 200, frameOf(res, 'Confirm replay', 'deadletters'), pages.confirmReplayPage(r.filter, r.scope, rows, access.csrfToken(who(res).key)));
  });
  post('/deadletters/replay', async (req, res) => {
    const r = replayRequest(req.body);
    if (field(req.body, 'confirm', 5) !== 'yes' || (r.scope === 'selected' && r.ids.length === 0)) {
      render(res, 400, frameOf(res, 'Dead letters', 'deadletters'), pages.messagePage('Confirm the replay first.'));
      return;
    }
    render(res, 200, frameOf(res, 'Replay', 'deadletters'), pages.replayResultPage(await replay(res, r)));
  });
  post('/api/deadletters/replay', async (req, res) => {
    const r = replayRequest(req.body);
    if (r.scope === 'selected' && r.ids.length === 0) {
      res.status(400).json({ error: { code: 'BAD_REQUEST', message: 'give messageIds, or scope "all" with a filter' } });
      return;
    }
    res.json(await replay(res, r));
  });

  get('/services', async (_req, res) => {
    render(res, 200, frameOf(res, 'Services', 'services'), pages.refreshing('/api/services', pages.servicesFragment(await deps.services()), 'services', Math.max(refreshMs, 5000)));
  });
  get('/api/services', async (_req, res) => {
    const services = await deps.services();
    res.json({ at: clock().toISOString(), services, html: pages.servicesFragment(services).text });
  });

  get('/audit', async (_req, res) => {
    render(res, 200, frameOf(res, 'Audit log', 'audit'), pages.auditPage(await deps.audit.recent(200, clock())));
  });

  router.post('/logout', (_req, res) => {
    res.append('set-cookie', `${SESSION_COOKIE}=${cookieFlags}; Max-Age=0`);
    res.redirect(303, '/login');
  });

  // Anything else, signed in: a 404 page rather than falling through to the health app's JSON.
  router.use((req, res) => {
    if (wantsJson(req)) res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such page' } });
    else notFound(res, 'page');
  });
  return router;
}
