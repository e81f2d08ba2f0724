// Real local receivers for the delivery channels: an SMTP server (the `smtp-server` package) that
// keeps every message it accepts, and an SMS gateway over HTTP (node:http) that speaks the
// gateway contract of api/delivery/channels.ts: POST JSON {to, text, id}, one SMS per id.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  headers: Record<string, string>;
  subject: string;
  text: string;
  messageId: string;
}

/** Decodes RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=) in a header value. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parses a single-part text message as the sender wrote it: headers, decoded subject and body. */
export function parseMail(raw: string): Omit<ReceivedMail, 'from' | 'to'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return {
    headers,
    subject: decodeWords(headers.subject ?? ''),
    text: text.replace(/\r\n/g, '\n').trimEnd(),
    messageId: headers['message-id'] ?? '',
  };
}

export interface LocalSmtp {
  url: string;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/** A local SMTP server without TLS or authentication that keeps every message it accepts. */
export async function startSmtpServer(): Promise<LocalSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...parseMail(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface GatewayRequest {
  id: string;
  to: string;
  text: string;
  idempotencyKey: string | undefined;
  /** What the gateway answered. */
  status: number;
}

export interface LocalSmsGateway {
  url: string;
  /** Every request, in order of arrival. */
  requests: GatewayRequest[];
  /** The SMS sent to phones: one per id, however often it was posted. */
  sent: Map<string, { to: string; text: string }>;
  /** Answer the next n requests with 500. */
  failNext(n: number): void;
  /** Answer every request with 500 until set false. */
  failAll(on: boolean): void;
  /** Wait this long before answering each request. */
  delayMs: number;
  close(): Promise<void>;
}

/** A local SMS gateway: POST {to, text, id}; an id already accepted is answered 200 again without a second SMS. */
export async function startSmsGateway(): Promise<LocalSmsGateway> {
  let failures = 0;
  let failing = false;
  const gateway: Omit<LocalSmsGateway, 'url' | 'close'> = {
    requests: [],
    sent: new Map(),
    failNext: (n) => {
      failures = n;
    },
    failAll: (on) => {
      failing = on;
    },
    delayMs: 0,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: object) => {
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        }, gateway.delayMs);
      };
      let message: { to?: unknown; text?: unknown; id?: unknown };
      try {
        message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, { error: 'not JSON' });
      }
      const { to, text, id } = message;
      if (req.method !== 'POST' || typeof to !== 'string' || typeof text !== 'string' || typeof id !== 'string') {
        return answer(400, { error: 'POST {to, text, id}' });
      }
      const failNow = failing || failures > 0;
      if (failures > 0) failures--;
      const status = failNow ? 500 : 200;
      gateway.requests.push({ id, to, text, idempotencyKey: req.headers['idempotency-key'] as string, status });
      if (failNow) return answer(500, { error: 'gateway down' });
      const duplicate = gateway.sent.has(id);
      if (!duplicate) gateway.sent.set(id, { to, text });
      answer(200, { id, duplicate });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(gateway, {
    url: `http://127.0.0.1:${port}/sms`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as LocalSmsGateway;
}
