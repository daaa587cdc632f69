import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: easy to read out on the phone

/** A short reference id shown on failure pages and stored with the failure record, e.g. `7KQ2-MX9D-4TNA`. */
export function newReferenceId(): string {
  const bytes = randomBytes(12);
  let out = '';
  for (let i = 0; i < 12; i += 1) {
    out += ALPHABET[bytes[i]! & 31];
    if (i === 3 || i === 7) out += '-';
  }
  return out;
}
