import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Key service requests are small; anything larger is a client bug or an attack on the test. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The whole request body, refused with the service's own error (`tooLarge`) past `MAX_BODY_BYTES`. */
export async function readBody(request: IncomingMessage, tooLarge: (maxBytes: number) => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    length += bytes.length;
    if (length > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/** Writes a whole response; without a body (a 204), no content headers. */
export function writeResponse(response: ServerResponse, status: number, headers: OutgoingHttpHeaders, body?: string): void {
  // An outage may have destroyed the socket while the request waited.
  if (response.destroyed || response.headersSent) return;
  if (body === undefined) {
    response.writeHead(status, headers);
    response.end();
    return;
  }
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** The first value of a header that may have been sent more than once. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
