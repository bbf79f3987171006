import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode, encode } from '../../../src/audit/input/decode.ts';

const text = 'kind: ConfigMap\ndata: {owner: "Jérôme 日本"}\n';

test('UTF-8 with and without a byte-order mark is read as is', () => {
  assert.deepEqual(decode(Buffer.from(text)), { ok: true, text, encoding: undefined });
  const bom = decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
  assert.equal(bom.ok && bom.text, `\ufeff${text}`);
});

test('UTF-16 with a byte-order mark, both byte orders, round-trips through encode', () => {
  for (const encoding of ['utf-16le', 'utf-16be'] as const) {
    const bytes = encode(text, encoding);
    const decoded = decode(bytes as Uint8Array);
    assert.deepEqual(decoded, { ok: true, text, encoding });
    assert.deepEqual(
      Buffer.from(encode(text, encoding) as Uint8Array),
      Buffer.from(bytes as Uint8Array),
    );
  }
});

test('Latin-1 and UTF-16 without a byte-order mark are refused with the reason', () => {
  const latin1 = decode(Buffer.from(text, 'latin1'));
  assert.equal(latin1.ok, false);
  assert.match(latin1.ok ? '' : latin1.reason, /not UTF-8 \(byte 0xE9 at offset 32/);
  const utf16 = decode(Buffer.from(text, 'utf16le'));
  assert.match(utf16.ok ? '' : utf16.reason, /UTF-16 without a byte-order mark/);
});
