/*
 * nodes.c - node identity: which frames of which locations are "the same
 * row" of a report.  This is pprof's Profile.Aggregate (profile.go: clear
 * the fields the granularity does not keep, keep only the outermost line
 * with -noinlines) followed by graph.go nodeInfo/CreateNodes (one node per
 * line of a location, a location without lines is a node of its own,
 * names/files/lines interned into NodeInfo keys).  Node ids are assigned
 * once per location and line here, so the per-sample aggregation never
 * hashes strings.  Also the view's lifecycle and its public accessors.
 * See docs/internals/aggregate.md.
 */
#include <inttypes.h>
#include <stdio.h>

#include "agg/hashtab.h"
#include "agg/view.h"

/* ------------------------------------------------------------------------
 * View lifecycle and accessors
 * ------------------------------------------------------------------------ */

struct hd_view *hd_view_alloc(const struct hd_profile *profile)
{
	struct hd_arena *arena = hd_arena_new();
	if (!arena)
		return NULL;
	struct hd_view *v = hd_arena_calloc(arena, 1, sizeof(*v));
	if (!v) {
		hd_arena_free(arena);
		return NULL;
	}
	v->arena = arena;
	v->profile = profile;
	return v;
}

void hd_view_free(struct hd_view *view)
{
	if (view)
		hd_arena_free(view->arena);
}

void hd_view_summary(const struct hd_view *v, struct hd_view_summary *s)
{
	memset(s, 0, sizeof(*s));
	if (!v)
		return;
	s->sample_index = v->sample_index;
	if (v->sample_index < v->profile->n_sample_types) {
		s->sample_type = v->profile->sample_types[v->sample_index].type;
		s->sample_unit = v->profile->sample_types[v->sample_index].unit;
	}
	s->total = v->total;
	s->n_samples = v->n_samples;
	s->n_nodes = v->n_nodes;
	s->max_frames = v->max_frames;
	s->unmatched = v->unmatched;
}

const struct hd_node *hd_view_node(const struct hd_view *v, uint32_t id)
{
	if (!v || id >= v->n_nodes)
		return NULL;
	return &v->nodes[id];
}

bool hd_view_sample(const struct hd_view *v, uint64_t i, struct hd_view_sample *out)
{
	if (!v || i >= v->n_samples)
		return false;
	const struct hd_vsample *s = &v->samples[i];
	out->sample = s->sample;
	out->value = s->value;
	out->divisor = s->divisor;
	out->n_frames = hd_vsample_frames(v, s);
	return true;
}

uint32_t hd_view_sample_frames(const struct hd_view *v, uint64_t i,
			       struct hd_view_frame *frames, uint32_t cap)
{
	if (!v || i >= v->n_samples)
		return 0;
	const struct hd_vsample *s = &v->samples[i];
	uint32_t n = 0;
	for (uint32_t k = 0; k < s->n_locs; k++) {
		uint32_t loc = s->locs[k];
		uint32_t first = v->loc_node_first[loc], cnt = v->loc_node_n[loc];
		for (uint32_t j = 0; j < cnt; j++, n++) {
			if (n < cap) {
				frames[n].node = v->loc_nodes[first + j];
				frames[n].inlined = j + 1 != cnt;
			}
		}
	}
	return n;
}

void hd_view_weights(const struct hd_view *v, int64_t *weights)
{
	if (!v || !weights)
		return;
	memset(weights, 0, v->profile->n_samples * sizeof(*weights));
	for (uint64_t i = 0; i < v->n_samples; i++)
		weights[v->samples[i].sample] = v->samples[i].value;
}

struct hd_str hd_view_num_unit(const struct hd_view *v, struct hd_str key)
{
	for (uint32_t i = 0; i < v->n_num_keys; i++)
		if (hd_str_eq(v->num_keys[i], key))
			return v->num_units[i];
	return key;
}

/* ------------------------------------------------------------------------
 * Paths: Go's filepath.Clean and Base, pprof's trimPath
 * ------------------------------------------------------------------------ */

/*
 * filepath.Clean for '/'-separated paths (pprof runs on the Unix rules
 * here): collapse "//", drop "." elements, resolve ".." lexically.
 * `out` holds at least len + 2 bytes; returns the cleaned length.
 */
static size_t clean_path(char *out, const char *path, size_t n)
{
	if (n == 0) {
		out[0] = '.';
		return 1;
	}
	bool rooted = path[0] == '/';
	size_t w = 0, r = 0, dotdot = 0;
	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			while (r < n && path[r] != '/')
				out[w++] = path[r++];
		}
	}
	if (w == 0)
		out[w++] = '.';
	return w;
}

/* filepath.Base: the last element, trailing slashes removed. */
static struct hd_str base_name(struct hd_str p)
{
	if (p.len == 0)
		return (struct hd_str){".", 1};
	while (p.len > 0 && p.ptr[p.len - 1] == '/')
		p.len--;
	if (p.len == 0)
		return (struct hd_str){"/", 1};
	size_t i = p.len;
	while (i > 0 && p.ptr[i - 1] != '/')
		i--;
	return (struct hd_str){p.ptr + i, p.len - i};
}

/* Go's filepath.Base on Unix: the last element, trailing slashes removed;
 * "." for "", "/" for only slashes. */
static struct hd_str path_base(struct hd_str d)
{
	if (d.len == 0)
		return hd_str_c(".");
	while (d.len > 0 && d.ptr[d.len - 1] == '/')
		d.len--;
	if (d.len == 0)
		return hd_str_c("/");
	size_t i = d.len;
	while (i > 0 && d.ptr[i - 1] != '/')
		i--;
	return (struct hd_str){d.ptr + i, d.len - i};
}

/* Where "/" + base + "/" first occurs in p, or SIZE_MAX. */
static size_t find_element(struct hd_str p, struct hd_str base)
{
	size_t need = base.len + 2;
	for (size_t i = 0; i + need <= p.len; i++)
		if (p.ptr[i] == '/' && p.ptr[i + base.len + 1] == '/' &&
		    memcmp(p.ptr + i + 1, base.ptr, base.len) == 0)
			return i;
	return SIZE_MAX;
}

/* p without `prefix` + "/" (the '/' added when prefix lacks it), or false. */
static bool strip_dir_prefix(struct hd_str *p, struct hd_str prefix)
{
	bool slash = prefix.len > 0 && prefix.ptr[prefix.len - 1] == '/';
	size_t n = prefix.len + (slash ? 0 : 1);
	if (p->len < n || memcmp(p->ptr, prefix.ptr, prefix.len) != 0 ||
	    (!slash && p->ptr[prefix.len] != '/'))
		return false;
	p->ptr += n;
	p->len -= n;
	return true;
}

/*
 * report.go trimPath (lists split as filepath.SplitList: the view keeps no
 * empty option, so "" never reaches here, and "a::b" has an empty
 * element): with no -trim_path, the -source_path heuristic (a
 * directory's last element found in the name: everything up to it goes);
 * then the first -trim_path prefix that matches, else the Bazel-style
 * /proc/self/cwd prefixes.  The result is always a suffix of p.  pprof
 * trims its functions' file names again each time it rebuilds its graph
 * (newTrimmedGraph); heapdoc trims once (docs/internals/aggregate.md).
 */
static struct hd_str trim_path_str(struct hd_str p, const char *trim, const char *search)
{
	struct hd_str e;
	if (!trim) {
		while (hd_str_split_next(&search, ':', &e)) {
			struct hd_str base = path_base(e);
			size_t at = find_element(p, base);
			if (at != SIZE_MAX) {
				size_t n = at + base.len + 2;
				return (struct hd_str){p.ptr + n, p.len - n};
			}
		}
	}
	while (hd_str_split_next(&trim, ':', &e))
		if (strip_dir_prefix(&p, e))
			return p;
	static const char *const prefixes[] = {"/proc/self/cwd/./", "/proc/self/cwd/"};
	for (size_t i = 0; i < HD_ARRAY_SIZE(prefixes); i++)
		if (strip_dir_prefix(&p, hd_str_c(prefixes[i])))
			return p;
	return p;
}

size_t hd_path_clean(char *out, const char *path, size_t len)
{
	return clean_path(out, path, len);
}

size_t hd_path_trim(const char *path, size_t len, const char *trim_path, const char *source_path)
{
	if (trim_path && !*trim_path)
		trim_path = NULL;
	if (source_path && !*source_path)
		source_path = NULL;
	struct hd_str t = trim_path_str((struct hd_str){path, len}, trim_path, source_path);
	return (size_t)(t.ptr - path);
}

/* ------------------------------------------------------------------------
 * Node keys
 * ------------------------------------------------------------------------ */

struct key_ctx {
	const struct hd_node *nodes;
	const struct hd_node *key;
};

static bool node_key_eq(const void *ctx, uint32_t id)
{
	const struct key_ctx *c = ctx;
	const struct hd_node *a = &c->nodes[id], *b = c->key;
	return a->address == b->address && a->line == b->line && a->column == b->column &&
	       a->start_line == b->start_line && hd_str_eq(a->name, b->name) &&
	       hd_str_eq(a->file, b->file) && hd_str_eq(a->objfile, b->objfile);
}

/* graph.go NameComponents joined by spaces. */
static bool build_label(struct hd_arena *arena, struct hd_node *n)
{
	struct hd_buf b = HD_BUF_INIT;
	bool sep = false;
	if (n->address != 0) {
		hd_buf_printf(&b, "%016" PRIx64, n->address);
		sep = true;
	}
	if (n->name.len) {
		if (sep)
			hd_buf_putc(&b, ' ');
		hd_buf_append(&b, n->name.ptr, n->name.len);
		sep = true;
	}
	if (n->line != 0) {
		if (sep)
			hd_buf_putc(&b, ' ');
		hd_buf_append(&b, n->file.ptr, n->file.len);
		hd_buf_printf(&b, ":%" PRId64, n->line);
		if (n->column != 0)
			hd_buf_printf(&b, ":%" PRId64, n->column);
	} else if (n->file.len) {
		if (sep)
			hd_buf_putc(&b, ' ');
		hd_buf_append(&b, n->file.ptr, n->file.len);
	} else if (n->name.len) {
		/* the name is the label */
	} else if (n->objfile.len) {
		struct hd_str base = base_name(n->objfile);
		if (sep)
			hd_buf_putc(&b, ' ');
		hd_buf_putc(&b, '[');
		hd_buf_append(&b, base.ptr, base.len);
		hd_buf_putc(&b, ']');
	} else {
		if (sep)
			hd_buf_putc(&b, ' ');
		hd_buf_append(&b, "<unknown>", 9);
	}
	bool ok = !b.failed && hd_buf_reserve(&b, 0);
	if (ok) {
		n->label = hd_arena_strdup(arena, (struct hd_str){b.data, b.len});
		ok = n->label.ptr != NULL || b.len == 0;
	}
	hd_buf_release(&b);
	return ok;
}

struct builder {
	struct hd_view *v;
	bool function, filename, linenumber, column, address;
	struct hd_str *clean_files; /* per function, when filename */
	uint64_t *name_hash;        /* per function */
	uint64_t *file_hash;        /* per function */
	uint8_t *fn_ready;
	uint64_t *obj_hash;         /* per mapping */
	uint64_t seed;
	struct hd_idtab table;
	uint32_t cap_nodes;
};

static bool prepare_function(struct builder *b, uint32_t f)
{
	if (b->fn_ready[f])
		return true;
	const struct hd_function *fn = &b->v->profile->functions[f];
	struct hd_str file = {"", 0};
	if (b->filename && fn->filename.len) {
		const struct hd_report_options *o = &b->v->options;
		struct hd_str t = o->raw_paths ? fn->filename
					       : trim_path_str(fn->filename, o->trim_path, o->source_path);
		char *buf = hd_arena_alloc(b->v->arena, t.len + 3);
		if (!buf)
			return false;
		file.ptr = buf;
		file.len = clean_path(buf, t.ptr, t.len);
	}
	b->clean_files[f] = file;
	/* Hashes depend on the key's contents only (0 for an empty string),
	 * so equal keys built on different paths hash alike. */
	b->name_hash[f] = b->function && fn->name.len
				  ? hd_hash_bytes(fn->name.ptr, fn->name.len, b->seed)
				  : 0;
	b->file_hash[f] = file.len ? hd_hash_bytes(file.ptr, file.len, b->seed) : 0;
	b->fn_ready[f] = 1;
	return true;
}

/* Interns `key` (whose strings are borrowed from the profile or arena). */
static enum hd_status intern(struct builder *b, struct hd_node *key, uint64_t hash,
			     uint32_t *id_ret, struct hd_error *err)
{
	struct hd_view *v = b->v;
	struct key_ctx ctx = {v->nodes, key};
	uint32_t id = hd_idtab_find(&b->table, hash, node_key_eq, &ctx);
	if (id != HD_NONE) {
		*id_ret = id;
		return HD_OK;
	}
	if (v->n_nodes == b->cap_nodes) {
		/* Cannot happen: there are at most as many nodes as location
		 * frames, and the array was sized for that. */
		return hd_error_set(err, HD_ERR_INTERNAL, "node table overflow");
	}
	id = v->n_nodes++;
	v->nodes[id] = *key;
	if (!build_label(v->arena, &v->nodes[id]) || !hd_idtab_add(&b->table, hash, id))
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	*id_ret = id;
	return HD_OK;
}

static uint64_t key_hash(const struct builder *b, uint64_t name_hash, uint64_t file_hash,
			 uint64_t obj_hash, const struct hd_node *k)
{
	uint64_t h = hd_hash_combine(b->seed, name_hash);
	h = hd_hash_combine(h, file_hash);
	h = hd_hash_combine(h, obj_hash);
	h = hd_hash_combine(h, (uint64_t)k->line);
	h = hd_hash_combine(h, (uint64_t)k->column);
	h = hd_hash_combine(h, k->address);
	return hd_hash_combine(h, (uint64_t)k->start_line);
}

static enum hd_status node_for(struct builder *b, const struct hd_location *loc,
			       const struct hd_line *line, uint32_t *id_ret,
			       struct hd_error *err)
{
	const struct hd_profile *p = b->v->profile;
	struct hd_node k;
	memset(&k, 0, sizeof(k));
	k.name = k.file = k.objfile = (struct hd_str){"", 0};
	uint64_t obj_hash = 0;
	struct hd_str objfile = {"", 0};
	if (loc->mapping != HD_NONE && loc->mapping < p->n_mappings) {
		objfile = p->mappings[loc->mapping].filename;
		obj_hash = b->obj_hash[loc->mapping];
	}
	k.address = b->address ? loc->address : 0;
	if (!line || line->function == HD_NONE || line->function >= p->n_functions) {
		/* graph.go nodeInfo: a frame without a function is its address
		 * and object file. */
		k.objfile = objfile;
		return intern(b, &k, key_hash(b, 0, 0, obj_hash, &k), id_ret, err);
	}
	uint32_t f = line->function;
	if (!prepare_function(b, f))
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	const struct hd_function *fn = &p->functions[f];
	if (b->function)
		k.name = fn->name;
	k.file = b->clean_files[f];
	k.line = b->linenumber ? line->line : 0;
	k.column = b->column ? line->column : 0;
	uint64_t name_hash = b->name_hash[f];
	/* nodeInfo keeps the object file and start line of nameless
	 * functions, and of all under ObjNames (-list). */
	bool obj = b->v->options.obj_names;
	if (k.name.len == 0 || obj) {
		k.objfile = objfile;
		k.start_line = fn->start_line;
	}
	if (k.name.len == 0)
		name_hash = 0;
	else if (!obj)
		obj_hash = 0;
	return intern(b, &k, key_hash(b, name_hash, b->file_hash[f], obj_hash, &k), id_ret, err);
}

enum hd_status hd_view_build_nodes(struct hd_view *v, struct hd_error *err)
{
	const struct hd_profile *p = v->profile;
	struct builder b;
	memset(&b, 0, sizeof(b));
	b.v = v;
	b.seed = hd_hash_seed();
	bool inlines = !v->options.noinlines;
	switch (v->options.granularity) {
	case HD_GRANULARITY_FUNCTIONS:
		b.function = true;
		break;
	case HD_GRANULARITY_FILEFUNCTIONS:
		b.function = b.filename = true;
		break;
	case HD_GRANULARITY_FILES:
		b.filename = true;
		break;
	case HD_GRANULARITY_LINES:
		b.function = b.filename = b.linenumber = true;
		break;
	case HD_GRANULARITY_ADDRESSES:
		/* driver.go aggregate: with inline frames, addresses granularity
		 * aggregates nothing at all (columns stay too). */
		b.function = b.filename = b.linenumber = b.address = true;
		b.column = inlines;
		break;
	default:
		return hd_error_set(err, HD_ERR_USAGE, "unknown granularity %d",
				    (int)v->options.granularity);
	}

	/* Frames after the filters: each location keeps >= 1 node. */
	uint64_t frames = 0;
	for (uint32_t l = 0; l < p->n_locations; l++) {
		uint32_t n = v->loc_line_n[l];
		frames += (n == 0 || !inlines) ? 1 : n;
	}
	if (frames >= HD_NONE)
		return hd_error_set(err, HD_ERR_LIMIT, "too many location frames (%" PRIu64 ")", frames);

	struct hd_arena *a = v->arena;
	v->nodes = hd_arena_alloc(a, (size_t)frames * sizeof(*v->nodes) + 1);
	v->loc_nodes = hd_arena_alloc(a, (size_t)frames * sizeof(uint32_t) + 1);
	v->loc_node_first = hd_arena_alloc(a, (size_t)p->n_locations * sizeof(uint32_t) + 1);
	v->loc_node_n = hd_arena_alloc(a, (size_t)p->n_locations * sizeof(uint32_t) + 1);
	b.clean_files = hd_arena_alloc(a, (size_t)p->n_functions * sizeof(struct hd_str) + 1);
	b.name_hash = hd_arena_alloc(a, (size_t)p->n_functions * sizeof(uint64_t) + 1);
	b.file_hash = hd_arena_alloc(a, (size_t)p->n_functions * sizeof(uint64_t) + 1);
	b.fn_ready = hd_arena_calloc(a, (size_t)p->n_functions + 1, 1);
	b.obj_hash = hd_arena_alloc(a, (size_t)p->n_mappings * sizeof(uint64_t) + 1);
	if (hd_arena_failed(a))
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	b.cap_nodes = (uint32_t)frames;
	for (uint32_t m = 0; m < p->n_mappings; m++)
		b.obj_hash[m] = p->mappings[m].filename.len
					? hd_hash_bytes(p->mappings[m].filename.ptr,
							p->mappings[m].filename.len, b.seed)
					: 0;
	/* Most locations of a Go profile are distinct functions or lines. */
	if (!hd_idtab_init(&b.table, (size_t)frames))
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");

	enum hd_status st = HD_OK;
	uint32_t w = 0;
	for (uint32_t l = 0; l < p->n_locations && st == HD_OK; l++) {
		const struct hd_location *loc = &p->locations[l];
		uint32_t n = v->loc_line_n[l];
		const uint32_t *ids = v->line_ids + v->loc_line_first[l];
		v->loc_node_first[l] = w;
		if (n == 0) {
			st = node_for(&b, loc, NULL, &v->loc_nodes[w++], err);
		} else if (!inlines) {
			st = node_for(&b, loc, &p->lines[ids[n - 1]], &v->loc_nodes[w++], err);
		} else {
			for (uint32_t i = 0; i < n && st == HD_OK; i++)
				st = node_for(&b, loc, &p->lines[ids[i]], &v->loc_nodes[w++], err);
		}
		v->loc_node_n[l] = w - v->loc_node_first[l];
	}
	hd_idtab_release(&b.table);
	if (st != HD_OK)
		return st;

	v->node_flags = hd_arena_calloc(a, (size_t)v->n_nodes + 1, 1);
	if (!v->node_flags)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	for (uint32_t l = 0; l < p->n_locations; l++) {
		uint32_t first = v->loc_node_first[l], n = v->loc_node_n[l];
		for (uint32_t i = 0; i < n; i++)
			v->node_flags[v->loc_nodes[first + i]] |=
				i + 1 == n ? HD_NODE_OUTER : HD_NODE_INNER;
	}
	return HD_OK;
}

/* ------------------------------------------------------------------------
 * Orders
 * ------------------------------------------------------------------------ */

int hd_node_cmp_name(const struct hd_node *a, const struct hd_node *b)
{
	if (a->address != 0 && b->address != 0 && a->address != b->address)
		return a->address < b->address ? -1 : 1;
	return hd_str_cmp(a->label, b->label);
}

/*
 * fmt.Sprint(NodeInfo) is "{Name OrigName Address File StartLine Lineno
 * Columnno Objfile}" with decimal numbers; compare those strings.
 */
static void sprint_info(struct hd_buf *b, const struct hd_node *n)
{
	hd_buf_putc(b, '{');
	hd_buf_append(b, n->name.ptr, n->name.len);
	hd_buf_printf(b, "  %" PRIu64 " ", n->address);
	hd_buf_append(b, n->file.ptr, n->file.len);
	hd_buf_printf(b, " %" PRId64 " %" PRId64 " %" PRId64 " ", n->start_line, n->line,
		      n->column);
	hd_buf_append(b, n->objfile.ptr, n->objfile.len);
	hd_buf_putc(b, '}');
}

int hd_node_cmp_info(const struct hd_node *a, const struct hd_node *b)
{
	struct hd_buf x = HD_BUF_INIT, y = HD_BUF_INIT;
	sprint_info(&x, a);
	sprint_info(&y, b);
	int c;
	if (x.failed || y.failed) {
		/* Out of memory in a comparison: fall back on the fields. */
		c = hd_str_cmp(a->name, b->name);
		if (!c)
			c = hd_str_cmp(a->file, b->file);
		if (!c)
			c = a->line < b->line ? -1 : a->line > b->line;
	} else {
		c = hd_str_cmp((struct hd_str){x.data, x.len}, (struct hd_str){y.data, y.len});
	}
	hd_buf_release(&x);
	hd_buf_release(&y);
	return c;
}
