/** Escapes text for HTML element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1f;background:#f6f6f8}
header{background:#2d1a5b;color:#fff;padding:.8rem 1.5rem}header h1{margin:0;font-size:1.2rem}
main{padding:1rem 1.5rem;max-width:75rem}section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem;margin:0 0 1rem}
h2{font-size:1.1rem;margin:.2rem 0 .6rem}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
code{font-size:.85em;background:#f0f0f4;padding:0 .2em;border-radius:3px}form.inline{display:inline}label{margin-right:.6rem}
input,select,button{font:inherit;margin:.1rem}button{cursor:pointer}a{color:#4527a0}
.ok{color:#1b5e20}.bad{color:#b71c1c}.muted{color:#666}
:focus-visible{outline:3px solid #ff9800;outline-offset:2px}
`;

export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head><body><header><h1>${esc(title)}</h1></header><main>${body}</main></body></html>`;
}

export function errorPage(heading: string, message: string): string {
  return layout('Talkdesk emulator', `<section role="alert"><h2>${esc(heading)}</h2><p>${esc(message)}</p><p><a href="/">App Manager</a></p></section>`);
}
