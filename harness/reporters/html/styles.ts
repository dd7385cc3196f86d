/** The page's inline style sheet: readable on screen and printed, no web font, no image. */
export const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; max-width: 110em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { margin-top: 1.5em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
th.group { background: #eef; }
code, pre { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #f6f8fa; padding: 6px 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: 0.3em 0; }
a { color: #0b57d0; }
.outcome { font-size: 1.15em; padding: 4px 10px; display: inline-block; }
.problems, .warning-box { background: #fff4ce; border-left: 4px solid #e0a800; padding: 4px 8px; }
#settings th { background: #f6f6f6; font-weight: normal; }
.overview { display: flex; flex-wrap: wrap; gap: 0 2em; align-items: flex-start; }
#requirements > tbody > tr > th:first-child { white-space: nowrap; }
.failed-check { margin-top: 4px; }
#totals td { text-align: right; min-width: 3em; }
#filters { position: sticky; top: 0; background: #fff; padding: 6px 0; border-bottom: 1px solid #ddd; z-index: 1; }
#filters fieldset { display: inline-block; border: 1px solid #ddd; margin: 0 6px 4px 0; padding: 2px 8px; }
#filters label { margin-right: 8px; white-space: nowrap; }
section.suite > h3 { margin: 1em 0 0.3em; }
details.test { border: 1px solid #ddd; margin: 3px 0; padding: 2px 8px; }
details.test > summary { cursor: pointer; }
details.test[open] > summary { margin-bottom: 6px; }
.reason { color: #444; }
.muted { color: #666; }
.checks td:nth-child(4), .checks td:nth-child(5) { font-family: ui-monospace, monospace; font-size: 12.5px; }
details.exchange { margin: 3px 0 3px 1em; }
.badge { display: inline-block; min-width: 8.5em; font-weight: 600; }
[data-verdict="passed"] .badge, tr[data-verdict="passed"] > td.verdict, .checks tr.ok > td.verdict { color: #137333; }
[data-verdict="failed"] .badge, tr[data-verdict="failed"] > td.verdict, .checks tr.failed > td.verdict { color: #c5221f; }
[data-verdict="warning"] .badge, tr[data-verdict="warning"] > td.verdict { color: #b06000; }
[data-verdict="known"] .badge, tr[data-verdict="known"] > td.verdict, .checks tr.known > td.verdict { color: #1a55b0; }
[data-verdict="info"] .badge, tr[data-verdict="info"] > td.verdict { color: #007b83; }
[data-verdict="error"] .badge, tr[data-verdict="error"] > td.verdict { color: #8430ce; }
[data-verdict="skipped"] .badge, [data-verdict="not-judged"] > td.verdict { color: #666; }
details.test[data-verdict="failed"], tr[data-verdict="failed"] { background: #fce8e6; }
details.test[data-verdict="error"], tr[data-verdict="error"] { background: #f3e8fd; }
details.test[data-verdict="warning"], tr[data-verdict="warning"] { background: #fff8e1; }
details.test[data-verdict="known"], tr[data-verdict="known"] { background: #e8f0fe; }
.checks tr.failed { background: #fce8e6; }
:target { outline: 3px solid #0b57d0; }
[id] { scroll-margin-top: 9em; }
[hidden] { display: none !important; }
@media print { #filters { display: none; } details.test { break-inside: avoid; } }
`;
