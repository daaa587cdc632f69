import { createPrivateKey, type KeyObject } from 'node:crypto';
import { encodeSigningPublicKey, generateSigningKey, newId32 } from '../../protocol/index.ts';
import type { Db } from '../db.ts';

/** `events`: signs event deliveries; `id_token`: signs OpenID Connect ID tokens. Both P-256, persisted. */
export type KeyPurpose = 'events' | 'id_token';

export interface SigningKey {
  id: string;
  privateKey: KeyObject;
  publicKeyBase64: string;
}

interface KeyRow {
  id: string;
  purpose: KeyPurpose;
  private_key: string;
  public_key: string;
  created_at: number;
  active: number;
}

export class SigningKeysRepo {
  constructor(private readonly db: Db) {}

  /** The active key of the purpose, created on first use. */
  active(purpose: KeyPurpose, now: number): SigningKey {
    const row = this.db.prepare('SELECT * FROM signing_keys WHERE purpose = ? AND active = 1').get(purpose) as KeyRow | undefined;
    return row ? toKey(row) : this.rotate(purpose, now);
  }

  /** Creates a new active key; older keys stay published. */
  rotate(purpose: KeyPurpose, now: number): SigningKey {
    const pair = generateSigningKey();
    const row: KeyRow = {
      id: newId32(),
      purpose,
      private_key: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      public_key: encodeSigningPublicKey(pair.publicKey),
      created_at: now,
      active: 1,
    };
    this.db.transaction(() => {
      this.db.prepare('UPDATE signing_keys SET active = 0 WHERE purpose = ?').run(purpose);
      this.db
        .prepare('INSERT INTO signing_keys (id, purpose, private_key, public_key, created_at, active) VALUES (@id, @purpose, @private_key, @public_key, @created_at, @active)')
        .run(row);
    })();
    return toKey(row);
  }

  publicKey(purpose: KeyPurpose, id: string): string | undefined {
    const row = this.db.prepare('SELECT public_key FROM signing_keys WHERE purpose = ? AND id = ?').get(purpose, id) as { public_key: string } | undefined;
    return row?.public_key;
  }

  all(purpose: KeyPurpose): { id: string; publicKeyBase64: string }[] {
    const rows = this.db.prepare('SELECT id, public_key FROM signing_keys WHERE purpose = ? ORDER BY created_at').all(purpose) as { id: string; public_key: string }[];
    return rows.map((r) => ({ id: r.id, publicKeyBase64: r.public_key }));
  }
}

function toKey(row: KeyRow): SigningKey {
  return {
    id: row.id,
    privateKey: createPrivateKey({ key: Buffer.from(row.private_key, 'base64'), format: 'der', type: 'pkcs8' }),
    publicKeyBase64: row.public_key,
  };
}
