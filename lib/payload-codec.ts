// Temporal payloads encrypted at rest: every workflow input, Update argument and result, signal,
// query answer, activity (and local activity) input and result, memo and failure detail that the
// client or the worker sends to Temporal is sealed with AES-256-GCM before it leaves the process,
// so the Temporal server, its database and anyone with its Web UI see ciphertext only. The Web UI
// decodes through the API's codec endpoint (api/routes/codec.ts), for supervisors and admins only.
//
// Keys: several, each with an id; the first encrypts, all decrypt (rotation: put the new key first,
// keep the old ones until no open workflow history holds their payloads). The key id travels in
// each payload's metadata. Payloads written without encryption (before it was turned on, or by a
// test harness without it) pass through decode unchanged.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_HEADER = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

export interface PayloadKeys {
  /** Encrypts new payloads. */
  readonly activeKeyId: string;
  /** Every key that may have encrypted a payload still in a history, by id. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

export class UnknownPayloadKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`payload encrypted with unknown key id '${keyId}': add that key to PAYLOAD_KEYS (id:base64) to read it`);
    this.name = 'UnknownPayloadKeyError';
  }
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {
    if (!keys.keys.has(keys.activeKeyId)) throw new Error(`the active payload key '${keys.activeKeyId}' is missing`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.keys.get(this.keys.activeKeyId)!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_HEADER]: utf8(this.keys.activeKeyId) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_HEADER]) ?? '(none)';
      const key = this.keys.keys.get(keyId);
      if (!key) throw new UnknownPayloadKeyError(keyId);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** `id:base64key,id:base64key`, the first one active; every key 32 bytes (AES-256). */
export function parsePayloadKeys(spec: string): PayloadKeys {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(':');
      const id = entry.slice(0, at);
      const key = Buffer.from(entry.slice(at + 1), 'base64');
      if (at < 1 || !/^[\w.-]{1,40}$/.test(id))
        throw new Error(`payload key '${entry.slice(0, 12)}…' needs the form id:base64`);
      if (key.length !== 32)
        throw new Error(`payload key '${id}' must be 32 bytes (base64 of 32 random bytes), got ${key.length}`);
      return [id, key] as const;
    });
  if (entries.length === 0) throw new Error('PAYLOAD_KEYS names no key');
  const keys = new Map(entries);
  if (keys.size !== entries.length) throw new Error('PAYLOAD_KEYS names a key id twice');
  return { activeKeyId: entries[0]![0], keys };
}

export const newPayloadKeySpec = (id = 'k1') => `${id}:${randomBytes(32).toString('base64')}`;

/**
 * PAYLOAD_KEYS, else the file DATA_DIR/payload-keys (created with one new key on first use, like the
 * generated JWT secret: fine for one machine; processes on several machines need PAYLOAD_KEYS).
 */
export function resolvePayloadKeys(explicit: string | undefined, dataDir: string): PayloadKeys {
  if (explicit) return parsePayloadKeys(explicit);
  const file = path.join(dataDir, 'payload-keys');
  try {
    return parsePayloadKeys(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    fs.mkdirSync(dataDir, { recursive: true });
    // Written whole under a temporary name, then linked into place: a process starting beside this
    // one either finds no file or the complete one, and the first link wins.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(draft, newPayloadKeySpec(), { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(draft, { force: true });
    }
    return parsePayloadKeys(fs.readFileSync(file, 'utf8'));
  }
}

/** The data converter of every client and worker of the project. */
export const dataConverterFor = (keys: PayloadKeys) => ({ payloadCodecs: [new AesGcmPayloadCodec(keys)] });
