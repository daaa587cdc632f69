/**
 * A minimal browser for integration tests: a cookie jar per host (path-scoped, Max-Age honoured) and
 * manual redirect following with fetch, so every hop can be inspected.
 */
interface StoredCookie {
  value: string;
  path: string;
}

export interface Hop {
  url: string;
  status: number;
  location?: string;
  setCookie: string[];
}

export class Browser {
  private readonly jar = new Map<string, Map<string, StoredCookie>>();

  cookieHeader(url: URL): string {
    const cookies = this.jar.get(url.hostname);
    if (!cookies) return '';
    return [...cookies.entries()]
      .filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name)?.value;
  }

  setCookieValue(host: string, name: string, value: string, path = '/'): void {
    let cookies = this.jar.get(host);
    if (!cookies) this.jar.set(host, (cookies = new Map()));
    cookies.set(name, { value, path });
  }

  deleteCookie(host: string, name: string): void {
    this.jar.get(host)?.delete(name);
  }

  private store(url: URL, setCookie: string[]): void {
    for (const header of setCookie) {
      const [pair, ...attributes] = header.split(';').map((p) => p.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let path = '/';
      let expired = false;
      for (const attribute of attributes) {
        const [key, v] = attribute.split('=');
        if (key!.toLowerCase() === 'path' && v) path = v;
        if (key!.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
      }
      let cookies = this.jar.get(url.hostname);
      if (!cookies) this.jar.set(url.hostname, (cookies = new Map()));
      if (expired) cookies.delete(name);
      else cookies.set(name, { value, path });
    }
  }

  /** One request, no redirect following. */
  async request(url: string, init: { method?: string; accept?: string } = {}): Promise<{ response: Response; body: string; hop: Hop }> {
    const target = new URL(url);
    const cookie = this.cookieHeader(target);
    const response = await fetch(target, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), accept: init.accept ?? 'text/html' },
    });
    const setCookie = response.headers.getSetCookie();
    this.store(target, setCookie);
    const body = await response.text();
    const location = response.headers.get('location') ?? undefined;
    return { response, body, hop: { url, status: response.status, ...(location ? { location: new URL(location, target).href } : {}), setCookie } };
  }

  /** Follows redirects (at most `max`) and returns every hop and the final response. */
  async navigate(url: string, max = 10): Promise<{ hops: Hop[]; status: number; body: string; url: string; response: Response }> {
    const hops: Hop[] = [];
    let current = url;
    for (let i = 0; i <= max; i += 1) {
      const { response, body, hop } = await this.request(current);
      hops.push(hop);
      if (response.status >= 300 && response.status < 400 && hop.location) {
        current = hop.location;
        continue;
      }
      return { hops, status: response.status, body, url: current, response };
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

export function referenceIdOf(body: string): string | undefined {
  return /<code id="reference">([A-Z0-9-]+)<\/code>/.exec(body)?.[1];
}
