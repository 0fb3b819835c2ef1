import { headerTag, verifyHeader } from '../crypto/headerAuth.js';
import { deriveMessageKeys, zeroize, zeroizeKeys, type MessageKeys } from '../crypto/keySchedule.js';
import { EnvelopeError, ErrorCode } from '../errors.js';
import { checkExpectedContext, type EncryptionContext } from '../format/context.js';
import { encodeHeaderFields, type ParsedHeader } from '../format/header.js';
import type { Limits } from '../format/limits.js';
import type { DataKeySource } from '../keyring/keyring.js';
import { keyLabel, wrapperMatches, type KeyWrapper, type WrappedKey } from '../keyring/keyWrapper.js';

/** A wrapped key to remove: by key id, or by provider id and key id. */
export type KeySelector = string | { readonly providerId?: string; readonly keyId: string };

/** What to change in an envelope's set of wrapped keys. */
export interface KeyChanges {
  /** Wrap the data key under these keys too (skipped where already present). */
  readonly add?: readonly KeyWrapper[];
  /** Drop the wrapped keys these select. */
  readonly remove?: readonly KeySelector[];
  /** Move the wrapped keys these keys match to their newest version (native rewrap, e.g. Vault). */
  readonly refresh?: readonly KeyWrapper[];
}

/** Which wrapped keys changed, by `providerId:keyId`. */
export interface RewrapReport {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly refreshed: readonly string[];
  /** Whether the header is any different. */
  readonly changed: boolean;
}

/**
 * Makes a new header for an authentic envelope: unwraps its data key with
 * `source`, checks commitment and header tag (so only a genuine envelope is
 * rewrapped), applies the key changes, and authenticates the result. Body keys
 * depend only on the data key and message id, so the body stays valid as is.
 */
export async function rewrapHeader(
  parsed: ParsedHeader,
  source: DataKeySource,
  changes: KeyChanges,
  limits: Limits,
  expectedContext: EncryptionContext = {},
): Promise<{ header: Buffer; report: RewrapReport; bodyKey: Buffer }> {
  const { header } = parsed;
  checkExpectedContext(header.context, expectedContext);
  const dataKey = await source.unwrapDataKey(header.wrappedKeys, header.suite.dataKeyLength, header.context);
  let keys: MessageKeys | undefined;
  try {
    keys = deriveMessageKeys(dataKey, header.messageId, header.suite);
    verifyHeader(parsed, keys);
    const { removed, kept, toAdd } = planKeyChanges(header.wrappedKeys, changes);
    const refreshed: string[] = [];
    const current = await Promise.all(
      kept.map(async (wrapped) => {
        const wrapper = refresherOf(wrapped, changes);
        if (!wrapper?.rewrap) return wrapped;
        // A backend that cannot re-encrypt this one natively gets the data key wrapped afresh.
        const renewed = await wrapper.rewrap(wrapped, header.context).catch(() => wrapper.wrap(dataKey, header.context));
        if (!sameBytes(renewed.ciphertext, wrapped.ciphertext)) refreshed.push(keyLabel(wrapped));
        return renewed;
      }),
    );
    // Any of the original wrapped keys, removed ones included, can be a source for native re-encryption.
    const added = await Promise.all(toAdd.map((wrapper) => wrapUnder(wrapper, header.wrappedKeys, dataKey, header.context)));
    const wrappedKeys = [...current, ...added];
    if (wrappedKeys.length === 0) {
      throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, 'rewrap would leave the envelope with no wrapped key, so nothing could open it');
    }
    if (wrappedKeys.length > limits.maxWrappedKeys) {
      throw new EnvelopeError(ErrorCode.LIMIT_EXCEEDED, `${wrappedKeys.length} wrapped keys are over the limit of ${limits.maxWrappedKeys}`);
    }
    const authenticated = encodeHeaderFields({ ...header, wrappedKeys });
    const report: RewrapReport = {
      added: added.map(keyLabel),
      removed: removed.map(keyLabel),
      refreshed,
      changed: added.length + removed.length + refreshed.length > 0,
    };
    const bodyKey = Buffer.from(keys.bodyKey);
    return { header: Buffer.concat([authenticated, headerTag(keys, authenticated)]), report, bodyKey };
  } finally {
    zeroizeKeys(keys);
    zeroize(dataKey);
  }
}

/** A key change judged from the wrapped keys' identities alone (no key-service call). */
export interface KeyChangePlan {
  readonly removed: readonly WrappedKey[];
  readonly kept: readonly WrappedKey[];
  /** Keys to add that no kept wrapped key already belongs to. */
  readonly toAdd: readonly KeyWrapper[];
  /** Kept wrapped keys a refreshing key matches (whether it finds a newer version cannot be told in advance). */
  readonly toRefresh: readonly WrappedKey[];
}

export function planKeyChanges(wrappedKeys: readonly WrappedKey[], changes: KeyChanges): KeyChangePlan {
  const removed = wrappedKeys.filter((wrapped) => (changes.remove ?? []).some((selector) => selects(selector, wrapped)));
  const kept = wrappedKeys.filter((wrapped) => !removed.includes(wrapped));
  const toAdd = (changes.add ?? []).filter((wrapper) => !kept.some((wrapped) => wrapperMatches(wrapper, wrapped)));
  const toRefresh = kept.filter((wrapped) => refresherOf(wrapped, changes) !== undefined);
  return { removed, kept, toAdd, toRefresh };
}

function refresherOf(wrapped: WrappedKey, changes: KeyChanges): KeyWrapper | undefined {
  return changes.refresh?.find((candidate) => candidate.rewrap && wrapperMatches(candidate, wrapped));
}

/**
 * Wraps under `wrapper`: natively from a wrapped key of the same provider
 * where the backend can (the data key then never leaves the key service),
 * else from the data key.
 */
async function wrapUnder(
  wrapper: KeyWrapper,
  existing: readonly WrappedKey[],
  dataKey: Uint8Array,
  context: EncryptionContext,
): Promise<WrappedKey> {
  const sameProvider = existing.find((wrapped) => wrapped.providerId === wrapper.providerId);
  if (wrapper.rewrap && sameProvider) {
    try {
      return await wrapper.rewrap(sameProvider, context);
    } catch {
      // e.g. no permission to re-encrypt from that key: wrap the data key instead.
    }
  }
  try {
    return await wrapper.wrap(dataKey, context);
  } catch (cause) {
    if (cause instanceof EnvelopeError) throw cause;
    throw new EnvelopeError(ErrorCode.WRAP_FAILED, `key ${wrapper.providerId}:${wrapper.keyId} could not wrap`, { cause });
  }
}

/** Whether `selector` names `wrapped` (a bare key id, `providerId:keyId`, or an object). */
export function selects(selector: KeySelector, wrapped: Pick<WrappedKey, 'providerId' | 'keyId'>): boolean {
  if (typeof selector === 'string') return selector === wrapped.keyId || selector === keyLabel(wrapped);
  return selector.keyId === wrapped.keyId && (selector.providerId === undefined || selector.providerId === wrapped.providerId);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(b);
}
