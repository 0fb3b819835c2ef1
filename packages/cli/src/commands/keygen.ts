import { generateLocalKey } from '@envelope-kit/provider-local';

export interface KeygenOptions {
  readonly out: string;
  readonly publicOut?: string;
  readonly bits: number;
}

/** Writes a new local RSA key pair and says how to use it. */
export async function keygen(options: KeygenOptions): Promise<void> {
  const key = await generateLocalKey({
    privateKeyPath: options.out,
    ...(options.publicOut ? { publicKeyPath: options.publicOut } : {}),
    modulusLength: options.bits,
  });
  process.stdout.write(
    [
      `private key  ${key.privateKeyPath} (mode 0600: decrypts; keep it secret)`,
      `public key   ${key.publicKeyPath} (encrypts only; share it with producers)`,
      `key id       ${key.keyId}`,
      `encrypt with --key local:${key.publicKeyPath}, decrypt with --key local:${key.privateKeyPath}`,
      '',
    ].join('\n'),
  );
}
