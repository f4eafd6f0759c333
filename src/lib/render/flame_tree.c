/*
 * flame_tree.c - builds the call tree that the folded and SVG flame graph
 * renderers draw (see flame_tree.h).  Frames are named once per location
 * line, samples are walked root to leaf through an open-addressing table of
 * (parent, frame) -> child, so the cost is proportional to the total stack
 * depth with no allocation per sample.  Names from the profile are
 * untrusted: they are made printable and valid UTF-8 here, once.  Not a
 * pprof graph (no flat/cum per function; aggregate.c does that).
 */
#include <stdio.h>

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

static bool reserve_slots(uint32_t **slots, uint64_t *mask, uint64_t count,
			  uint64_t (*rehash)(const struct hd_ftree *, uint32_t),
			  const struct hd_ftree *t)
{
	if (*slots && (count + 1) * 2 <= *mask + 1)
		return true;
	uint64_t cap = *slots ? (*mask + 1) * 2 : 1024;
	while ((count + 1) * 2 > cap)
		cap *= 2;
	uint32_t *ns = hd_calloc((size_t)cap, sizeof(*ns));
	if (!ns)
		return false;
	for (uint64_t i = 0; *slots && i <= *mask; i++) {
		uint32_t e = (*slots)[i];
		if (!e)
			continue;
		uint64_t j = rehash(t, e - 1) & (cap - 1);
		while (ns[j])
			j = (j + 1) & (cap - 1);
		ns[j] = e;
	}
	hd_free(*slots);
	*slots = ns;
	*mask = cap - 1;
	return true;
}

static uint64_t frame_rehash(const struct hd_ftree *t, uint32_t i)
{
	return t->frame_hash[i];
}

static uint64_t child_hash(const struct hd_ftree *t, uint32_t parent, uint32_t frame)
{
	uint64_t k[2] = {parent, frame};
	return hd_hash_bytes(k, sizeof(k), t->seed);
}

static uint64_t child_rehash(const struct hd_ftree *t, uint32_t i)
{
	return child_hash(t, t->nodes[i].parent, t->nodes[i].frame);
}

/* Frame index of the name in b (interned), HD_NONE when out of memory. */
static uint32_t intern_frame(struct hd_ftree *t, struct hd_buf *b)
{
	struct hd_str s = {b->data ? b->data : "", b->len};
	if (b->failed || !reserve_slots(&t->frame_slots, &t->frame_mask, t->n_frames + 1,
					frame_rehash, t))
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

static uint32_t child_of(struct hd_ftree *t, uint32_t parent, uint32_t frame)
{
	if (!reserve_slots(&t->child_slots, &t->child_mask, t->n_nodes + 1, child_rehash, t))
		return HD_NONE;
	uint64_t j = child_hash(t, parent, frame) & t->child_mask;
	uint32_t e;
	while ((e = t->child_slots[j])) {
		const struct hd_ftnode *n = &t->nodes[e - 1];
		if (n->parent == parent && n->frame == frame)
			return e - 1;
		j = (j + 1) & t->child_mask;
	}
	if (t->n_nodes >= HD_NONE - 1)
		return HD_NONE;
	if (t->n_nodes == t->cap_nodes) {
		size_t ncap = t->cap_nodes * 2;
		struct hd_ftnode *nn = hd_realloc(t->nodes, ncap * sizeof(*nn));
		if (!nn)
			return HD_NONE;
		t->nodes = nn;
		t->cap_nodes = ncap;
	}
	uint32_t id = (uint32_t)t->n_nodes++;
	struct hd_ftnode *n = &t->nodes[id];
	memset(n, 0, sizeof(*n));
	n->parent = parent;
	n->frame = frame;
	n->depth = t->nodes[parent].depth + 1;
	n->first_child = HD_NONE;
	n->next_sibling = t->nodes[parent].first_child;
	t->nodes[parent].first_child = id;
	t->child_slots[j] = id + 1;
	return id;
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

enum hd_status hd_ftree_build(struct hd_ftree *t, const struct hd_profile *p,
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
	t->unit = p->sample_types[idx].unit;
	t->type = p->sample_types[idx].type;
	t->seed = hd_hash_seed();
	enum hd_status st = HD_OK;
	uint32_t *loc_frames = NULL, *loc_first = NULL;
	struct hd_buf name = HD_BUF_INIT;
	t->names = hd_arena_new();
	t->cap_nodes = 1024;
	t->nodes = hd_malloc(t->cap_nodes * sizeof(*t->nodes));
	loc_first = hd_calloc((size_t)p->n_locations + 1, sizeof(*loc_first));
	loc_frames = hd_calloc((size_t)p->n_lines + p->n_locations + 1, sizeof(*loc_frames));
	if (!t->names || !t->nodes || !loc_first || !loc_frames)
		goto nomem;
	memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
	t->nodes[0].parent = t->nodes[0].frame = HD_NONE;
	t->nodes[0].first_child = t->nodes[0].next_sibling = HD_NONE;
	t->n_nodes = 1;

	/* Frames of each location, innermost first (the order of its lines);
	 * a location without lines is one frame named by its address. */
	uint32_t nf = 0;
	for (uint32_t l = 0; l < p->n_locations; l++) {
		const struct hd_location *loc = &p->locations[l];
		loc_first[l] = nf;
		if (loc->n_lines == 0) {
			frame_name(&name, p, loc, NULL, o->lines, escape_semicolon);
			if ((loc_frames[nf++] = intern_frame(t, &name)) == HD_NONE)
				goto nomem;
			continue;
		}
		uint32_t first = o->noinlines ? loc->n_lines - 1 : 0;
		for (uint32_t k = first; k < loc->n_lines; k++) {
			frame_name(&name, p, loc, &p->lines[loc->first_line + k], o->lines,
				   escape_semicolon);
			if ((loc_frames[nf++] = intern_frame(t, &name)) == HD_NONE)
				goto nomem;
		}
	}
	loc_first[p->n_locations] = nf;

	bool any_base = false;
	for (uint64_t s = 0; s < p->n_samples && !any_base; s++)
		any_base = is_base_sample(p, &p->samples[s]);
	uint64_t total = 0;
	for (uint64_t s = 0; s < p->n_samples; s++) {
		const struct hd_sample *sm = &p->samples[s];
		int64_t w = o->weights ? o->weights[s] : p->values[s * p->n_sample_types + idx];
		if (!any_base || is_base_sample(p, sm))
			total += w < 0 ? (uint64_t)0 - (uint64_t)w : (uint64_t)w;
		if (w == 0)
			continue;
		uint64_t mag = w < 0 ? (uint64_t)0 - (uint64_t)w : (uint64_t)w;
		if (w < 0)
			t->diff = true;
		uint32_t node = 0;
		t->nodes[0].pos += w > 0 ? (int64_t)mag : 0;
		t->nodes[0].neg += w < 0 ? (int64_t)mag : 0;
		for (uint32_t k = sm->n_locs; k-- > 0;) {
			uint32_t l = p->sample_locs[sm->first_loc + k];
			for (uint32_t f = loc_first[l + 1]; f-- > loc_first[l];) {
				node = child_of(t, node, loc_frames[f]);
				if (node == HD_NONE)
					goto nomem;
				if (w > 0)
					t->nodes[node].pos += (int64_t)mag;
				else
					t->nodes[node].neg += (int64_t)mag;
			}
		}
		if (w > 0)
			t->nodes[node].self_pos += (int64_t)mag;
		else
			t->nodes[node].self_neg += (int64_t)mag;
	}
	t->total = (int64_t)total;
	goto out;
nomem:
	st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	hd_ftree_release(t);
out:
	hd_free(loc_first);
	hd_free(loc_frames);
	hd_buf_release(&name);
	return st;
}

/*
 * The tree of a view (agg's hd_view_new: pprof's filters, pruning and
 * granularity applied): frames are the view's nodes, named by their pprof
 * label, and the total is the view's (pprof's report total).
 */
enum hd_status hd_ftree_build_view(struct hd_ftree *t, const struct hd_view *view,
				   bool escape_semicolon, struct hd_error *err)
{
	memset(t, 0, sizeof(*t));
	struct hd_view_summary sum;
	hd_view_summary(view, &sum);
	t->unit = sum.sample_unit;
	t->type = sum.sample_type;
	t->total = sum.total;
	t->seed = hd_hash_seed();
	enum hd_status st = HD_OK;
	uint32_t *node_frame = NULL;
	struct hd_view_frame *frames = NULL;
	struct hd_buf name = HD_BUF_INIT;
	t->names = hd_arena_new();
	t->cap_nodes = 1024;
	t->nodes = hd_malloc(t->cap_nodes * sizeof(*t->nodes));
	node_frame = hd_calloc((size_t)sum.n_nodes + 1, sizeof(*node_frame));
	frames = hd_calloc((size_t)sum.max_frames + 1, sizeof(*frames));
	if (!t->names || !t->nodes || !node_frame || !frames)
		goto nomem;
	memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
	t->nodes[0].parent = t->nodes[0].frame = HD_NONE;
	t->nodes[0].first_child = t->nodes[0].next_sibling = HD_NONE;
	t->n_nodes = 1;
	for (uint32_t n = 0; n < sum.n_nodes; n++) {
		const struct hd_node *node = hd_view_node(view, n);
		name.len = 0;
		hd_ftree_safe_name(&name, node->label.len ? node->label : hd_str_c("<unknown>"),
				   escape_semicolon, FRAME_NAME_MAX);
		if ((node_frame[n] = intern_frame(t, &name)) == HD_NONE)
			goto nomem;
	}
	for (uint64_t i = 0; i < sum.n_samples; i++) {
		struct hd_view_sample vs;
		if (!hd_view_sample(view, i, &vs) || vs.value == 0)
			continue;
		int64_t w = vs.value;
		uint64_t mag = w < 0 ? (uint64_t)0 - (uint64_t)w : (uint64_t)w;
		if (w < 0)
			t->diff = true;
		uint32_t nf = hd_view_sample_frames(view, i, frames, sum.max_frames);
		if (nf > sum.max_frames)
			nf = sum.max_frames;
		uint32_t node = 0;
		t->nodes[0].pos += w > 0 ? (int64_t)mag : 0;
		t->nodes[0].neg += w < 0 ? (int64_t)mag : 0;
		for (uint32_t k = nf; k-- > 0;) {
			node = child_of(t, node, node_frame[frames[k].node]);
			if (node == HD_NONE)
				goto nomem;
			if (w > 0)
				t->nodes[node].pos += (int64_t)mag;
			else
				t->nodes[node].neg += (int64_t)mag;
		}
		if (w > 0)
			t->nodes[node].self_pos += (int64_t)mag;
		else
			t->nodes[node].self_neg += (int64_t)mag;
	}
	goto out;
nomem:
	st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	hd_ftree_release(t);
out:
	hd_free(node_frame);
	hd_free(frames);
	hd_buf_release(&name);
	return st;
}

void hd_ftree_release(struct hd_ftree *t)
{
	if (!t)
		return;
	hd_free(t->nodes);
	hd_free(t->frames);
	hd_free(t->frame_slots);
	hd_free(t->frame_hash);
	hd_free(t->child_slots);
	hd_arena_free(t->names);
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
