import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { EnvelopeError, ErrorCode } from '../errors.js';
import { envelopeConfigSchema, type EnvelopeConfig } from './configSchema.js';

export interface LoadConfigOptions {
  /** A JSON or YAML config file; default `$ENVELOPE_CONFIG` if set. */
  readonly file?: string;
  /** Where ENVELOPE_* variables are read; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Builds the configuration from a file and/or the environment, and validates
 * it, failing with a message that names the field:
 * - `ENVELOPE_CONFIG`: path of a JSON or YAML file;
 * - `ENVELOPE_KEYS`: comma-separated key URIs to encrypt under (overrides `keys`);
 * - `ENVELOPE_DECRYPT_KEYS`: comma-separated key URIs allowed to decrypt (overrides `decryptKeys`).
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<EnvelopeConfig> {
  const env = options.env ?? process.env;
  const file = options.file ?? nonEmpty(env.ENVELOPE_CONFIG);
  const fromFile = file ? await readConfigFile(file) : {};
  if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `invalid Envelope Kit configuration (${file}): (top level): expected an object`);
  }
  const keys = list(env.ENVELOPE_KEYS);
  const decryptKeys = list(env.ENVELOPE_DECRYPT_KEYS);
  return parseConfig(
    {
      ...fromFile,
      ...(keys ? { keys } : {}),
      ...(decryptKeys ? { decryptKeys } : {}),
    },
    file ?? 'ENVELOPE_KEYS',
  );
}

/** Validates a configuration object; `source` names where it came from in errors. */
export function parseConfig(input: unknown, source = 'config'): EnvelopeConfig {
  const result = envelopeConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `invalid Envelope Kit configuration (${source}): ${describeIssues(result.error)}`, {
    cause: result.error,
  });
}

async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `cannot read the configuration file ${file}`, { cause });
  }
  try {
    return ['.yaml', '.yml'].includes(extname(file).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch {
    // The parser's message can quote the file, which may hold secrets (tokens in provider options).
    throw new EnvelopeError(ErrorCode.INVALID_ARGUMENT, `the configuration file ${file} is not valid ${extname(file).slice(1).toUpperCase() || 'JSON'}`);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)'}: ${issue.message}`)
    .join('; ');
}

function list(value: string | undefined): string[] | undefined {
  const items = value?.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
  return items && items.length > 0 ? items : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim().length > 0 ? value.trim() : undefined;
}
