/*
 * flame_tree.c - the source of the call tree that the folded and SVG flame
 * graph renderers draw (see flame_tree.h): frame names, interned once per
 * location line (or view node), the frames of every location, and one item
 * per sample with a non-zero weight, ready for flame_part.c to grow the
 * tree from.  Names from the profile are untrusted: they are made printable
 * and valid UTF-8 here, once.  Not a pprof graph (no flat/cum per
 * function; aggregate.c does that).
 */
#include <stdio.h>

#include "agg/view.h"
#include "flame_tree.h"

/* ---- safe names ---- */

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid or a code
 * point XML 1.0 excludes. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp, min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe ||
	    cp == 0xffff)
		return 0;
	return len;
}

void hd_ftree_safe_name(struct hd_buf *b, struct hd_str s, bool escape_semicolon,
			size_t max_bytes)
{
	const unsigned char *p = (const unsigned char *)s.ptr;
	size_t i = 0, out = 0;
	while (i < s.len) {
		size_t l = utf8_len(p + i, s.len - i);
		bool esc = l == 0 || p[i] < 0x20 || p[i] == 0x7f ||
			   (escape_semicolon && p[i] == ';');
		size_t need = esc ? 4 : l;
		if (out + need > max_bytes) {
			hd_buf_append(b, "...", 3);
			return;
		}
		if (esc) {
			hd_buf_printf(b, "\\x%02x", p[i]);
			i++;
		} else {
			hd_buf_append(b, p + i, l);
			i += l;
		}
		out += need;
	}
}

/* ---- frames ---- */

/* Longest frame name kept (bytes after escaping); longer ones end in "...". */
#define FRAME_NAME_MAX 1024

static bool reserve_frame_slots(struct hd_ftsrc *t, uint64_t count)
{
	if (t->frame_slots && (count + 1) * 2 <= t->frame_mask + 1)
		return true;
	uint64_t cap = t->frame_slots ? (t->frame_mask + 1) * 2 : 1024;
	while ((count + 1) * 2 > cap)
		cap *= 2;
	uint32_t *ns = hd_calloc((size_t)cap, sizeof(*ns));
	if (!ns)
		return false;
	for (uint64_t i = 0; t->frame_slots && i <= t->frame_mask; i++) {
		uint32_t e = t->frame_slots[i];
		if (!e)
			continue;
		uint64_t j = t->frame_hash[e - 1] & (cap - 1);
		while (ns[j])
			j = (j + 1) & (cap - 1);
		ns[j] = e;
	}
	hd_free(t->frame_slots);
	t->frame_slots = ns;
	t->frame_mask = cap - 1;
	return true;
}

/* Frame index of the name in b (interned), HD_NONE when out of memory. */
static uint32_t intern_frame(struct hd_ftsrc *t, struct hd_buf *b)
{
	struct hd_str s = {b->data ? b->data : "", b->len};
	if (b->failed || !reserve_frame_slots(t, t->n_frames + 1))
		return HD_NONE;
	uint64_t h = hd_hash_bytes(s.ptr, s.len, t->seed);
	uint64_t j = h & t->frame_mask;
	uint32_t e;
	while ((e = t->frame_slots[j])) {
		if (t->frame_hash[e - 1] == h && hd_str_eq(t->frames[e - 1], s))
			return e - 1;
		j = (j + 1) & t->frame_mask;
	}
	if (t->n_frames >= HD_NONE - 1)
		return HD_NONE;
	size_t cap = t->cap_frames;
	if (t->n_frames == cap) {
		size_t ncap = cap ? cap * 2 : 256;
		struct hd_str *nf = hd_realloc(t->frames, ncap * sizeof(*nf));
		if (!nf)
			return HD_NONE;
		t->frames = nf;
		t->cap_frames = ncap;
	}
	if (t->n_frames == t->cap_frame_hash) {
		size_t ncap = t->cap_frame_hash ? t->cap_frame_hash * 2 : 256;
		uint64_t *nh = hd_realloc(t->frame_hash, ncap * sizeof(*nh));
		if (!nh)
			return HD_NONE;
		t->frame_hash = nh;
		t->cap_frame_hash = ncap;
	}
	struct hd_str c = hd_arena_strdup(t->names, s);
	if (!c.ptr)
		return HD_NONE;
	t->frames[t->n_frames] = c;
	t->frame_hash[t->n_frames] = h;
	t->frame_slots[j] = (uint32_t)++t->n_frames;
	return (uint32_t)(t->n_frames - 1);
}

/* The display name of one line of a location (pprof's node names: the
 * function name; with lines, "name file:line"; no function: the address). */
static void frame_name(struct hd_buf *b, const struct hd_profile *p,
		       const struct hd_location *loc, const struct hd_line *ln, bool lines,
		       bool escape_semicolon)
{
	b->len = 0;
	if (!ln || ln->function == HD_NONE) {
		hd_buf_printf(b, "0x%llx", (unsigned long long)loc->address);
		if (ln && lines && ln->line)
			hd_buf_printf(b, " :%lld", (long long)ln->line);
		return;
	}
	const struct hd_function *f = &p->functions[ln->function];
	hd_ftree_safe_name(b, f->name, escape_semicolon, FRAME_NAME_MAX);
	if (lines) {
		hd_buf_putc(b, ' ');
		hd_ftree_safe_name(b, f->filename, escape_semicolon, FRAME_NAME_MAX);
		hd_buf_printf(b, ":%lld", (long long)ln->line);
	}
}

static bool is_base_sample(const struct hd_profile *p, const struct hd_sample *s)
{
	for (uint32_t i = 0; i < s->n_labels; i++) {
		const struct hd_label *l = &p->labels[s->first_label + i];
		if (!l->is_num && hd_str_eqc(l->key, "pprof::base") && hd_str_eqc(l->str, "true"))
			return true;
	}
	return false;
}

/* ---- the source ---- */

static bool src_init(struct hd_ftsrc *t, uint64_t n_locations, uint64_t n_loc_frames,
		     uint64_t n_samples)
{
	t->seed = hd_hash_seed();
	t->names = hd_arena_new();
	t->loc_first = hd_malloc(((size_t)n_locations + 1) * sizeof(*t->loc_first));
	t->loc_frames = hd_malloc(((size_t)n_loc_frames + 1) * sizeof(*t->loc_frames));
	t->items = hd_malloc(((size_t)n_samples + 1) * sizeof(*t->items));
	return t->names && t->loc_first && t->loc_frames && t->items;
}

/* Appends an item of weight w != 0 (the root's sums too). */
static void src_add(struct hd_ftsrc *t, const uint32_t *locs, uint32_t n_locs, int64_t w,
		    uint64_t *pos, uint64_t *neg, bool *overflow)
{
	uint64_t mag = w < 0 ? (uint64_t)0 - (uint64_t)w : (uint64_t)w;
	struct hd_ftitem *it = &t->items[t->n_items];
	it->locs = locs;
	it->w = w;
	it->k = n_locs;
	it->f = it->lo = 0;
	it->order = t->n_items++;
	hd_ftitem_normalize(it, t->loc_first);
	uint64_t *sum = w > 0 ? pos : neg;
	*overflow |= __builtin_add_overflow(*sum, mag, sum);
	if (w < 0)
		t->diff = true;
	if (it->f == it->lo) {
		/* no frame at all: ends at the root */
		if (w > 0)
			t->self_pos = (int64_t)((uint64_t)t->self_pos + mag);
		else
			t->self_neg = (int64_t)((uint64_t)t->self_neg + mag);
	}
	t->n_locs_sum += n_locs;
}

static void src_finish(struct hd_ftsrc *t, uint64_t pos, uint64_t neg, bool overflow)
{
	t->pos = (int64_t)pos;
	t->neg = (int64_t)neg;
	uint64_t width;
	t->exact_widths = !overflow && pos <= INT64_MAX && neg <= INT64_MAX &&
			  !__builtin_add_overflow(pos, neg, &width) && width <= INT64_MAX;
}

enum hd_status hd_ftsrc_build(struct hd_ftsrc *t, const struct hd_profile *p,
			      const struct hd_flame_options *o, bool escape_semicolon,
			      struct hd_error *err)
{
	memset(t, 0, sizeof(*t));
	int idx = o->sample_index;
	if (idx < 0)
		idx = hd_profile_default_sample_index(p);
	if (idx < 0 || (uint32_t)idx >= p->n_sample_types)
		return hd_error_set(err, HD_ERR_USAGE, "sample index %d out of range (profile has %u)",
				    o->sample_index, p->n_sample_types);
	if (p->n_samples >= HD_NONE)
		return hd_error_set(err, HD_ERR_LIMIT, "too many samples for a flame graph");
	t->unit = p->sample_types[idx].unit;
	t->type = p->sample_types[idx].type;
	struct hd_buf name = HD_BUF_INIT;
	if (!src_init(t, p->n_locations, (uint64_t)p->n_lines + p->n_locations, p->n_samples))
		goto nomem;

	/* Frames of each location, innermost first (the order of its lines);
	 * a location without lines is one frame named by its address. */
	uint32_t nf = 0;
	for (uint32_t l = 0; l < p->n_locations; l++) {
		const struct hd_location *loc = &p->locations[l];
		t->loc_first[l] = nf;
		if (loc->n_lines == 0) {
			frame_name(&name, p, loc, NULL, o->lines, escape_semicolon);
			if ((t->loc_frames[nf++] = intern_frame(t, &name)) == HD_NONE)
				goto nomem;
			continue;
		}
		uint32_t first = o->noinlines ? loc->n_lines - 1 : 0;
		for (uint32_t k = first; k < loc->n_lines; k++) {
			frame_name(&name, p, loc, &p->lines[loc->first_line + k], o->lines,
				   escape_semicolon);
			if ((t->loc_frames[nf++] = intern_frame(t, &name)) == HD_NONE)
				goto nomem;
		}
	}
	t->loc_first[p->n_locations] = nf;

	bool any_base = false;
	for (uint64_t s = 0; s < p->n_samples && !any_base; s++)
		any_base = is_base_sample(p, &p->samples[s]);
	uint64_t total = 0, pos = 0, neg = 0;
	bool overflow = false;
	for (uint64_t s = 0; s < p->n_samples; s++) {
		const struct hd_sample *sm = &p->samples[s];
		int64_t w = o->weights ? o->weights[s] : p->values[s * p->n_sample_types + idx];
		if (!any_base || is_base_sample(p, sm))
			total += w < 0 ? (uint64_t)0 - (uint64_t)w : (uint64_t)w;
		if (w != 0)
			src_add(t, &p->sample_locs[sm->first_loc], sm->n_locs, w, &pos, &neg,
				&overflow);
	}
	src_finish(t, pos, neg, overflow);
	t->total = (int64_t)total;
	hd_buf_release(&name);
	return HD_OK;
nomem:
	hd_buf_release(&name);
	hd_ftsrc_release(t);
	return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
}

/*
 * The source of a view (agg's hd_view_new: pprof's filters, pruning and
 * granularity applied): frames are the view's nodes, named by their pprof
 * label, and the total is the view's (pprof's report total).  A view's
 * locations have their nodes innermost first (hd_view_sample_frames).
 */
enum hd_status hd_ftsrc_build_view(struct hd_ftsrc *t, const struct hd_view *v,
				   bool escape_semicolon, struct hd_error *err)
{
	memset(t, 0, sizeof(*t));
	struct hd_view_summary sum;
	hd_view_summary(v, &sum);
	t->unit = sum.sample_unit;
	t->type = sum.sample_type;
	t->total = sum.total;
	if (v->n_samples >= HD_NONE)
		return hd_error_set(err, HD_ERR_LIMIT, "too many samples for a flame graph");
	const struct hd_profile *p = v->profile;
	uint64_t n_loc_frames = 0;
	for (uint32_t l = 0; l < p->n_locations; l++)
		n_loc_frames += v->loc_node_n[l];
	struct hd_buf name = HD_BUF_INIT;
	uint32_t *node_frame = hd_malloc(((size_t)v->n_nodes + 1) * sizeof(*node_frame));
	if (!node_frame || !src_init(t, p->n_locations, n_loc_frames, v->n_samples))
		goto nomem;
	for (uint32_t n = 0; n < v->n_nodes; n++) {
		const struct hd_node *node = &v->nodes[n];
		name.len = 0;
		hd_ftree_safe_name(&name, node->label.len ? node->label : hd_str_c("<unknown>"),
				   escape_semicolon, FRAME_NAME_MAX);
		if ((node_frame[n] = intern_frame(t, &name)) == HD_NONE)
			goto nomem;
	}
	uint32_t nf = 0;
	for (uint32_t l = 0; l < p->n_locations; l++) {
		t->loc_first[l] = nf;
		const uint32_t *nodes = &v->loc_nodes[v->loc_node_first[l]];
		for (uint32_t j = 0; j < v->loc_node_n[l]; j++)
			t->loc_frames[nf++] = node_frame[nodes[j]];
	}
	t->loc_first[p->n_locations] = nf;
	uint64_t pos = 0, neg = 0;
	bool overflow = false;
	for (uint64_t i = 0; i < v->n_samples; i++) {
		const struct hd_vsample *s = &v->samples[i];
		if (s->value != 0)
			src_add(t, s->locs, s->n_locs, s->value, &pos, &neg, &overflow);
	}
	src_finish(t, pos, neg, overflow);
	hd_free(node_frame);
	hd_buf_release(&name);
	return HD_OK;
nomem:
	hd_free(node_frame);
	hd_buf_release(&name);
	hd_ftsrc_release(t);
	return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
}

void hd_ftsrc_release(struct hd_ftsrc *t)
{
	if (!t)
		return;
	hd_free(t->frames);
	hd_free(t->frame_slots);
	hd_free(t->frame_hash);
	hd_arena_free(t->names);
	hd_free(t->loc_first);
	hd_free(t->loc_frames);
	hd_free(t->items);
	memset(t, 0, sizeof(*t));
}

void hd_flame_options_default(struct hd_flame_options *o)
{
	memset(o, 0, sizeof(*o));
	o->sample_index = -1;
	o->min_width = 0.0005;
	o->max_frames = 10000;
	o->width_px = 1200;
}
