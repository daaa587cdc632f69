export type { Sealer } from './types.ts';
export type { KeyRing, SecretKey } from './key-ring.ts';
export { createKeyRing, parseSecretKeyList, decodeKeyMaterial } from './key-ring.ts';
export { createSealer } from './sealer.ts';
export { loadSecretKeys, DEFAULT_KEY_FILE } from './key-file.ts';
export type { LoadSecretKeysOptions } from './key-file.ts';
export { randomToken, sha256Base64Url, constantTimeEqual } from './random.ts';
