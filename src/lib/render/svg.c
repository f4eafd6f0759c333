/*
 * svg.c - `heapdoc flame`: a self-contained interactive SVG flame graph of
 * the call tree (flame_tree.c), with the script and style of flame_js.h
 * inline and no external resource.  Layout follows flamegraph.pl: root at
 * the bottom, children left to right by name, frames narrower than
 * min_width of the total left out; in addition at most max_frames frames
 * are drawn (the widest), which bounds the file size whatever the profile.
 * Differential trees are drawn like pprof's diff flame graph: width =
 * growth + shrinkage, colour from red (all growth) to blue (all
 * shrinkage).  Every name is untrusted: flame_tree.c made it valid UTF-8
 * without control bytes, here it is XML-escaped.  docs/internals/flame.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "flame_tree.h"
#include "flame_js.h"

#define FRAME_H 16     /* pixels per level */
#define TOP_PAD 72     /* title, subtitle, controls */
#define BOTTOM_PAD 28  /* details line */
#define SIDE_PAD 10
#define TITLE_NAME_MAX 300 /* bytes of a name kept in a tooltip */
#define CHAR_PX 6.7    /* average advance of the 11px monospace font */

static void xml_escape(struct hd_buf *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		hd_buf_append(b, s + start, i - start);
		hd_buf_append(b, rep, strlen(rep));
		start = i + 1;
	}
	hd_buf_append(b, s + start, n - start);
}

/* Escapes a caller-supplied string (title): made safe first. */
static void xml_escape_untrusted(struct hd_buf *b, struct hd_buf *tmp, const char *s)
{
	tmp->len = 0;
	hd_ftree_safe_name(tmp, hd_str_c(s), false, 1024);
	xml_escape(b, tmp->data ? tmp->data : "", tmp->len);
}

/* Bytes of the longest prefix of valid UTF-8 `s` with at most `max_chars`
 * code points and at most `max_bytes` bytes. */
static size_t utf8_prefix(struct hd_str s, size_t max_chars, size_t max_bytes)
{
	size_t i = 0, chars = 0;
	while (i < s.len && chars < max_chars) {
		unsigned char c = (unsigned char)s.ptr[i];
		size_t l = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		if (i + l > max_bytes || i + l > s.len)
			break;
		i += l;
		chars++;
	}
	return i;
}

static size_t utf8_chars(struct hd_str s)
{
	size_t n = 0;
	for (size_t i = 0; i < s.len; i++)
		n += ((unsigned char)s.ptr[i] & 0xc0) != 0x80;
	return n;
}

/* "48928729 bytes (46.66MB)" for byte units, "83487 count" otherwise. */
static void put_value(struct hd_buf *b, int64_t v, struct hd_str unit)
{
	hd_buf_printf(b, "%lld", (long long)v);
	if (unit.len) {
		hd_buf_putc(b, ' ');
		hd_ftree_safe_name(b, unit, false, 64);
	}
	if (hd_str_eqc(unit, "bytes") && (v >= 1024 || v <= -1024)) {
		static const char *units[] = {"kB", "MB", "GB", "TB", "PB"};
		double d = (double)v;
		int u = -1;
		while ((d >= 1024 || d <= -1024) && u < 4) {
			d /= 1024;
			u++;
		}
		hd_buf_printf(b, " (%.2f%s)", d, units[u]);
	}
}

static void put_pct(struct hd_buf *b, int64_t v, int64_t total)
{
	if (total == 0)
		hd_buf_append(b, "n/a", 3);
	else
		hd_buf_printf(b, "%.2f%%", 100.0 * (double)v / (double)total);
}

/* Sums of huge weights may overflow int64: they wrap, as Go's int64 (and
 * as they always did here), without undefined behaviour. */
static inline int64_t wrap_sub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

static uint64_t name_hash(struct hd_str s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a: stable across runs */
	for (size_t i = 0; i < s.len; i++)
		h = (h ^ (unsigned char)s.ptr[i]) * 1099511628211ull;
	return h;
}

static void frame_colour(char *out, size_t cap, const struct hd_ftree *t,
			 const struct hd_ftnode *n, struct hd_str name)
{
	if (t->src->diff) {
		int64_t w = hd_i64_add(n->pos, n->neg);
		double r = w ? (double)wrap_sub(n->pos, n->neg) / (double)w : 0;
		int c = 255 - (int)lround(190 * fabs(r));
		if (r >= 0)
			snprintf(out, cap, "rgb(255,%d,%d)", c, c);
		else
			snprintf(out, cap, "rgb(%d,%d,255)", c, c);
		return;
	}
	/* flamegraph.pl's "hot" palette, seeded by the name */
	uint64_t h = name_hash(name);
	snprintf(out, cap, "rgb(%d,%d,%d)", 205 + (int)(h % 50), (int)((h >> 16) % 230),
		 (int)((h >> 32) % 55));
}

static void put_details(struct hd_buf *b, const struct hd_ftsrc *t, const struct hd_ftnode *n)
{
	if (!t->diff) {
		put_value(b, n->pos, t->unit);
		hd_buf_append(b, ", ", 2);
		put_pct(b, n->pos, t->total);
		if (n->self_pos) {
			hd_buf_append(b, "; self ", 7);
			put_value(b, n->self_pos, t->unit);
		}
		return;
	}
	hd_buf_append(b, "net ", 4);
	put_value(b, wrap_sub(n->pos, n->neg), t->unit);
	hd_buf_append(b, ", ", 2);
	put_pct(b, wrap_sub(n->pos, n->neg), t->total);
	hd_buf_append(b, "; grew ", 7);
	put_value(b, n->pos, t->unit);
	hd_buf_append(b, ", shrank ", 9);
	put_value(b, n->neg, t->unit);
}

/* ---- layout ---- */

struct layout {
	const struct hd_ftree *t;
	uint32_t *kids;      /* kept nodes sorted by (parent, name) */
	size_t n_kids;
	uint32_t *kid_first; /* per node: index into kids, or HD_NONE */
	uint32_t *kid_count;
	int64_t *x;          /* per node: left edge, in weight units */
};

static _Thread_local const struct hd_ftree *sort_tree;

static int kid_cmp(const void *a, const void *b)
{
	const struct hd_ftnode *x = &sort_tree->nodes[*(const uint32_t *)a];
	const struct hd_ftnode *y = &sort_tree->nodes[*(const uint32_t *)b];
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return hd_str_cmp(sort_tree->src->frames[x->frame], sort_tree->src->frames[y->frame]);
}

static int width_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x > y ? -1 : x < y;
}

static inline int64_t node_width(const struct hd_ftnode *n)
{
	return hd_i64_add(n->pos, n->neg);
}

/* The drawing threshold of choose_frames() before the --max-frames cap. */
static int64_t min_width(int64_t total, const struct hd_flame_options *o)
{
	double mw = o->min_width > 0 ? o->min_width : 0.0005;
	int64_t min = (int64_t)ceil(mw * (double)total);
	return min < 1 ? 1 : min;
}

/* Chooses the frames to draw; returns the width threshold (kept: > thr or
 * >= min) through *keep_min, the count through the return value; -1 on
 * allocation failure. */
static long choose_frames(const struct hd_ftree *t, const struct hd_flame_options *o,
			  int64_t *keep_min)
{
	int64_t min = min_width(node_width(&t->nodes[0]), o);
	size_t count = 0;
	for (size_t i = 1; i < t->n_nodes; i++)
		count += node_width(&t->nodes[i]) >= min;
	uint32_t max = o->max_frames ? o->max_frames : 10000;
	if (count > max) {
		int64_t *w = hd_malloc(count * sizeof(*w));
		if (!w)
			return -1;
		size_t k = 0;
		for (size_t i = 1; i < t->n_nodes; i++)
			if (node_width(&t->nodes[i]) >= min)
				w[k++] = node_width(&t->nodes[i]);
		qsort(w, k, sizeof(*w), width_desc);
		/* Keep the frames strictly wider than the (max+1)th: ties are
		 * dropped together, so the set stays closed under parents. */
		min = hd_i64_add(w[max], 1);
		hd_free(w);
		count = 0;
		for (size_t i = 1; i < t->n_nodes; i++)
			count += node_width(&t->nodes[i]) >= min;
	}
	*keep_min = min;
	return (long)count;
}

static bool layout_build(struct layout *L, const struct hd_ftree *t, int64_t min, size_t count)
{
	memset(L, 0, sizeof(*L));
	L->t = t;
	L->kids = hd_malloc((count + 1) * sizeof(*L->kids));
	L->kid_first = hd_malloc(t->n_nodes * sizeof(*L->kid_first));
	L->kid_count = hd_calloc(t->n_nodes, sizeof(*L->kid_count));
	L->x = hd_calloc(t->n_nodes, sizeof(*L->x));
	if (!L->kids || !L->kid_first || !L->kid_count || !L->x)
		return false;
	for (size_t i = 1; i < t->n_nodes; i++)
		if (node_width(&t->nodes[i]) >= min)
			L->kids[L->n_kids++] = (uint32_t)i;
	sort_tree = t;
	qsort(L->kids, L->n_kids, sizeof(*L->kids), kid_cmp);
	memset(L->kid_first, 0xff, t->n_nodes * sizeof(*L->kid_first));
	for (size_t k = 0; k < L->n_kids; k++) {
		uint32_t parent = t->nodes[L->kids[k]].parent;
		if (L->kid_first[parent] == HD_NONE)
			L->kid_first[parent] = (uint32_t)k;
		L->kid_count[parent]++;
	}
	/* Parents come before children in a pass by increasing depth; the
	 * sorted kid list is by parent index, and a parent's index is always
	 * smaller than its children's (nodes are created root-first). */
	for (size_t u = 0; u < t->n_nodes; u++) {
		if (L->kid_first[u] == HD_NONE)
			continue;
		int64_t cx = L->x[u];
		for (uint32_t k = 0; k < L->kid_count[u]; k++) {
			uint32_t c = L->kids[L->kid_first[u] + k];
			L->x[c] = cx;
			cx = hd_i64_add(cx, node_width(&t->nodes[c]));
		}
	}
	return true;
}

static void layout_release(struct layout *L)
{
	hd_free(L->kids);
	hd_free(L->kid_first);
	hd_free(L->kid_count);
	hd_free(L->x);
}

static void put_frame(struct hd_buf *b, struct hd_buf *tmp, const struct hd_ftree *t,
		      const struct hd_ftnode *n, int64_t x, struct hd_str name, double scale,
		      uint32_t width_px, int y)
{
	int64_t total = node_width(&t->nodes[0]);
	double fx = (double)x / (double)total, fw = (double)node_width(n) / (double)total;
	double px = SIDE_PAD + fx * scale, pw = fw * scale;
	char colour[48];
	frame_colour(colour, sizeof(colour), t, n, name);
	hd_buf_printf(b, "<g class=\"f\" data-x=\"%.0f\" data-w=\"%.0f\"><title>", fx * 1e9,
		      fw * 1e9);
	size_t cut = utf8_prefix(name, SIZE_MAX, TITLE_NAME_MAX);
	xml_escape(b, name.ptr, cut);
	if (cut < name.len)
		hd_buf_append(b, "...", 3);
	hd_buf_putc(b, '\n');
	tmp->len = 0;
	put_details(tmp, t->src, n);
	xml_escape(b, tmp->data ? tmp->data : "", tmp->len);
	hd_buf_printf(b, "</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
			 "fill=\"%s\" data-fill=\"%s\" rx=\"2\"/><text x=\"%.1f\" y=\"%d\">",
		      px, y, pw, FRAME_H - 1, colour, colour, px + 3, y + FRAME_H - 4);
	long fit = (long)floor((pw - 6) / CHAR_PX);
	if (fit >= 3) {
		size_t chars = utf8_chars(name);
		if (chars <= (size_t)fit && name.len <= (size_t)width_px * 4) {
			xml_escape(b, name.ptr, name.len);
		} else {
			size_t keep = utf8_prefix(name, (size_t)fit - 2, SIZE_MAX);
			xml_escape(b, name.ptr, keep);
			hd_buf_append(b, "..", 2);
		}
	}
	hd_buf_append(b, "</text></g>\n", 12);
}

static enum hd_status render(const struct hd_ftsrc *src, const struct hd_flame_options *options,
			     char **out_ret, size_t *len_ret, struct hd_error *err)
{
	struct hd_ftree t;
	int64_t min_drawn = min_width(hd_i64_add(src->pos, src->neg), options);
	enum hd_status st = hd_ftree_build(&t, src, min_drawn, err);
	if (st != HD_OK)
		return st;
	struct layout L;
	memset(&L, 0, sizeof(L));
	struct hd_buf b = HD_BUF_INIT, tmp = HD_BUF_INIT;
	int64_t min = 1;
	long count = choose_frames(&t, options, &min);
	if (count < 0 || !layout_build(&L, &t, min, (size_t)count))
		goto nomem;
	uint32_t max_depth = 0;
	for (size_t k = 0; k < L.n_kids; k++)
		if (t.nodes[L.kids[k]].depth > max_depth)
			max_depth = t.nodes[L.kids[k]].depth;
	uint32_t width_px = options->width_px ? options->width_px : 1200;
	if (width_px < 200)
		width_px = 200;
	uint64_t height = TOP_PAD + BOTTOM_PAD + ((uint64_t)max_depth + 1) * FRAME_H;
	double scale = (double)width_px - 2 * SIDE_PAD;

	hd_buf_printf(&b,
		      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		      "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" "
		      "height=\"%llu\" viewBox=\"0 0 %u %llu\" data-pad=\"%d\">\n"
		      "<style type=\"text/css\"><![CDATA[\n%s]]></style>\n"
		      "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n"
		      "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#f8f8f0\"/>\n",
		      width_px, (unsigned long long)height, width_px, (unsigned long long)height,
		      SIDE_PAD, hd_flame_css, hd_flame_js);
	hd_buf_printf(&b, "<text id=\"title\" x=\"%u\" y=\"24\">", width_px / 2);
	if (options->title)
		xml_escape_untrusted(&b, &tmp, options->title);
	else
		hd_buf_printf(&b, "%s", src->diff ? "Differential Flame Graph" : "Flame Graph");
	hd_buf_printf(&b, "</text>\n<text id=\"subtitle\" x=\"%u\" y=\"44\">", width_px / 2);
	if (options->subtitle) {
		xml_escape_untrusted(&b, &tmp, options->subtitle);
		hd_buf_append(&b, " - ", 3);
	}
	tmp.len = 0;
	hd_ftree_safe_name(&tmp, src->type, false, 128);
	hd_buf_append(&tmp, ", total ", 8);
	put_value(&tmp, src->total, src->unit);
	hd_buf_printf(&tmp, "; %zu frames drawn", L.n_kids);
	if (src->diff)
		hd_buf_append(&tmp, "; red = growth, blue = shrinkage", 32);
	xml_escape(&b, tmp.data ? tmp.data : "", tmp.len);
	hd_buf_printf(&b,
		      "</text>\n"
		      "<text id=\"unzoom\" class=\"btn hide\" x=\"%d\" y=\"64\">Reset Zoom</text>\n"
		      "<text id=\"search\" class=\"btn\" x=\"%u\" y=\"64\" "
		      "text-anchor=\"end\">Search</text>\n"
		      "<text id=\"matched\" x=\"%u\" y=\"%llu\" text-anchor=\"end\"> </text>\n"
		      "<text id=\"details\" x=\"%d\" y=\"%llu\"> </text>\n<g id=\"frames\">\n",
		      SIDE_PAD, width_px - SIDE_PAD, width_px - SIDE_PAD,
		      (unsigned long long)height - 10, SIDE_PAD, (unsigned long long)height - 10);

	if (node_width(&t.nodes[0]) > 0) {
		static const struct hd_str all = {"all", 3};
		put_frame(&b, &tmp, &t, &t.nodes[0], 0, all, scale, width_px,
			  (int)(height - BOTTOM_PAD - FRAME_H));
		for (size_t k = 0; k < L.n_kids; k++) {
			const struct hd_ftnode *n = &t.nodes[L.kids[k]];
			int y = (int)(height - BOTTOM_PAD - ((uint64_t)n->depth + 1) * FRAME_H);
			put_frame(&b, &tmp, &t, n, L.x[L.kids[k]], src->frames[n->frame], scale,
				  width_px, y);
		}
	}
	hd_buf_append(&b, "</g>\n</svg>\n", 11);
	if (b.failed || tmp.failed)
		goto nomem;
	*out_ret = hd_buf_detach(&b, len_ret);
	goto done;
nomem:
	st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
done:
	layout_release(&L);
	hd_ftree_release(&t);
	hd_buf_release(&b);
	hd_buf_release(&tmp);
	return st;
}

enum hd_status hd_render_flame_svg(const struct hd_profile *profile,
				   const struct hd_flame_options *options, char **out_ret,
				   size_t *len_ret, struct hd_error *err)
{
	if (!profile || !out_ret || !len_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no profile to render");
	struct hd_flame_options def;
	if (!options) {
		hd_flame_options_default(&def);
		options = &def;
	}
	struct hd_ftsrc src;
	enum hd_status st = hd_ftsrc_build(&src, profile, options, false, err);
	if (st != HD_OK)
		return st;
	st = render(&src, options, out_ret, len_ret, err);
	hd_ftsrc_release(&src);
	return st;
}

enum hd_status hd_render_flame_svg_view(const struct hd_view *view,
					const struct hd_flame_options *options, char **out_ret,
					size_t *len_ret, struct hd_error *err)
{
	if (!view || !out_ret || !len_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no view to render");
	struct hd_flame_options def;
	if (!options) {
		hd_flame_options_default(&def);
		options = &def;
	}
	struct hd_ftsrc src;
	enum hd_status st = hd_ftsrc_build_view(&src, view, false, err);
	if (st != HD_OK)
		return st;
	st = render(&src, options, out_ret, len_ret, err);
	hd_ftsrc_release(&src);
	return st;
}
