import type { KeyObject } from 'node:crypto';
import { AppConnectError, ErrorCode } from '../errors/index.ts';
import { isAllowedTalkdeskUrl, TALKDESK_API_HOSTS, type HostPolicy } from '../protocol/hosts.ts';
import { apiPaths, joinRoot } from '../protocol/links.ts';
import { decodeSigningPublicKey, SIGNATURE_KEY_ID, signatureKeyResponseSchema } from '../protocol/signature.ts';
import { isTimeout, readJson } from '../talkdesk/outbound.ts';
import type { Clock } from '../talkdesk/types.ts';
import type { SignatureKeyOptions } from './types.ts';

export interface SignatureKeySource {
  /** The key, or undefined when no trusted root knows the id. Throws EVENT_SIGNATURE_KEY_UNAVAILABLE when roots cannot be reached. */
  getKey(keyId: string): Promise<KeyObject | undefined>;
}

export function defaultSignatureKeyRoots(policy: HostPolicy): string[] {
  return [...TALKDESK_API_HOSTS.map((h) => `https://${h}`), ...(policy.extraOrigins ?? []).map((o) => `${new URL(o).origin}/api`)];
}

type LookupResult = KeyObject | undefined | 'unreachable';

/** Settles as soon as one lookup yields a key (a slow or dead root never delays a found key), else with every result. */
function firstKeyOrAll(lookups: Promise<LookupResult>[]): Promise<LookupResult[]> {
  return new Promise((resolve) => {
    const results: LookupResult[] = [];
    let pending = lookups.length;
    if (pending === 0) resolve(results);
    for (const lookup of lookups) {
      void lookup.then((result) => {
        results.push(result);
        if (result !== undefined && result !== 'unreachable') resolve([result]);
        else if (--pending === 0) resolve(results);
      });
    }
  });
}

/**
 * Public keys for event signatures, only from `{root}/events/signature-keys/{id}` of trusted roots
 * (never from the request), cached; unknown ids are looked up at most once per period, and unknown
 * lookups are capped per minute overall (checklist W10).
 */
export function createSignatureKeySource(policy: HostPolicy, options: SignatureKeyOptions = {}, clock: Clock = Date.now): SignatureKeySource {
  const roots = (options.roots ?? defaultSignatureKeyRoots(policy)).filter((root) =>
    isAllowedTalkdeskUrl(joinRoot(root, apiPaths.signatureKey('0'.repeat(32))), policy),
  );
  const retryMs = options.unknownKeyRetryMs ?? 60_000;
  const perMinute = options.maxUnknownLookupsPerMinute ?? 10;
  const maxKeys = options.maxCachedKeys ?? 64;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const keys = new Map<string, KeyObject>();
  const lastLookup = new Map<string, number>();
  const inFlight = new Map<string, Promise<KeyObject | undefined>>();
  let windowStart = 0;
  let lookupsInWindow = 0;

  async function fetchFrom(root: string, keyId: string): Promise<LookupResult> {
    try {
      const response = await fetchImpl(joinRoot(root, apiPaths.signatureKey(keyId)), {
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        return 'unreachable';
      }
      const parsed = signatureKeyResponseSchema.safeParse(await readJson(response));
      if (!parsed.success || parsed.data.id !== keyId) return undefined;
      const key = decodeSigningPublicKey(parsed.data.public_key);
      return key.asymmetricKeyType === 'ec' ? key : undefined;
    } catch (error) {
      if (isTimeout(error) || error instanceof TypeError) return 'unreachable';
      return undefined;
    }
  }

  async function lookup(keyId: string): Promise<KeyObject | undefined> {
    const results = await firstKeyOrAll(roots.map((root) => fetchFrom(root, keyId)));
    const key = results.find((r): r is KeyObject => r !== undefined && r !== 'unreachable');
    if (key) {
      if (keys.size >= maxKeys) keys.delete(keys.keys().next().value!);
      keys.set(keyId, key);
      lastLookup.delete(keyId);
      return key;
    }
    // Unavailable only when no trusted root answered at all; one definitive "unknown" is enough to refuse.
    if (results.length > 0 && results.every((r) => r === 'unreachable')) {
      lastLookup.delete(keyId); // a network failure is not a verdict on the id; the per-minute cap still bounds lookups
      throw new AppConnectError(ErrorCode.EventSignatureKeyUnavailable, 'signature key could not be fetched', { status: 503 });
    }
    return undefined;
  }

  return {
    async getKey(keyId) {
      if (!SIGNATURE_KEY_ID.test(keyId)) return undefined;
      const cached = keys.get(keyId);
      if (cached) return cached;
      const pending = inFlight.get(keyId);
      if (pending) return pending;
      const now = clock();
      const last = lastLookup.get(keyId);
      if (last !== undefined && now - last < retryMs) return undefined;
      if (now - windowStart >= 60_000) {
        windowStart = now;
        lookupsInWindow = 0;
      }
      if (lookupsInWindow >= perMinute) return undefined;
      lookupsInWindow++;
      if (lastLookup.size >= 10_000) lastLookup.clear();
      lastLookup.set(keyId, now);
      const promise = lookup(keyId).finally(() => inFlight.delete(keyId));
      inFlight.set(keyId, promise);
      return promise;
    },
  };
}
