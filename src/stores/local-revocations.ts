import type { SessionRevocation } from './types.ts';

type Listener = (revocation: SessionRevocation) => void;

/** In-process fan-out of revocations, shared by every store opened on the same data in this process. */
export interface LocalRevocationHub {
  publish(revocation: SessionRevocation): void;
  subscribe(listener: Listener): () => void;
}

const hubs = new Map<string, Set<Listener>>();

export function localRevocationHub(key: string): LocalRevocationHub {
  return {
    publish(revocation) {
      for (const listener of [...(hubs.get(key) ?? [])]) {
        queueMicrotask(() => {
          try {
            listener(structuredClone(revocation));
          } catch {
            // a listener's failure never breaks revocation
          }
        });
      }
    },
    subscribe(listener) {
      let set = hubs.get(key);
      if (set === undefined) hubs.set(key, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && hubs.get(key) === set) hubs.delete(key);
      };
    },
  };
}
