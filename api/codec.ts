// The codec endpoint of the Temporal Web UI (its "Data Encoder"): POST /codec/decode turns the
// encrypted payloads the UI shows into readable ones, for a signed-in supervisor or admin only;
// POST /codec/encode does the reverse (for payloads typed into the UI). The protocol is Temporal's
// remote codec: `{payloads: [{metadata: {k: base64}, data: base64}]}` both ways.
//
// The UI calls from its own origin (TEMPORAL_UI_URL) with the browser's credentials when its
// "Include cross-origin credentials" setting is on: signing in to this system's web UI as a
// supervisor or admin sets the `ja_codec` cookie (HttpOnly, SameSite=Strict, path /codec only), so
// the same browser can read payloads in the Temporal UI; a Bearer token works too (scripts, tctl).
import { Router, type Request, type Response } from 'express';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { AesGcmPayloadCodec, UnknownPayloadKeyError } from '../lib/payload-codec';
import { authenticate } from './authorize';
import type { UserView } from './auth';
import type { AppDeps } from './deps';
import { badRequest, forbidden, HttpError } from './errors';

export const CODEC_COOKIE = 'ja_codec';
const READERS = new Set(['supervisor', 'admin']);

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const CodecBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(1000),
});

const fromWire = (p: z.infer<typeof CodecBody>['payloads'][number]): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/** The cookie's value from a Cookie header (no cookie parser needed for one name). */
export function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** Sets (or clears) the codec cookie on a sign-in answer: only readers of payloads get one. */
export function setCodecCookie(req: Request, res: Response, user: UserView, token: string, ttlSeconds: number): void {
  const options = { httpOnly: true, sameSite: 'strict' as const, path: '/codec', secure: req.secure };
  if (READERS.has(user.role)) res.cookie(CODEC_COOKIE, token, { ...options, maxAge: ttlSeconds * 1000 });
  else res.clearCookie(CODEC_COOKIE, options);
}

export function createCodecRouter(deps: Pick<AppDeps, 'db' | 'config'>): Router {
  const router = Router();
  const codec = new AesGcmPayloadCodec(deps.config.payloadKeys);
  const uiOrigin = new URL(deps.config.temporalUiUrl).origin;

  router.use('/codec', (req, res, next) => {
    if (req.headers.origin === uiOrigin) {
      res.set({
        'Access-Control-Allow-Origin': uiOrigin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });

  const handle = (op: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : cookie(req, CODEC_COOKIE);
    if (!token) throw new HttpError(401, 'unauthenticated', 'sign in as a supervisor or admin to read payloads');
    const user = await authenticate(token, deps.db, deps.config.jwtSecret);
    if (!READERS.has(user.role) || user.mustChangePassword) throw forbidden('payloads are for supervisors and admins');
    const parsed = CodecBody.safeParse(req.body);
    if (!parsed.success) {
      throw badRequest(
        'the body must be {payloads: [{metadata, data}]} with base64 values',
        parsed.error.issues.map((i) => ({ field: ['body', ...i.path].join('.'), message: i.message })),
      );
    }
    const payloads = parsed.data.payloads.map(fromWire);
    try {
      const out = op === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
      res.json({ payloads: out.map(toWire) });
    } catch (err) {
      if (err instanceof UnknownPayloadKeyError) {
        throw badRequest(err.message, [{ field: 'body.payloads', message: `unknown key id ${err.keyId}` }]);
      }
      if (err instanceof Error && /unable to authenticate|Unsupported state/.test(err.message)) {
        throw badRequest(
          'a payload does not decrypt with its key (altered, or sealed with another key of the same id)',
        );
      }
      throw err;
    }
  };
  router.post('/codec/decode', handle('decode'));
  router.post('/codec/encode', handle('encode'));
  return router;
}
