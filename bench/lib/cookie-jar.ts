/** A per-virtual-user cookie jar keyed by host:port (paths and expiry beyond Max-Age=0 are ignored). */
export class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();

  header(host: string): string | undefined {
    const jar = this.byHost.get(host);
    if (!jar || jar.size === 0) return undefined;
    let out = '';
    for (const [name, value] of jar) out += (out ? '; ' : '') + `${name}=${value}`;
    return out;
  }

  store(host: string, setCookie: string[] | undefined): void {
    if (!setCookie) return;
    let jar = this.byHost.get(host);
    if (!jar) this.byHost.set(host, (jar = new Map()));
    for (const line of setCookie) {
      const first = line.split(';', 1)[0]!;
      const eq = first.indexOf('=');
      if (eq <= 0) continue;
      const name = first.slice(0, eq).trim();
      const value = first.slice(eq + 1).trim();
      const expired = /;\s*max-age=(0|-\d+)/i.test(line) || /;\s*expires=Thu, 01 Jan 1970/i.test(line);
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  clear(host: string): void {
    this.byHost.delete(host);
  }
}
