// Regenerates docs/vectors/v1.json, the format test vectors that
// packages/core/test/vectors.test.ts and packages/provider-local/test/vectors.test.ts replay.
// Run after `npm run build`: node scripts/make-vectors.mjs
// Each vector records its data key, so a reader can check the key schedule
// without RSA, and the RSA private key, so it can check the local wrapping too.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { encrypt, inspect } from '@envelope-kit/core';
import { localKeyWrapper } from '@envelope-kit/provider-local';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' });
const local = localKeyWrapper(privateKey);

/** A keyring that wraps one chosen data key, so the vector can publish it. */
const fixedDataKey = (dataKey) => ({
  async newDataKey(_length, context) {
    return { dataKey: Buffer.from(dataKey), wrappedKeys: [await local.wrap(dataKey, context)] };
  },
  async unwrapDataKey() {
    throw new Error('generation only');
  },
});

const text = (s) => Buffer.from(s, 'utf8');
const cases = [
  { name: 'empty plaintext, empty context', frameSize: 64, context: {}, plaintext: Buffer.alloc(0) },
  { name: 'one byte', frameSize: 64, context: { purpose: 'vector' }, plaintext: text('!') },
  { name: 'one frame minus one', frameSize: 64, context: { a: '1' }, plaintext: Buffer.alloc(63, 0x61) },
  { name: 'exactly two frames (empty final frame)', frameSize: 64, context: { a: '1', b: '2' }, plaintext: Buffer.alloc(128, 0x62) },
  {
    name: 'several frames, Unicode context',
    frameSize: 100,
    context: { tenant: 'acme', 'ключ': 'значение ✉' },
    plaintext: text('Envelope Kit test vector. '.repeat(12)),
  },
  { name: 'default frame size', frameSize: 65536, context: { size: 'default' }, plaintext: text('small message, default frames') },
];

const vectors = [];
for (const c of cases) {
  const dataKey = randomBytes(32);
  const envelope = Buffer.from(await encrypt(c.plaintext, { keyring: fixedDataKey(dataKey), context: c.context, frameSize: c.frameSize }));
  const info = await inspect(envelope);
  vectors.push({
    name: c.name,
    frameSize: c.frameSize,
    context: c.context,
    messageIdHex: info.messageId,
    dataKeyHex: dataKey.toString('hex'),
    keyId: local.keyId,
    plaintextHex: c.plaintext.toString('hex'),
    envelopeHex: envelope.toString('hex'),
  });
}

// Invalid envelopes, each derived from the multi-frame vector, with the error a reader must give.
const base = Buffer.from(vectors[4].envelopeHex, 'hex');
const headerLength = (await inspect(base)).headerLength;
const frame = 1 + 100 + 16;
const edit = (fn) => {
  const copy = Buffer.from(base);
  fn(copy);
  return copy;
};
const invalid = [
  { name: 'wrong magic', code: 'MALFORMED', bytes: edit((b) => b.write('ENVX', 0, 'latin1')) },
  { name: 'version 2', code: 'UNSUPPORTED_VERSION', bytes: edit((b) => (b[4] = 2)) },
  { name: 'unknown suite', code: 'UNSUPPORTED_SUITE', bytes: edit((b) => b.writeUInt16BE(0x0099, 5)) },
  { name: 'header tag altered', code: 'INTEGRITY_FAILURE', bytes: edit((b) => (b[headerLength - 1] ^= 1)) },
  { name: 'commitment altered', code: 'INTEGRITY_FAILURE', bytes: edit((b) => (b[headerLength - 33] ^= 1)) },
  { name: 'first frame tag altered', code: 'INTEGRITY_FAILURE', bytes: edit((b) => (b[headerLength + frame - 1] ^= 1)) },
  {
    name: 'first two frames swapped',
    code: 'INTEGRITY_FAILURE',
    bytes: Buffer.concat([
      base.subarray(0, headerLength),
      base.subarray(headerLength + frame, headerLength + 2 * frame),
      base.subarray(headerLength, headerLength + frame),
      base.subarray(headerLength + 2 * frame),
    ]),
  },
  { name: 'final frame missing', code: 'TRUNCATED', bytes: base.subarray(0, headerLength + 3 * frame) },
  { name: 'last byte missing', code: 'TRUNCATED', bytes: base.subarray(0, base.length - 1) },
  { name: 'byte after the final frame', code: 'MALFORMED', bytes: Buffer.concat([base, Buffer.of(0)]) },
].map(({ name, code, bytes }) => ({ name, code, envelopeHex: bytes.toString('hex') }));

const file = new URL('../docs/vectors/v1.json', import.meta.url);
const document = {
  description: 'Envelope Kit format v1 test vectors (docs/format.md). Invalid vectors derive from "several frames, Unicode context".',
  generatedBy: 'scripts/make-vectors.mjs',
  localPrivateKeyPem: privateKeyPem,
  vectors,
  invalid,
};
await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
console.log(`wrote ${vectors.length} vectors and ${invalid.length} invalid envelopes to ${file.pathname}`);
