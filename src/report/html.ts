/**
 * Markdown to a self-contained HTML page with `marked`: inline CSS, the SVG pictures inlined
 * where the markdown links them, links between reports rewritten from .md to .html, and no
 * scripts or network references. Raw HTML in the markdown is never passed through: it is shown
 * as text, so nothing a scenario says can become markup even if it slipped past mdText.
 */
import { Marked, type Tokens } from 'marked';
import { escapeXml } from './svg.js';
import { CLASS_MARK } from './timeline.js';

export const escapeHtml = escapeXml;

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d1d1f; background: #fff; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 1.7em; border-bottom: 2px solid #ddd; padding-bottom: .2em; }
h2 { font-size: 1.35em; margin-top: 1.8em; border-bottom: 1px solid #e4e4e4; padding-bottom: .15em; }
h3 { font-size: 1.1em; margin-top: 1.5em; }
h4 { font-size: 1em; margin-top: 1.2em; color: #444; }
blockquote { margin: .8em 0; padding: .4em 1em; border-left: 4px solid #9db8e0; background: #f5f8fd; color: #333; }
table { border-collapse: collapse; margin: .8em 0; font-size: 13px; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #d6d6d6; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; }
tr:nth-child(even) td { background: #fafafa; }
td strong { color: #b00020; }
.absent { color: #8a8a8a; font-style: italic; cursor: help; border-bottom: 1px dotted #b0b0b0; }
code { font: 12.5px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; background: #f3f3f3; padding: 0 3px; border-radius: 3px; }
pre { background: #f7f7f7; border: 1px solid #e2e2e2; padding: 10px 12px; overflow-x: auto; border-radius: 4px; }
pre code { background: none; padding: 0; font-size: 12px; }
pre code.language-diff, pre code.side-by-side { white-space: pre; }
pre code span { display: inline-block; min-width: 100%; }
figure { margin: 1em 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
figcaption { font-size: 13px; color: #555; }
ul { padding-left: 1.4em; }
nav { font-size: 13px; margin-bottom: 1em; }
td.eqA { background: #e8f1fb; }
td.eqB { background: #fde9cf; background-image: repeating-linear-gradient(135deg, transparent 0 6px, rgba(0,0,0,.05) 6px 8px); }
td.eqC { background: #d7f0e6; background-image: repeating-linear-gradient(45deg, transparent 0 6px, rgba(0,0,0,.05) 6px 8px); }
td.eqD { background: #f6dcec; background-image: radial-gradient(rgba(0,0,0,.08) 1px, transparent 1px); background-size: 6px 6px; }
td.eqE, td.eqF, td.eqG, td.eqH { background: #eeeeee; }
`.trim();

export interface HtmlOptions {
  title: string;
  /** SVG pictures by the file name the markdown links (inlined in place of the image). */
  svgs: ReadonlyMap<string, string>;
  /** A link back to the index, when the page is not the index. */
  indexLink?: boolean;
}

function colourDiffLines(escaped: string): string {
  return escaped
    .split('\n')
    .map((l) => {
      if (l.startsWith('@@')) return `<span style="color:#6f42c1">${l}</span>`;
      if (l.startsWith('+')) return `<span style="background:#e6ffec;color:#116329">${l}</span>`;
      if (l.startsWith('-')) return `<span style="background:#ffebe9;color:#82071e">${l}</span>`;
      return l;
    })
    .join('\n');
}

const MARK_STYLE: Record<string, string> = { '|': 'background:#fff5d6', '<': 'background:#ffebe9', '>': 'background:#e6ffec' };

/** sideBySideText output: the marker column (after the dashes of the second line) colours each row. */
function colourSideBySide(text: string): string {
  const lines = text.split('\n');
  const w = /^-+/.exec(lines[1] ?? '')?.[0].length ?? 0;
  return lines
    .map((l, i) => {
      const style = i >= 2 && w ? MARK_STYLE[l.charAt(w + 1)] : undefined;
      return style ? `<span style="${style}">${escapeHtml(l)}</span>` : escapeHtml(l);
    })
    .join('\n');
}

export function renderHtml(markdown: string, opts: HtmlOptions): string {
  const marked = new Marked({ gfm: true, async: false });
  marked.use({
    renderer: {
      html(token: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(token.text);
      },
      image(token: Tokens.Image): string {
        const svg = opts.svgs.get(token.href);
        if (svg === undefined) return escapeHtml(token.text);
        return `<figure>${svg.replace(/^<\?xml[^>]*>\s*/, '')}<figcaption>${escapeHtml(token.text)}</figcaption></figure>`;
      },
      link(token: Tokens.Link): string | false {
        // Only relative links between reports; anything else becomes plain text.
        if (/^[A-Za-z0-9._-]+\.md(#[A-Za-z0-9_-]*)?$/.test(token.href)) {
          const href = token.href.replace(/\.md(#|$)/, '.html$1');
          return `<a href="${escapeHtml(href)}">${this.parser.parseInline(token.tokens)}</a>`;
        }
        // An absent function (markdown.ts absentCell): grey, with the release that introduced it as the tooltip.
        if (token.href === '#absent') return `<span class="absent" title="${escapeHtml(token.title ?? 'not in this version')}">${this.parser.parseInline(token.tokens)}</span>`;
        if (/^#[A-Za-z0-9_-]*$/.test(token.href)) return `<a href="${escapeHtml(token.href)}">${this.parser.parseInline(token.tokens)}</a>`;
        // Source and commit links (src/report/links.ts) to the three hosts they use.
        if (/^https:\/\/(elixir\.bootlin\.com|github\.com|git\.kernel\.org)\/[A-Za-z0-9._~:/?#=&%+-]*$/.test(token.href))
          return `<a href="${escapeHtml(token.href)}" rel="noopener noreferrer">${this.parser.parseInline(token.tokens)}</a>`;
        return this.parser.parseInline(token.tokens);
      },
      tablecell(token: Tokens.TableCell): string {
        const tag = token.header ? 'th' : 'td';
        const align = token.align ? ` style="text-align:${token.align}"` : '';
        const m = new RegExp(`^([A-H])${CLASS_MARK} `).exec(token.text);
        // A timeline cell: its behaviour class picks the colour (and a pattern, for colour-blind readers).
        const cls = m && !token.header ? ` class="eq eq${m[1]}"` : '';
        return `<${tag}${cls}${align}>${this.parser.parseInline(token.tokens)}</${tag}>\n`;
      },
      code(token: Tokens.Code): string {
        const body = escapeHtml(token.text);
        if (token.lang === 'diff') return `<pre><code class="language-diff">${colourDiffLines(body)}</code></pre>\n`;
        if (token.lang === 'side-by-side' || token.lang === 'text side-by-side') return `<pre><code class="side-by-side">${colourSideBySide(token.text)}</code></pre>\n`;
        return `<pre><code>${body}</code></pre>\n`;
      },
    },
  });
  // A picture alone in its paragraph: the figure stands on its own (no <figure> inside <p>).
  const body = (marked.parse(markdown) as string).replace(/<p>(<figure>[\s\S]*?<\/figure>)<\/p>/g, '$1');
  const nav = opts.indexLink ? '<nav><a href="index.html">← all reports</a></nav>\n' : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)}</title>
<style>
${CSS}
</style>
</head>
<body>
<main>
${nav}${body.trimEnd()}
</main>
</body>
</html>
`;
}
