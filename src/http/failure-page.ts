import { createHash } from 'node:crypto';
import type { AppResponse } from './types.ts';
import { cleanText, escapeHtml } from './html.ts';
import { LAUNCH_AGAIN_HINT } from './failure-messages.ts';
import { securityHeaders } from './security-headers.ts';

/** Everything a failure page may show. No secrets ever reach this object. */
export interface FailurePageContext {
  code: string;
  status: number;
  /** Absent for pages that are not failures (e.g. "please open the app from Talkdesk"). */
  referenceId?: string;
  title: string;
  reason: string;
  /** Extra plain-language detail (e.g. the authorization server's error code, the app's refusal reason). */
  detail?: string;
  supportContact: string;
  /** The installing admin of the Talkdesk account, when known. */
  adminContact?: string;
  /** False for failures where launching again cannot help (e.g. not licensed). */
  showLaunchAgain: boolean;
}

/** An app-provided page for one error code: HTML (shown with a relaxed CSP allowing inline styles) or a full response. */
export type FailurePageOverride = (context: FailurePageContext) => string | { status?: number; html: string; contentSecurityPolicy?: string };

const STYLE = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:2rem 1rem;background:#f6f7f9;color:#1d1f23;line-height:1.5}',
  'main{max-width:36rem;margin:0 auto;background:#fff;border:1px solid #d5d9e0;border-radius:8px;padding:1.5rem 2rem}',
  'h1{font-size:1.4rem;margin-top:0}',
  'dt{font-weight:600}dd{margin:0 0 .75rem 0}',
  'code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#eef0f3;padding:.1rem .3rem;border-radius:4px}',
  'a{color:#0b57d0}',
].join('');
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,255}$/;

/** A contact as HTML: a mailto link for an e-mail address, a link for an https URL, text otherwise. */
function contactHtml(contact: string): string {
  const text = cleanText(contact, 200);
  if (EMAIL.test(text)) return `<a href="mailto:${escapeHtml(text)}">${escapeHtml(text)}</a>`;
  if (/^https:\/\/[^\s<>"]+$/.test(text)) return `<a href="${escapeHtml(text)}" rel="noreferrer">${escapeHtml(text)}</a>`;
  return escapeHtml(text);
}

export function renderFailureHtml(context: FailurePageContext): string {
  const contacts = [`<dt>App support</dt><dd>${contactHtml(context.supportContact)}</dd>`];
  if (context.adminContact) contacts.push(`<dt>Your Talkdesk administrator</dt><dd>${contactHtml(context.adminContact)}</dd>`);
  const detail = context.detail ? `<p>${escapeHtml(cleanText(context.detail))}</p>` : '';
  const launchAgain = context.showLaunchAgain ? `<p><strong>What you can do:</strong> ${escapeHtml(LAUNCH_AGAIN_HINT)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(context.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(context.title)}</h1>
<p>${escapeHtml(context.reason)}</p>
${detail}
${launchAgain}
<h2>Need help?</h2>
<p>If this keeps happening, contact:</p>
<dl>${contacts.join('')}</dl>
${context.referenceId ? `<p>Please quote this reference: <code id="reference">${escapeHtml(context.referenceId)}</code></p>` : ''}
</main>
</body>
</html>
`;
}

export function failurePageResponse(
  context: FailurePageContext,
  frameAncestors: readonly string[],
  override?: FailurePageOverride,
  extraHeaders: Record<string, string> = {},
): AppResponse {
  if (override) {
    const custom = override(context);
    const page = typeof custom === 'string' ? { html: custom } : custom;
    const csp = page.contentSecurityPolicy ?? `style-src 'unsafe-inline'; img-src 'self' data:`;
    return {
      status: page.status ?? context.status,
      headers: { ...securityHeaders(frameAncestors, csp), 'content-type': 'text/html; charset=utf-8', ...extraHeaders },
      body: page.html,
    };
  }
  return {
    status: context.status,
    headers: { ...securityHeaders(frameAncestors, `style-src ${STYLE_HASH}`), 'content-type': 'text/html; charset=utf-8', ...extraHeaders },
    body: renderFailureHtml(context),
  };
}
