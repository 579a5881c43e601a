/**
 * The report's one stylesheet, inlined in the page: system fonts (nothing to
 * load), a readable column on a desktop, charts and wide tables that scroll
 * sideways inside their own box on a phone (the page itself never does), and
 * a print layout without scroll boxes, figures and tables kept whole on a page.
 */
export const REPORT_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 16px; max-width: 920px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; background: #fff; }
header { border-bottom: 2px solid #1a1a1a; margin-bottom: 12px; }
h1 { font-size: 1.5em; margin: 0.2em 0; }
h2 { font-size: 1.25em; margin: 1.6em 0 0.3em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.3em; }
p { margin: 0.3em 0; }
.meta { color: #444; overflow-wrap: anywhere; }
nav ol { margin: 0.3em 0; padding-left: 1.4em; }
.notice { border-left: 4px solid #c77800; background: #fff6e5; padding: 6px 10px; margin: 8px 0; }
.verdict { border: 1px solid #bbb; padding: 6px 10px; margin: 10px 0; }
.verdict.failed { border-color: #c62828; background: #fdecea; }
.verdict.passed { border-color: #2e7d32; background: #edf7ed; }
.verdict ul { list-style: none; margin: 4px 0 0; padding: 0; }
.verdict li { font-variant-numeric: tabular-nums; }
.mark { display: inline-block; min-width: 4.2em; font-weight: 600; }
.pass .mark { color: #2e7d32; }
.fail .mark { color: #c62828; }
.table-wrap { overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; font-size: 0.93em; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 3px 10px 3px 0; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; white-space: nowrap; }
th { border-bottom: 1px solid #888; font-weight: 600; }
td.num, th.num { text-align: right; }
td.wrap { white-space: normal; min-width: 16em; }
figure { margin: 18px 0; }
.chart-scroll { overflow-x: auto; }
.chart-svg { display: block; width: 100%; min-width: 480px; height: auto; }
figcaption { color: #333; font-size: 0.93em; margin-top: 4px; }
footer { margin-top: 2em; border-top: 1px solid #ccc; color: #555; font-size: 0.85em; overflow-wrap: anywhere; }
@media (max-width: 600px) {
  body { padding: 10px; font-size: 14px; }
  h1 { font-size: 1.3em; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  @page { margin: 14mm 12mm; }
  nav { display: none; }
  .table-wrap, .chart-scroll { overflow: visible; }
  .chart-svg { min-width: 0; max-height: 120mm; }
  figure, table, .verdict, .notice { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  th, td { white-space: normal; }
}
`;
