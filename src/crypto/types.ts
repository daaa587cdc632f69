import type { SealedValue } from '../stores/types.ts';

/**
 * Authenticated encryption of secrets at rest (AES-256-GCM). `context` and `field` form the AAD, so a
 * sealed value only opens for the record and field it was sealed for (e.g. installation id +
 * 'client_secret'). Implemented in src/crypto/sealer.ts.
 */
export interface Sealer {
  seal(plaintext: string, context: string, field: string): SealedValue;
  /** Throws AppConnectError(APPCONNECT_SEAL_OPEN_FAILED) when the value was tampered with or the AAD differs. */
  open(sealed: SealedValue, context: string, field: string): string;
  /** True when the value was sealed with a key other than the current one (re-seal it during key rotation). */
  needsReseal(sealed: SealedValue): boolean;
}
