// Reading what a workflow history holds, the way someone with access to the Temporal server sees it.
import type { temporal } from '@temporalio/proto';
import { AesGcmPayloadCodec, type PayloadKeys } from '../../lib/payload-codec';

type Payload = temporal.api.common.v1.IPayload;

/**
 * Every payload of a history, however deep in its events, but two kinds the SDK and the server keep
 * plain by design: search attributes (indexed by the server; ours hold statuses, lights and
 * deadlines) and a local activity marker's own bookkeeping (`details.data`: sequence number,
 * activity type, attempt, times). The activity's input and result are payloads of their own.
 */
export function payloadsOf(value: unknown, found: Payload[] = [], key = ''): Payload[] {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v.data instanceof Uint8Array && v.metadata && typeof v.metadata === 'object') found.push(v);
    else {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'searchAttributes' || (key === 'details' && k === 'data')) continue;
        payloadsOf(child, found, k);
      }
    }
  }
  return found;
}

/** The text of every payload of a history, decrypted with the project's keys. */
export async function decryptedText(history: temporal.api.history.v1.IHistory, keys: PayloadKeys): Promise<string> {
  const opened = await new AesGcmPayloadCodec(keys).decode(payloadsOf(history.events));
  return opened.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
}
