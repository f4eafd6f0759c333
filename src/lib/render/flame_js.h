/*
 * flame_js.h - the CSS and JavaScript embedded in every SVG flame graph
 * that svg.c writes: click to zoom, Reset Zoom, a regex Search that
 * highlights frames and reports the matched share, and details of the frame
 * under the pointer.  Written for heapdoc (the interaction model is the one
 * of flamegraph.pl, which popularised it).  The script reads frame names
 * only through DOM text (textContent), never through markup, so a hostile
 * function name cannot inject code.  Frame geometry is in the attributes
 * data-x / data-w of each <g class="f">: left edge and width as fractions
 * of the root times 1e9 (docs/internals/flame.md).  No network access, no
 * external resources.
 */
#ifndef HD_FLAME_JS_H
#define HD_FLAME_JS_H

static const char hd_flame_css[] =
	"text{font-family:Verdana,sans-serif;font-size:12px;fill:#000}\n"
	"#title{font-size:17px;text-anchor:middle}\n"
	"#subtitle{text-anchor:middle;fill:#555}\n"
	".f text{font-family:monospace;font-size:11px;pointer-events:none}\n"
	".f:hover rect{stroke:#000;stroke-width:0.5;cursor:pointer}\n"
	".hide{display:none}\n"
	".btn{cursor:pointer;fill:#036}\n"
	".btn:hover{text-decoration:underline}\n";

static const char hd_flame_js[] =
	"'use strict';\n"
	"var W, PAD, frames, details, matchedText, unzoomBtn, searchBtn, zoomed = null;\n"
	"function init() {\n"
	"  var svg = document.documentElement;\n"
	"  W = +svg.getAttribute('width');\n"
	"  PAD = +svg.getAttribute('data-pad');\n"
	"  frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));\n"
	"  details = document.getElementById('details').firstChild;\n"
	"  matchedText = document.getElementById('matched');\n"
	"  unzoomBtn = document.getElementById('unzoom');\n"
	"  searchBtn = document.getElementById('search');\n"
	"  frames.forEach(function (g) {\n"
	"    g.addEventListener('click', function () { zoom(g); });\n"
	"    g.addEventListener('mouseover', function () { details.nodeValue = info(g); });\n"
	"    g.addEventListener('mouseout', function () { details.nodeValue = ' '; });\n"
	"  });\n"
	"  unzoomBtn.addEventListener('click', unzoom);\n"
	"  searchBtn.addEventListener('click', searchPrompt);\n"
	"  window.addEventListener('keydown', function (e) {\n"
	"    if ((e.ctrlKey || e.metaKey) && e.key === 'f') { e.preventDefault(); searchPrompt(); }\n"
	"    if (e.key === 'Escape') { unzoom(); clearSearch(); }\n"
	"  });\n"
	"  var q = new URLSearchParams(window.location.search).get('s');\n"
	"  if (q) search(q);\n"
	"}\n"
	/* name and details live in <title>: first line the name, then details */
	"function title(g) { return g.querySelector('title').textContent; }\n"
	"function name(g) { var t = title(g); var i = t.indexOf('\\n'); return i < 0 ? t : t.slice(0, i); }\n"
	"function info(g) { return title(g).replace(/\\n/g, ' | '); }\n"
	"function fx(g) { return +g.getAttribute('data-x') / 1e9; }\n"
	"function fw(g) { return +g.getAttribute('data-w') / 1e9; }\n"
	"function fy(g) { return +g.querySelector('rect').getAttribute('y'); }\n"
	"function place(g, x, w) {\n"
	"  var r = g.querySelector('rect'), t = g.querySelector('text');\n"
	"  var px = PAD + x * (W - 2 * PAD), pw = w * (W - 2 * PAD);\n"
	"  r.setAttribute('x', px.toFixed(1));\n"
	"  r.setAttribute('width', Math.max(pw, 0).toFixed(1));\n"
	"  t.setAttribute('x', (px + 3).toFixed(1));\n"
	"  var n = name(g), fit = Math.floor((pw - 6) / 6.7);\n"
	"  t.textContent = fit < 3 ? '' : (n.length <= fit ? n : n.slice(0, fit - 2) + '..');\n"
	"}\n"
	"function zoom(node) {\n"
	"  var x0 = fx(node), w0 = fw(node), y0 = fy(node);\n"
	"  zoomed = node;\n"
	"  unzoomBtn.classList.remove('hide');\n"
	"  frames.forEach(function (g) {\n"
	"    var x = fx(g), w = fw(g), y = fy(g);\n"
	"    if (y > y0) {\n"
	/* below the clicked frame: its ancestors span the whole width */
	"      if (x <= x0 + 1e-12 && x + w >= x0 + w0 - 1e-12) {\n"
	"        g.classList.remove('hide'); g.style.opacity = 0.6; place(g, 0, 1);\n"
	"      } else g.classList.add('hide');\n"
	"    } else if (x >= x0 - 1e-12 && x + w <= x0 + w0 + 1e-12) {\n"
	"      g.classList.remove('hide'); g.style.opacity = '';\n"
	"      place(g, (x - x0) / w0, w / w0);\n"
	"    } else g.classList.add('hide');\n"
	"  });\n"
	"}\n"
	"function unzoom() {\n"
	"  zoomed = null;\n"
	"  unzoomBtn.classList.add('hide');\n"
	"  frames.forEach(function (g) {\n"
	"    g.classList.remove('hide'); g.style.opacity = ''; place(g, fx(g), fw(g));\n"
	"  });\n"
	"}\n"
	"function searchPrompt() {\n"
	"  var term = window.prompt('Search frames (regular expression):', '');\n"
	"  if (term === null) return;\n"
	"  if (term === '') clearSearch(); else search(term);\n"
	"}\n"
	"function clearSearch() {\n"
	"  frames.forEach(function (g) {\n"
	"    var r = g.querySelector('rect');\n"
	"    r.setAttribute('fill', r.getAttribute('data-fill'));\n"
	"  });\n"
	"  matchedText.textContent = ' ';\n"
	"}\n"
	"function search(term) {\n"
	"  var re;\n"
	"  try { re = new RegExp(term); } catch (e) { matchedText.textContent = 'bad regex'; return; }\n"
	"  clearSearch();\n"
	"  var hits = [];\n"
	"  frames.forEach(function (g) {\n"
	"    if (re.test(name(g))) {\n"
	"      g.querySelector('rect').setAttribute('fill', 'rgb(230,0,230)');\n"
	"      hits.push([fx(g), fw(g)]);\n"
	"    }\n"
	"  });\n"
	/* the matched share counts nested matches once: merge the intervals */
	"  hits.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });\n"
	"  var sum = 0, end = -1;\n"
	"  hits.forEach(function (h) {\n"
	"    if (h[0] + h[1] <= end + 1e-12) return;\n"
	"    var s = Math.max(h[0], end); sum += h[0] + h[1] - s; end = h[0] + h[1];\n"
	"  });\n"
	"  matchedText.textContent = 'Matched: ' + (100 * sum).toFixed(2) + '%';\n"
	"}\n"
	"window.addEventListener('load', init);\n";

#endif /* HD_FLAME_JS_H */
