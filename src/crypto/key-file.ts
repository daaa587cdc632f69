import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { KeyRing } from './key-ring.ts';
import { invalidKey, parseSecretKeyList } from './key-ring.ts';

export interface LoadSecretKeysOptions {
  /** Value of APPCONNECT_SECRET_KEY: one 32-byte key (hex/base64) or `kid:key,...` (first is current). */
  env?: string;
  /** Key file used when `env` is not set; created with mode 0600 on first use. Default `./data/secret.key`. */
  keyFile?: string;
}

export const DEFAULT_KEY_FILE = './data/secret.key';

/**
 * Loads the sealing keys: from `env` when given (non-empty), else from the key file, which is created
 * atomically (random 32-byte key, mode 0600, parent folder created) when it does not exist yet.
 */
export function loadSecretKeys(options: LoadSecretKeysOptions = {}): KeyRing {
  if (options.env !== undefined && options.env.trim() !== '') return parseSecretKeyList(options.env);
  const file = resolve(options.keyFile ?? DEFAULT_KEY_FILE);
  const existing = readIfExists(file);
  if (existing !== undefined) return parseSecretKeyList(existing, `key file ${file}`);
  createKeyFile(file);
  return parseSecretKeyList(readFileSync(file, 'utf8'), `key file ${file}`);
}

function readIfExists(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const mode = statSync(file).mode & 0o077;
    if (mode !== 0) throw invalidKey(`key file ${file} is readable by group or others; run: chmod 600 ${file}`);
    return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a temp file with mode 0600 then hard-links it into place, so a concurrent start never sees a partial key and never overwrites one. */
function createKeyFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `k1:${randomBytes(32).toString('base64url')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temp, 0o600);
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
}
