import { createReadStream } from 'node:fs';
import { encodeContext, inspect, type EnvelopeInfo } from '@envelope-kit/core';

export interface InspectCommandOptions {
  readonly json: boolean;
}

/** Prints an envelope's header and body layout without any key. */
export async function inspectCommand(input: string | undefined, options: InspectCommandOptions): Promise<void> {
  const source = input === undefined || input === '-' ? process.stdin : createReadStream(input);
  const info = await inspect(source);
  process.stdout.write(options.json ? `${JSON.stringify(toJson(info), null, 2)}\n` : toText(info));
}

function toJson(info: EnvelopeInfo) {
  return {
    ...info,
    // The RSA-OAEP label of local keys, and the AAD of KMS keys (docs/format.md).
    contextEncoding: encodeContext(info.context).toString('hex'),
    wrappedKeys: info.wrappedKeys.map((key) => ({
      providerId: key.providerId,
      keyId: key.keyId,
      ciphertext: Buffer.from(key.ciphertext).toString('base64'),
    })),
  };
}

function toText(info: EnvelopeInfo): string {
  const contextLines = Object.entries(info.context).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  const lines = [
    `format        Envelope Kit v${info.formatVersion}`,
    `suite         0x${info.suite.id.toString(16).padStart(4, '0')} ${info.suite.name}`,
    `message id    ${info.messageId}`,
    `frame size    ${info.frameSize} bytes`,
    `context       ${contextLines.length === 0 ? '(empty)' : contextLines.join('\n              ')}`,
    `wrapped keys  ${info.wrappedKeys.length}`,
    ...info.wrappedKeys.map(
      (key, i) => `  [${i}] ${key.providerId} ${key.keyId} (${key.ciphertext.length}-byte ciphertext)`,
    ),
    `header        ${info.headerLength} bytes`,
  ];
  if (info.body) {
    lines.push(`body          ${info.body.frames} frames, ${info.body.plaintextLength} plaintext bytes (${info.body.length} bytes)`);
  }
  return `${lines.join('\n')}\n`;
}
