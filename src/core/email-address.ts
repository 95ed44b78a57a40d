import { z } from 'zod';

/**
 * One e-mail address, plain (`ops@example.com`) or with a display name (`Ops team <ops@example.com>`).
 * Deliberately simple: it catches typos (missing `@`, a comma instead of a list) without trying to be RFC 5322.
 */
const ADDRESS = /^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:]+$/;
const NAMED = /^\s*([^<>]*?)\s*<([^<>]+)>\s*$/;

/** The bare address of `Name <addr>` or `addr`, lower-cased for comparisons; null when it is not one. */
export function bareAddress(value: string): string | null {
  const named = NAMED.exec(value);
  const address = (named ? named[2]! : value).trim();
  return ADDRESS.test(address) ? address.toLowerCase() : null;
}

export const emailAddressSchema = z
  .string()
  .refine((value) => bareAddress(value) !== null, 'must be an e-mail address like ops@example.com');

/** A list of addresses; a single string in YAML is accepted as a list of one. */
export const emailListSchema = z.preprocess(
  (value) => (typeof value === 'string' ? [value] : value),
  z.array(emailAddressSchema),
);
