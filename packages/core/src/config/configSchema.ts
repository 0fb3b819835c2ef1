import { z } from 'zod';
import { FIELD_BOUNDS, HARD_LIMITS } from '../format/limits.js';

const keyUri = z
  .string()
  .regex(/^[a-z][a-z0-9+.-]*:\S+$/, 'expected a key URI such as local:./key.pem, awskms:///arn:aws:kms:... or vault://transit/keys/app');

const scheme = z.string().regex(/^[a-z][a-z0-9+.-]*$/, 'expected a key URI scheme such as awskms');

const upTo = (max: number) => z.number().int().min(1).max(max);

/** The configuration an app picks its keys and policies with (docs: README, "Choose your cloud"). */
export const envelopeConfigSchema = z
  .object({
    /** Keys every new envelope is wrapped under (all of them, in parallel). */
    keys: z.array(keyUri).min(1, 'at least one key is needed to encrypt'),
    /**
     * Keys allowed to decrypt. Default: `keys`. Only these are tried (strict);
     * list old keys here while envelopes made under them remain.
     */
    decryptKeys: z.array(keyUri).min(1).optional(),
    /**
     * Schemes whose provider may unwrap with whatever key an envelope names
     * (where the backend can, e.g. AWS KMS symmetric keys). Off by default.
     */
    discovery: z.array(scheme).optional(),
    /** Context keys every envelope must carry, on encrypt and on decrypt. */
    requiredContext: z.array(z.string().min(1)).optional(),
    /** Plaintext bytes per frame for new envelopes. */
    frameSize: z.number().int().min(FIELD_BOUNDS.minFrameSize).max(HARD_LIMITS.maxFrameSize).optional(),
    /** Bounds on what an envelope header may claim. */
    limits: z
      .object({
        maxWrappedKeys: upTo(HARD_LIMITS.maxWrappedKeys),
        maxContextBytes: upTo(HARD_LIMITS.maxContextBytes),
        maxFrameSize: upTo(HARD_LIMITS.maxFrameSize),
      })
      .partial()
      .strict()
      .optional(),
    /** Data-key caching; absent means off. See CachingDataKeySource for the trade-off. */
    cache: z
      .object({
        maxAgeMs: z.number().int().positive(),
        maxMessages: z.number().int().positive().optional(),
        maxBytes: z.number().int().positive().optional(),
        capacity: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    /** Options per provider scheme (region, endpoint, address...), passed to its factory. */
    providers: z.record(scheme, z.record(z.string(), z.unknown())).optional(),
  })
  .strict();

export type EnvelopeConfig = z.infer<typeof envelopeConfigSchema>;
