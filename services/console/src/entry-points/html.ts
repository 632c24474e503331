/** HTML building blocks: escaping, the page frame, tables. Every value goes through esc(). */
import type { Identity } from '../domain/access';

export const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A trusted fragment (already escaped). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Tagged template: interpolated values are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    const part = (x: unknown): string => (x instanceof Html ? x.text : x === undefined || x === null || x === false ? '' : esc(x));
    out += (Array.isArray(v) ? v.map(part).join('') : part(v)) + strings[i + 1];
  });
  return new Html(out);
}

export const NAV = [
  ['queues', '/queues', 'Queues'],
  ['files', '/files', 'Files'],
  ['claims', '/claims', 'Claims'],
  ['deadletters', '/deadletters', 'Dead letters'],
  ['services', '/services', 'Services'],
  ['audit', '/audit', 'Audit'],
] as const;

export type Section = (typeof NAV)[number][0];

export interface Frame {
  title: string;
  active?: Section;
  identity?: Identity;
  csrf?: string;
}

export function page(frame: Frame, body: Html): string {
  const nav = frame.identity
    ? html`<nav>${NAV.map(([id, href, label]) => html`<a href="${href}"${new Html(id === frame.active ? ' aria-current="page"' : '')}>${label}</a>`)}</nav>
      <form method="post" action="/logout" class="who"><span data-role="${frame.identity.role}">${frame.identity.user} · ${frame.identity.role}</span>
      <input type="hidden" name="_csrf" value="${frame.csrf}"><button type="submit">Sign out</button></form>`
    : html``;
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} · ediflow console</title><link rel="stylesheet" href="/assets/console.css"><script src="/assets/console.js" defer></script></head>
<body><header><a class="brand" href="/queues">ediflow</a>${nav}</header><main><h1>${frame.title}</h1>${body}</main></body></html>`.text}`;
}

export function table(headers: readonly string[], rows: readonly Html[], empty = 'Nothing to show.'): Html {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="scroll"><table><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function time(iso: string | null | undefined): Html {
  return iso ? html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>` : html`–`;
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
