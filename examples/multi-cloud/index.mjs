// One envelope, two clouds: the data key is wrapped under every key in
// ENVELOPE_KEYS at once, so either cloud alone can open it, and an outage
// of one of them does not stop decryption.
//   ENVELOPE_KEYS="awskms:///arn:aws:kms:...,gcpkms://projects/..." node index.mjs seal message.env "some text"
//   ENVELOPE_KEYS="awskms:///arn:aws:kms:...,gcpkms://projects/..." node index.mjs open message.env
import { readFile, writeFile } from 'node:fs/promises';
import { createEnvelopeService, inspect, loadConfig } from '@envelope-kit/core';

const [command, file, text] = process.argv.slice(2);
const envelopes = await createEnvelopeService(await loadConfig());

if (command === 'seal' && file && text !== undefined) {
  const sealed = await envelopes.encrypt(text, { app: 'multi-cloud' });
  await writeFile(file, sealed);
  const { wrappedKeys } = await inspect(sealed);
  console.log(`sealed under ${wrappedKeys.length} keys: ${wrappedKeys.map((k) => k.providerId).join(' + ')}`);
} else if (command === 'open' && file) {
  // The keyring tries each wrapped key in turn; a cloud that is down is skipped after its retries.
  const { plaintext } = await envelopes.decrypt(await readFile(file), { app: 'multi-cloud' });
  console.log(Buffer.from(plaintext).toString('utf8'));
} else {
  console.error('usage: node index.mjs seal FILE TEXT | open FILE   (keys from ENVELOPE_KEYS)');
  process.exit(2);
}
