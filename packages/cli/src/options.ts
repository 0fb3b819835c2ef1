import { InvalidArgumentError } from 'commander';

/** `--context k=v`, repeatable: accumulates into a map. */
export function collectContext(pair: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = pair.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got "${pair}"`);
  const key = pair.slice(0, at);
  if (Object.hasOwn(previous, key)) throw new InvalidArgumentError(`context key "${key}" given twice`);
  return { ...previous, [key]: pair.slice(at + 1) };
}

/** Repeatable string option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return number;
}
