import { generate } from 'selfsigned';

/** A test CA and a server certificate it signed for 127.0.0.1 and localhost, all PEM. */
export interface TestCertificate {
  /** The CA certificate: what a client trusts (`tlsOptions.ca`, NODE_EXTRA_CA_CERTS). */
  readonly ca: string;
  /** The server's certificate and private key. */
  readonly cert: string;
  readonly key: string;
}

/** The names the server certificate covers: the emulator only listens on loopback. */
export const CERTIFICATE_HOSTS = ['127.0.0.1', 'localhost'] as const;

// One CA per process: certificates take a few ms each, but a test file may start many emulators.
let shared: Promise<TestCertificate> | undefined;

/**
 * The process's test certificate, made on first use. A real CA and leaf rather
 * than one self-signed certificate, so clients verify a chain as they would
 * in production; the CA's key is discarded once the leaf is signed, and it
 * expires in a day, so trusting it is harmless.
 */
export function testCertificate(): Promise<TestCertificate> {
  shared ??= makeCertificate().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

async function makeCertificate(): Promise<TestCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 24 * 3600_000);
  // EC keys: generated in milliseconds, where RSA would cost a noticeable part of a test run.
  const ca = await generate([{ name: 'commonName', value: 'Envelope Kit emulator test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: CERTIFICATE_HOSTS[0] }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { ca: ca.cert, cert: leaf.cert, key: leaf.private };
}
