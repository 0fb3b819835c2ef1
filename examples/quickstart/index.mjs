// Envelope Kit in a dozen lines, offline: a local RSA key, one message, context checked on the way out.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decrypt, encrypt } from '@envelope-kit/core';
import { generateLocalKey, loadLocalKey } from '@envelope-kit/provider-local';

const { privateKeyPath, publicKeyPath } = await generateLocalKey({ privateKeyPath: join(await mkdtemp(join(tmpdir(), 'quickstart-')), 'key.pem') });

// Producers need only the public key: they can seal what they cannot open.
const sealed = await encrypt('the launch code is 0000', { keyring: await loadLocalKey(publicKeyPath), context: { app: 'quickstart' } });

const { plaintext, context } = await decrypt(sealed, { keyring: await loadLocalKey(privateKeyPath), expectedContext: { app: 'quickstart' } });
console.log(`${sealed.length}-byte envelope -> "${Buffer.from(plaintext)}" (context ${JSON.stringify(context)})`);
