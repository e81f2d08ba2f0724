import pino, { type Logger } from 'pino';

/** JSON logs; secrets never reach them (authorization headers and passwords are redacted). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', 'token', '*.token'],
      censor: '[redacted]',
    },
  });
}
export type { Logger };
