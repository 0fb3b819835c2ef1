// One program, any key service: the keys come from configuration only.
//   ENVELOPE_KEYS=local:./key.pem                    node index.mjs write ./records
//   ENVELOPE_KEYS=awskms:///arn:aws:kms:...          node index.mjs write ./records
//   ENVELOPE_KEYS=gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k ...
//   ENVELOPE_KEYS=azurekeyvault://v.vault.azure.net/keys/k ... / vault://transit/keys/k
// `write DIR` encrypts a few records into DIR, one envelope per file;
// `read DIR` decrypts them back and prints them. ENVELOPE_CONFIG may name a
// JSON or YAML file with more settings (decryptKeys, cache, providers...).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createEnvelopeService, loadConfig } from '@envelope-kit/core';

const [command, dir] = process.argv.slice(2);
if (!['write', 'read'].includes(command) || !dir) {
  console.error('usage: node index.mjs write|read DIR   (keys from ENVELOPE_KEYS or ENVELOPE_CONFIG)');
  process.exit(2);
}

const envelopes = await createEnvelopeService(await loadConfig());
const records = [
  { id: 'r1', name: 'Ada Lovelace', card: '4242 4242 4242 4242' },
  { id: 'r2', name: 'Alan Turing', card: '5555 5555 5555 4444' },
  { id: 'r3', name: 'Grace Hopper', card: '3782 822463 10005' },
];

if (command === 'write') {
  await mkdir(dir, { recursive: true });
  for (const record of records) {
    // The record id is bound to its envelope: a file renamed or swapped fails to decrypt as another record.
    const envelope = await envelopes.encrypt(JSON.stringify(record), { app: 'config-switch', record: record.id });
    await writeFile(join(dir, `${record.id}.env`), envelope);
  }
  console.log(`wrote ${records.length} envelopes to ${dir}`);
} else {
  for (const file of (await readdir(dir)).filter((name) => name.endsWith('.env')).sort()) {
    const id = file.slice(0, -'.env'.length);
    const { plaintext } = await envelopes.decrypt(await readFile(join(dir, file)), { app: 'config-switch', record: id });
    const record = JSON.parse(Buffer.from(plaintext).toString('utf8'));
    console.log(`${record.id} ${record.name} ${record.card}`);
  }
}
