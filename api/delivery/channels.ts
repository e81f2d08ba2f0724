// The real channels a delivery goes out on: email over SMTP (nodemailer) and SMS through a gateway.
// Each send carries the delivery's id as its idempotency key: the SMS gateway dedupes on it, the
// email carries it in a stable Message-ID (see api/delivery/dispatcher.ts for why that matters).
// A failure says whether retrying can help (`permanent`).
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../lib/config';

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** True when the same message will never get through (a refused address): no retry. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface EmailMessage {
  /** The delivery id: the Message-ID is built from it, so a resend is the same message. */
  id: string;
  to: string;
  subject: string;
  text: string;
}

export interface EmailChannel {
  send(message: EmailMessage): Promise<void>;
  close(): void;
}

export interface SmsMessage {
  /** The delivery id, the gateway's idempotency key: the same id twice is one SMS. */
  id: string;
  to: string;
  text: string;
}

/** What the center's SMS provider must offer: accept a message once per id. */
export interface SmsGateway {
  send(message: SmsMessage): Promise<void>;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * An SMS gateway over HTTP: `POST SMS_GATEWAY_URL` with JSON `{to, text, id}` (and the header
 * `Idempotency-Key: id`). A 2xx answer means accepted; a 4xx other than 408, 409 and 429 means the
 * message is refused for good; anything else (5xx, no answer, timeout) is retried.
 */
export class HttpSmsGateway implements SmsGateway {
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async send(m: SmsMessage): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': m.id },
        body: JSON.stringify({ to: m.to, text: m.text, id: m.id }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new DeliveryError(`SMS gateway did not answer: ${errorText(err)}`, false);
    }
    const answer = (await res.text().catch(() => '')).slice(0, 300);
    if (res.ok) return;
    const permanent = res.status >= 400 && res.status < 500 && ![408, 409, 429].includes(res.status);
    throw new DeliveryError(`SMS gateway answered ${res.status}${answer ? `: ${answer}` : ''}`, permanent);
  }
}

/** The domain of an address such as `"中心" <noreply@center.gov.cn>`, for Message-IDs. */
function domainOf(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return m?.[1] ?? 'localhost';
}

/** Email over SMTP (`SMTP_URL`, e.g. smtp://user:pass@mail.internal:587; smtps:// for implicit TLS). */
export class SmtpEmailChannel implements EmailChannel {
  private readonly transport: Transporter;
  private readonly domain: string;

  constructor(
    url: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    this.transport = nodemailer.createTransport({
      url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    this.domain = domainOf(from);
  }

  async send(m: EmailMessage): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        // Stable per delivery: a resend after a crash is recognisably the same message.
        messageId: `<${m.id}@${this.domain}>`,
        headers: { 'X-Delivery-Id': m.id },
      });
    } catch (err) {
      const code = (err as { responseCode?: unknown }).responseCode;
      // 5xx: the server refuses this message for good (unknown mailbox, policy); 4xx and network errors pass.
      const permanent = typeof code === 'number' && code >= 500 && code < 600;
      throw new DeliveryError(`SMTP: ${errorText(err)}`, permanent);
    }
  }

  close(): void {
    this.transport.close();
  }
}

export interface Channels {
  email?: EmailChannel;
  sms?: SmsGateway;
}

/** The channels the configuration turns on (an unset URL leaves its channel off). */
export function channelsFrom(config: Config): Channels {
  const timeout = config.delivery.sendTimeoutMs;
  return {
    ...(config.smtpUrl ? { email: new SmtpEmailChannel(config.smtpUrl, config.smtpFrom, timeout) } : {}),
    ...(config.smsGatewayUrl ? { sms: new HttpSmsGateway(config.smsGatewayUrl, timeout) } : {}),
  };
}
