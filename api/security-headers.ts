// Response headers that harden the browser side (helmet), fitted to what this server serves: the
// web UI (Vite's build: module scripts and style sheets from this origin, no inline script) and
// Swagger UI at /docs (its bundle, and the initializer served as a file by api/openapi.ts).
//
// Content-Security-Policy: scripts, styles, fonts, images and fetches from this origin only (images
// also as data: URLs, which Swagger UI's style sheet uses for its icons); no inline script, no inline
// <style>, no plugins, no framing, forms post only here. React and Swagger UI set element styles
// through the DOM (CSSOM), which style-src does not restrict, so 'unsafe-inline' is not needed.
//
// Strict-Transport-Security only on a request that arrived over TLS (req.secure: directly, or
// through a proxy the app trusts reporting X-Forwarded-Proto https): sent over plain HTTP it would
// be ignored by browsers at best, and a development server on http://localhost must not pin HTTPS.
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

export const HSTS_HEADER = 'max-age=31536000; includeSubDomains';

export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      strictTransportSecurity: false,
    }),
    (req, res, next) => {
      if (req.secure) res.setHeader('Strict-Transport-Security', HSTS_HEADER);
      next();
    },
  ];
}
