/**
 * Headers on every response the kit produces (pages and redirects): nothing cached, no sniffing, no
 * referrer leaking `code` or `state`, framing only from the configured ancestors.
 */
export function securityHeaders(frameAncestors: readonly string[], extraCsp = ''): Record<string, string> {
  const csp = [`default-src 'none'`, extraCsp, `base-uri 'none'`, `form-action 'none'`, `frame-ancestors ${frameAncestors.join(' ')}`]
    .filter((part) => part.length > 0)
    .join('; ');
  return {
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': csp,
  };
}

/** A 302 to `location` with the kit's headers and optional cookies. */
export function redirectResponse(location: string, frameAncestors: readonly string[], setCookie: readonly string[] = []) {
  const headers: Record<string, string | string[]> = { ...securityHeaders(frameAncestors), location };
  if (setCookie.length > 0) headers['set-cookie'] = [...setCookie];
  return { status: 302, headers };
}
