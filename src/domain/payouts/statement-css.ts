/**
 * The printable statement's style sheet (statement-html.ts), one fixed text: the page carries it in
 * a <style> element, which the app's Content-Security-Policy allows by this text's hash
 * (http/plugins/security.ts), so the page needs no other request and no 'unsafe-inline'. Change a
 * character and the hash follows. Made for paper: black on white, no backgrounds, A4 or Letter as
 * the printer chooses (no fixed @page size), lines that break between rows with the header
 * repeated on every page, and a table that never gets wider than the page.
 */
export const STATEMENT_CSS = `@page { margin: 14mm 12mm 16mm; }
:root { color-scheme: light; }
* { box-sizing: border-box; }
html, body { background: #fff; color: #111; }
body { margin: 0 auto; max-width: 200mm; padding: 16px; font: 9.5pt/1.35 system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
@media print { body { max-width: none; padding: 0; } }
header.brand { display: flex; align-items: center; gap: 12px; border-bottom: 3px solid #1f3a5f; padding-bottom: 8px; margin-bottom: 12px; }
header.brand img { max-height: 40px; max-width: 160px; }
.org { font-size: 12pt; font-weight: 600; overflow-wrap: anywhere; }
h1 { font-size: 15pt; margin: 0 0 8px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 10px; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.state { border: 1px solid #777; padding: 6px 8px; margin: 0 0 12px; }
.state.draft { border: 2px solid #b45309; color: #7c2d12; font-weight: 600; }
.watermark { position: fixed; top: 38%; left: 0; right: 0; text-align: center; font-size: 90pt; font-weight: 700; color: rgba(180, 83, 9, 0.13); transform: rotate(-28deg); pointer-events: none; }
table.lines { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.lines thead { display: table-header-group; }
table.lines tfoot { display: table-row-group; }
table.lines tr { break-inside: avoid; page-break-inside: avoid; }
table.lines th, table.lines td { border-bottom: 1px solid #bbb; padding: 3px 4px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
table.lines thead th { border-bottom: 2px solid #333; }
table.lines .num { text-align: right; font-variant-numeric: tabular-nums; }
table.lines tfoot th, table.lines tfoot td { border-top: 2px solid #333; border-bottom: 0; font-weight: 700; }
col.n { width: 4%; } col.item { width: 17%; } col.base { width: 25%; } col.bracket { width: 17%; } col.rate { width: 9%; } col.amount { width: 13%; } col.reason { width: 15%; }
.muted { color: #555; font-size: 8.5pt; }
.warnings { margin-top: 10px; }
footer { margin-top: 14px; font-size: 8pt; color: #555; }
`;
