/**
 * Which URLs may appear in `_links` of an event, and so may ever be called with an installation's
 * credentials (checklist W17): https, default port, no user-info, a Talkdesk host of a known region,
 * or an exact origin the operator configured (the emulator, for development).
 */

/** API gateway hosts per region (reference section 8). */
export const TALKDESK_API_HOSTS = [
  'api.talkdeskapp.com',
  'api.talkdeskapp.eu',
  'api.talkdeskappca.com',
  'api.talkdeskapp.au',
  'api.mytalkdesk.au',
  'api.talkdeskapp.co.uk',
] as const;

/** Talkdesk ID host suffixes per region: `{account}.talkdeskid.com` and so on. */
export const TALKDESK_ID_SUFFIXES = ['.talkdeskid.com', '.talkdeskid.eu', '.talkdeskidca.com', '.talkdeskid.au'] as const;

const ACCOUNT_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface HostPolicy {
  /** Extra exact origins allowed (e.g. `http://localhost:4010` for the emulator). */
  extraOrigins?: readonly string[];
  /** Extra https hosts allowed in addition to Talkdesk's (exact host names). */
  extraHosts?: readonly string[];
}

function normaliseOrigin(origin: string): string | undefined {
  try {
    return new URL(origin).origin;
  } catch {
    return undefined;
  }
}

/** True when `href` is a URL the kit may call on behalf of an installation. */
export function isAllowedTalkdeskUrl(href: string, policy: HostPolicy = {}): boolean {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const extra = (policy.extraOrigins ?? []).map(normaliseOrigin).filter((o): o is string => o !== undefined);
  if (extra.includes(url.origin)) return true;
  if (url.protocol !== 'https:' || url.port !== '') return false;
  const host = url.hostname;
  if ((TALKDESK_API_HOSTS as readonly string[]).includes(host)) return true;
  if ((policy.extraHosts ?? []).includes(host)) return true;
  for (const suffix of TALKDESK_ID_SUFFIXES) {
    if (host.endsWith(suffix)) {
      const label = host.slice(0, -suffix.length);
      if (ACCOUNT_LABEL.test(label)) return true;
    }
  }
  return false;
}
