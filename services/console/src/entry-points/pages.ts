/** The console's pages and the fragments the auto-refresh replaces (same renderer for both). */
import type { BrokerView, QueueRow } from '../domain/queues';
import { filesByPartnerDay, SEARCH_KINDS, type ClaimDetail, type ClaimRow, type DeadLetterQuery, type DeadLetterRow, type FileDetail, type FileRow, type ReplayResult, type SetRow } from '../domain/views';
import type { ServiceStatus } from '../adapters/service-probe';
import type { AuditEntry } from '../adapters/audit-log';
import { csrfField, html, Html, table, time } from './html';

const rate = (v: number | null): string => (v === null ? '–' : v < 10 ? v.toFixed(1) : String(Math.round(v)));

function age(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

/** An inline SVG polyline of the depth over the last hour (no script, no style attribute). */
export function sparkline(values: readonly number[], width = 120, height = 24): Html {
  if (values.length < 2) return html`<svg class="spark" width="${width}" height="${height}" role="img" aria-label="not enough samples yet"></svg>`;
  const max = Math.max(1, ...values);
  const step = width / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`).join(' ');
  return html`<svg class="spark" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="depth over the last hour, peak ${max}"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${points}"/></svg>`;
}

function queueRow(r: QueueRow): Html {
  return html`<tr data-broker="${r.broker}" data-queue="${r.queue}" class="${r.present ? '' : 'absent'}">
<td class="name">${r.queue}${r.failed > 0 ? html` <a class="badge failed" href="/deadletters" title="messages in DLQ.${r.queue}">${r.failed} failed</a>` : ''}</td>
<td class="num depth">${r.size}</td><td class="num consumers">${r.consumers}</td><td class="num">${rate(r.inPerMinute)}</td><td class="num">${rate(r.outPerMinute)}</td>
<td class="num oldest">${age(r.oldestAgeMs)}</td><td>${sparkline(r.depthHistory)}</td></tr>`;
}

export function queuesFragment(views: readonly BrokerView[]): Html {
  if (views.length === 0) return html`<p class="empty">No broker configured.</p>`;
  return html`${views.map(
    (v) => html`<section class="broker" data-broker="${v.broker}"><h2>${v.broker} <small>${v.at === null ? 'not read yet' : html`read ${time(new Date(v.at).toISOString())}`}</small></h2>
${v.error === undefined ? '' : html`<p class="error">Broker not readable: ${v.error}</p>`}
${table(['Queue', 'Depth', 'Consumers', 'In / min', 'Out / min', 'Oldest', 'Depth, last hour'], v.rows.map(queueRow), 'No queues reported yet.')}</section>`,
  )}`;
}

export function refreshing(url: string, fragment: Html, id: string, everyMs = 5000): Html {
  return html`<div id="${id}" data-refresh="${url}" data-every="${everyMs}">${fragment}</div>`;
}

function searchForm(kind: string, value: string): Html {
  return html`<form method="get" action="/search" class="search"><label>Find <select name="kind">${SEARCH_KINDS.map(
    (k) => html`<option value="${k}"${new Html(k === kind ? ' selected' : '')}>${{ isa13: 'ISA13', gs06: 'GS06', st02: 'ST02', file: 'file id', claim: 'claim id or number' }[k]}</option>`,
  )}</select></label> <input name="q" value="${value}" required maxlength="64" aria-label="identifier"> <button type="submit">Search</button></form>`;
}

const stateBadge = (state: string, reason?: string | null): Html => html`<span class="state ${state}">${state}${reason ? html` (${reason})` : ''}</span>`;

export function filesFragment(files: readonly FileRow[]): Html {
  const groups = filesByPartnerDay(files);
  if (groups.length === 0) return html`<p class="empty">No files.</p>`;
  return html`${groups.map(
    (g) => html`<section class="day"><h2>${g.day} · ${g.partnerId} <small>${Object.entries(g.counts).map(([s, n]) => html`<span class="state ${s}">${n} ${s}</span> `)}</small></h2>
${table(
  ['File', 'State', 'Sets accepted / rejected', 'Received', 'Finished'],
  g.files.map(
    (f) => html`<tr data-file="${f.fileId}"><td><a href="/files/${f.fileId}"><code>${f.fileId.slice(0, 16)}…</code></a></td><td>${stateBadge(f.state, f.reasonCode)}</td>
<td class="num">${f.transactions.accepted ?? '–'} / ${f.transactions.rejected ?? '–'}</td><td>${time(f.receivedAt ?? f.quarantinedAt)}</td><td>${time(f.finishedAt)}</td></tr>`,
  ),
)}</section>`,
  )}`;
}

export function filesPage(q: { partner?: string; day?: string; state?: string }, list: Html, refreshUrl: string): Html {
  return html`${searchForm('isa13', '')}
<form method="get" action="/files" class="filters"><label>Partner <input name="partner" value="${q.partner}" maxlength="63"></label>
<label>Day <input type="date" name="day" value="${q.day}"></label>
<label>State <select name="state"><option value="">any</option>${['received', 'quarantined', 'translated', 'rejected'].map((s) => html`<option${new Html(s === q.state ? ' selected' : '')}>${s}</option>`)}</select></label>
<button type="submit">Filter</button></form>${refreshing(refreshUrl, list, 'files')}`;
}

function setsTable(sets: readonly SetRow[]): Html {
  return table(
    ['ISA13', 'GS06', 'ST02', 'Set', 'Guide', 'Status', 'Codes', 'File'],
    sets.map(
      (s) => html`<tr data-st02="${s.st02}"><td>${s.isa13}</td><td>${s.gs06}</td><td>${s.st02}</td><td>${s.setId}</td><td>${s.guide ?? '–'}</td><td>${stateBadge(s.status)}</td>
<td>${s.codes.join(', ') || '–'}</td><td><a href="/files/${s.fileId}"><code>${s.fileId.slice(0, 12)}…</code></a></td></tr>`,
    ),
    'No transaction sets.',
  );
}

export function fileDetailPage(f: FileDetail): Html {
  // TA1 answers per interchange ("A", "R:025") and the 999's AK9 per group (A, E, P, R).
  const acks = [...f.acknowledgments.ta1.map((a) => `TA1 ${a}`), ...f.acknowledgments.groups999.map((a) => `999 ${a}`)];
  return html`<dl class="facts"><dt>File id</dt><dd><code>${f.fileId}</code></dd><dt>Partner</dt><dd>${f.partnerId}</dd><dt>State</dt><dd>${stateBadge(f.state, f.reasonCode)}</dd>
<dt>Channel</dt><dd>${f.channel ?? '–'}</dd><dt>Received</dt><dd>${time(f.receivedAt)}</dd><dt>Finished</dt><dd>${time(f.finishedAt)}</dd>
<dt>Acknowledgments sent</dt><dd class="acks">${acks.length === 0 ? '–' : acks.join(', ')}</dd><dt>Claims</dt><dd>${f.claims}</dd></dl>
<h2>Transaction sets</h2>${setsTable(f.transactionSets)}
<h2>Callbacks</h2>${table(
    ['Message', 'Endpoint', 'Outcome', 'Attempts', 'Code', 'Latency', 'Last attempt'],
    f.callbacks.map(
      (c) => html`<tr class="callback" data-subscription="${c.subscriptionId}"><td><code>${c.messageId.slice(0, 12)}…</code></td><td>${c.subscriptionId}</td><td>${stateBadge(c.outcome)}</td>
<td class="num">${c.attempts}</td><td>${c.code ?? '–'}</td><td class="num">${c.latencyMs === null ? '–' : `${c.latencyMs} ms`}</td><td>${time(c.lastAttemptAt)}</td></tr>`,
    ),
    'No callbacks yet.',
  )}`;
}

export function searchResultsPage(kind: string, value: string, sets: readonly SetRow[], claims: readonly ClaimRow[]): Html {
  return html`${searchForm(kind, value)}${sets.length > 0 ? html`<h2>Transaction sets</h2>${setsTable(sets)}` : ''}${claims.length > 0 ? html`<h2>Claims</h2>${claimsTable(claims)}` : ''}
${sets.length === 0 && claims.length === 0 ? html`<p class="empty">Nothing found.</p>` : ''}`;
}

const money = (v: string | null): string => (v === null ? '–' : `$${v}`);

function claimsTable(claims: readonly ClaimRow[]): Html {
  return table(
    ['Claim', 'Partner', 'Status', 'Billed', 'Paid', 'Submitted', 'Updated'],
    claims.map(
      (c) => html`<tr data-claim="${c.claimNumber}"><td><a href="/claims/${c.claimId}">${c.claimNumber}</a></td><td>${c.partnerId}</td><td>${stateBadge(c.status)}</td>
<td class="num">${money(c.billedAmount)}</td><td class="num">${money(c.paidAmount)}</td><td>${time(c.submittedAt)}</td><td>${time(c.updatedAt)}</td></tr>`,
    ),
    'No claims.',
  );
}

export function claimsPage(q: { claimNumber?: string; partner?: string; status?: string }, claims: readonly ClaimRow[]): Html {
  return html`<form method="get" action="/claims" class="filters"><label>Claim number <input name="claimNumber" value="${q.claimNumber}" maxlength="38"></label>
<label>Partner <input name="partner" value="${q.partner}" maxlength="63"></label><button type="submit">Find</button></form>${claimsTable(claims)}`;
}

export function claimDetailPage(c: ClaimDetail): Html {
  return html`<dl class="facts"><dt>Claim number</dt><dd>${c.claimNumber}</dd><dt>Partner</dt><dd>${c.partnerId}</dd><dt>Status</dt><dd>${stateBadge(c.status)}</dd>
<dt>Billed</dt><dd>${money(c.billedAmount)}</dd><dt>Paid</dt><dd>${money(c.paidAmount)}</dd><dt>Payer claim control number</dt><dd>${c.payerClaimControlNumber ?? '–'}</dd>
<dt>Trace number</dt><dd>${c.traceNumber ?? '–'}</dd></dl>
<h2>Timeline</h2><ol class="timeline">${c.timeline.map(
    (e) => html`<li data-source="${e.source}"><span class="source">${e.source}</span> ${stateBadge(e.status)} ${time(e.occurredAt)}
${e.codes.length > 0 ? html`<span class="codes">${e.codes.join(', ')}</span>` : ''} ${e.billedAmount !== null ? html`<span>billed ${money(e.billedAmount)}</span>` : ''}
${e.paidAmount !== null ? html`<span>paid ${money(e.paidAmount)}</span>` : ''} <a href="/files/${e.fileId}">file</a></li>`,
  )}</ol>`;
}

/** Hidden inputs carrying a dead-letter filter (and chosen ids) from one form to the next. */
function filterFields(q: DeadLetterQuery, ids: readonly string[] = []): Html {
  const fields = Object.entries(q).filter(([k, v]) => v !== undefined && v !== '' && k !== 'limit');
  return html`${fields.map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}${ids.map((id) => html`<input type="hidden" name="messageId" value="${id}">`)}`;
}

export function deadLettersPage(q: DeadLetterQuery & { day?: string }, rows: readonly DeadLetterRow[], csrf: string, mayReplay: boolean): Html {
  const filter = html`<form method="get" action="/deadletters" class="filters"><label>Partner <input name="partnerId" value="${q.partnerId}" maxlength="63"></label>
<label>Endpoint <input name="subscriptionId" value="${q.subscriptionId}" maxlength="100"></label><label>Code <input name="code" value="${q.code}" maxlength="40"></label>
<label>Day <input type="date" name="day" value="${q.day}"></label><button type="submit">Filter</button></form>`;
  const { day: _day, ...query } = q;
  const list = table(
    [...(mayReplay ? [''] : []), 'Message', 'Endpoint', 'Partner', 'File', 'Code', 'Error', 'Attempts', 'Replays', 'Dead-lettered'],
    rows.map(
      (d) => html`<tr data-message="${d.messageId}" data-subscription="${d.subscriptionId}">${mayReplay ? html`<td><input type="checkbox" name="messageId" value="${d.messageId}" aria-label="select"></td>` : ''}
<td><code>${d.messageId.slice(0, 12)}…</code></td><td>${d.subscriptionId}</td><td>${d.partnerId}</td><td><a href="/files/${d.fileId}"><code>${d.fileId.slice(0, 12)}…</code></a></td>
<td><span class="badge failed">${d.code}</span>${d.lastStatus === undefined ? '' : html` HTTP ${d.lastStatus}`}</td><td class="reason">${d.reason}</td><td class="num">${d.attempts}</td><td class="num">${d.replays}</td><td>${time(d.deadLetteredAt)}</td></tr>`,
    ),
    'No dead letters.',
  );
  if (!mayReplay) return html`${filter}<p class="note">Read-only: replay needs the operator role.</p>${list}`;
  return html`${filter}<form method="post" action="/deadletters/confirm" class="replay">${csrfField(csrf)}${filterFields(query)}
<div class="actions"><button type="submit" name="scope" value="selected">Replay selected…</button> <button type="submit" name="scope" value="all">Replay all ${rows.length} matching…</button></div>${list}</form>`;
}

export function confirmReplayPage(q: DeadLetterQuery, scope: 'selected' | 'all', rows: readonly DeadLetterRow[], csrf: string): Html {
  const ids = scope === 'selected' ? rows.map((r) => r.messageId) : [];
  return html`<p class="confirm">Replay <strong>${rows.length}</strong> dead letter${rows.length === 1 ? '' : 's'} to ${new Set(rows.map((r) => r.subscriptionId)).size} endpoint(s)? Each is sent again with its original idempotency key.</p>
${table(['Message', 'Endpoint', 'Partner', 'Code'], rows.map((d) => html`<tr><td><code>${d.messageId.slice(0, 12)}…</code></td><td>${d.subscriptionId}</td><td>${d.partnerId}</td><td>${d.code}</td></tr>`))}
<form method="post" action="/deadletters/replay">${csrfField(csrf)}${filterFields(q, ids)}<input type="hidden" name="scope" value="${scope}">
<button type="submit" class="danger" name="confirm" value="yes">Replay ${rows.length}</button> <a href="/deadletters">Cancel</a></form>`;
}

export function replayResultPage(result: ReplayResult): Html {
  return html`<p class="result">Replayed <strong class="replayed">${result.replayed.length}</strong>, failed <strong class="failed-count">${result.failed.length}</strong>. Recorded in the <a href="/audit">audit log</a>.</p>
${result.failed.length > 0 ? table(['Message', 'Endpoint', 'Code'], result.failed.map((f) => html`<tr><td><code>${f.messageId.slice(0, 12)}…</code></td><td>${f.subscriptionId}</td><td>${f.code}</td></tr>`)) : ''}
<p><a href="/deadletters">Back to dead letters</a></p>`;
}

export function servicesFragment(services: readonly ServiceStatus[]): Html {
  if (services.length === 0) return html`<p class="empty">No service configured.</p>`;
  return html`<div class="cards">${services.map(
    (s) => html`<section class="card" data-service="${s.name}"><h2>${s.name}</h2>
<p><span class="state ${s.healthy ? 'ok' : 'down'}">${s.healthy ? 'healthy' : 'down'}</span> <span class="state ${s.ready ? 'ok' : 'down'}">${s.ready ? 'ready' : 'not ready'}</span> <span class="version">version ${s.version ?? '–'}</span></p>
${s.error === undefined ? '' : html`<p class="error">${s.error}</p>`}
${Object.keys(s.checks).length > 0 ? html`<p class="checks">${Object.entries(s.checks).map(([k, ok]) => html`<span class="state ${ok ? 'ok' : 'down'}">${k}</span> `)}</p>` : ''}
${table(['Counter', 'Value'], s.counters.map((c) => html`<tr><td><code>${c.name}</code></td><td class="num">${c.value}</td></tr>`), 'No counters yet.')}</section>`,
  )}</div>`;
}

export function auditPage(entries: readonly AuditEntry[]): Html {
  return table(
    ['When', 'Who', 'Role', 'Action', 'Target', 'Outcome'],
    entries.map(
      (e) => html`<tr class="audit"><td>${time(e.at)}</td><td>${e.user}</td><td>${e.role}</td><td>${e.action}</td><td><code>${JSON.stringify(e.target)}</code></td><td><code>${JSON.stringify(e.outcome)}</code></td></tr>`,
    ),
    'No actions recorded.',
  );
}

export function loginPage(csrf: string, message?: string): Html {
  return html`${message === undefined ? '' : html`<p class="error">${message}</p>`}<form method="post" action="/login" class="login">${csrfField(csrf)}
<label>Access token <input type="password" name="token" autocomplete="current-password" required></label><button type="submit">Sign in</button></form>
<p class="note">Use the operator or read-only token (npm start writes them under <code>var/keys/</code>).</p>`;
}

export function messagePage(message: string): Html {
  return html`<p class="error">${message}</p>`;
}
