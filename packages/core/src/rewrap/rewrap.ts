import type { Transform } from 'node:stream';
import { sessionTransform } from '../stream/sessionTransform.js';
import { deferred } from '../util/deferred.js';
import type { RewrapReport } from './rewrapHeader.js';
import { RewrapSession, type RewrapOptions } from './rewrapSession.js';

/**
 * A new envelope with a changed set of wrapped keys and the body bytes
 * unchanged: add a reader, remove one, or replace one key with another,
 * without re-encrypting the data.
 *
 * Removing a key only stops future copies from naming it. Whoever held that
 * key and a copy of the old envelope, or the data key itself, can still read
 * the data: to cut a reader off for good, `rotate` (new data key, new body).
 */
export async function rewrap(envelope: Uint8Array, options: RewrapOptions): Promise<{ envelope: Uint8Array; report: RewrapReport }> {
  const session = new RewrapSession(options);
  try {
    const pieces = await session.update(envelope);
    session.final();
    return { envelope: Buffer.concat(pieces), report: session.report! };
  } finally {
    session.dispose();
  }
}

/** `rewrap` as a Node Transform; `report` resolves once the new header is out. */
export interface RewrapStream extends Transform {
  readonly report: Promise<RewrapReport>;
}

export function rewrapStream(options: RewrapOptions): RewrapStream {
  const session = new RewrapSession(options);
  const report = deferred<RewrapReport>();
  const stream = sessionTransform(session, {
    afterUpdate: () => {
      if (session.report) report.resolve(session.report);
    },
    onDestroy: (error) => report.reject(error),
  });
  return Object.assign(stream, { report: report.promise });
}
