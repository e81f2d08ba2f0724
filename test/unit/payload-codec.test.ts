import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Payload } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  parsePayloadKeys,
  resolvePayloadKeys,
  UnknownPayloadKeyError,
} from '../../lib/payload-codec';

const key = () => randomBytes(32).toString('base64');
const plain = (text: string): Payload => ({
  metadata: { encoding: new TextEncoder().encode('json/plain') },
  data: new TextEncoder().encode(JSON.stringify(text)),
});
const textOf = (p: Payload) => Buffer.from(p.data!).toString('utf8');

describe('the payload codec', () => {
  it('seals each payload with the active key, its id in the metadata, and opens it again', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(`k1:${key()}`));
    const [sealed] = await codec.encode([plain('选址不符合规划要求')]);
    expect(Buffer.from(sealed!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    expect(Buffer.from(sealed!.data!).toString('utf8')).not.toContain('规划');
    const [opened] = await codec.decode([sealed!]);
    expect(textOf(opened!)).toBe('"选址不符合规划要求"');
    // Two seals of the same text differ (a fresh IV each time).
    const [again] = await codec.encode([plain('选址不符合规划要求')]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(sealed!.data!))).toBe(false);
  });

  it('after a rotation, payloads sealed with the old key still open; without the old key, the error names its id', async () => {
    const k1 = key();
    const old = new AesGcmPayloadCodec(parsePayloadKeys(`k1:${k1}`));
    const [sealed] = await old.encode([plain('补正材料清单')]);
    const rotated = new AesGcmPayloadCodec(parsePayloadKeys(`k2:${key()},k1:${k1}`));
    expect(textOf((await rotated.decode([sealed!]))[0]!)).toBe('"补正材料清单"');
    expect(Buffer.from((await rotated.encode([plain('x')]))[0]!.metadata!['encryption-key-id']!).toString()).toBe('k2');
    const withoutOld = new AesGcmPayloadCodec(parsePayloadKeys(`k2:${key()}`));
    await expect(withoutOld.decode([sealed!])).rejects.toThrow(UnknownPayloadKeyError);
    await expect(withoutOld.decode([sealed!])).rejects.toThrow(/unknown key id 'k1'/);
  });

  it('refuses a payload that was altered, and passes plain payloads through', async () => {
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(`k1:${key()}`));
    const [sealed] = await codec.encode([plain('不予许可')]);
    const altered = Buffer.from(sealed!.data!);
    altered[20] = altered[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data: altered }])).rejects.toThrow();
    expect(textOf((await codec.decode([plain('明文')]))[0]!)).toBe('"明文"');
  });

  it('reads keys as id:base64 (32 bytes), the first active, and says what is wrong', () => {
    expect(parsePayloadKeys(`a:${key()}, b:${key()}`).activeKeyId).toBe('a');
    expect(() => parsePayloadKeys('')).toThrow(/no key/);
    expect(() => parsePayloadKeys(`k1:${randomBytes(16).toString('base64')}`)).toThrow(/'k1' must be 32 bytes/);
    expect(() => parsePayloadKeys(key())).toThrow(/id:base64/);
    const k = key();
    expect(() => parsePayloadKeys(`k1:${k},k1:${k}`)).toThrow(/twice/);
  });

  it('without PAYLOAD_KEYS, one key is generated in DATA_DIR and every process reads the same', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payload-keys-'));
    const first = resolvePayloadKeys(undefined, dir);
    const second = resolvePayloadKeys(undefined, dir);
    expect(second.keys.get(second.activeKeyId)!.equals(first.keys.get(first.activeKeyId)!)).toBe(true);
    expect(fs.statSync(path.join(dir, 'payload-keys')).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['payload-keys']);
  });
});
