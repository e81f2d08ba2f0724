import pino, { type Logger } from 'pino';

/** Fields that hold a secret, wherever they appear (up to two levels down): never logged. */
const SECRET_FIELDS = ['password', 'currentPassword', 'newPassword', 'temporaryPassword', 'token'];

/** JSON logs; secrets never reach them (authorization headers and passwords are redacted). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.query.password',
          // The sign-in answer sets the codec cookie, which carries the token.
          'res.headers["set-cookie"]',
          ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** A request URL with secret query parameters (the public lookups' query password) replaced. */
export const redactUrl = (url: string | undefined): string | undefined =>
  url?.replace(/([?&](?:password|token)=)[^&#]*/gi, '$1[redacted]');

export type { Logger };
