/**
 * The shell of a one-file HTML page the tool writes (report.html, compare.html): UTF-8, a
 * Content-Security-Policy that lets nothing load, the page's own inline style, then its body.
 * `title` is escaped HTML already.
 */
export function htmlDocument(page: { csp: string; title: string; style: string; body: string }) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${page.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
<style>${page.style}</style>
</head>
<body>
${page.body}
</body>
</html>
`;
}
