import pino, { type Logger } from 'pino';

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
          'password',
          '*.password',
          'token',
          '*.token',
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
