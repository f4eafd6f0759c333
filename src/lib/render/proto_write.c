/*
 * proto_write.c - encodes a struct hd_profile as profile.proto and gzips it
 * with libdeflate, so that merged, diffed and filtered profiles can be
 * opened by `go tool pprof`, Pyroscope and Parca.  The layout follows
 * google/pprof's encoder (profile/encode.go preEncode/encode and
 * profile/proto.go): fields in number order, repeated scalars packed only
 * when there are more than two, optional zero fields omitted, the string
 * table built in pprof's insertion order.  IDs are renumbered densely
 * (index + 1), so the output depends only on the model, never on the IDs of
 * the file it came from.  This is not a general protobuf library: it knows
 * the one schema.  docs/internals/merge.md describes the export.
 */
#include <libdeflate.h>

#include "common.h"

/* ---- string table: insertion-ordered interning ---- */

struct strtab {
	struct hd_str *strs; /* index -> string (slices into the profile) */
	uint32_t n, cap;
	uint32_t *slots; /* open addressing: index + 1, 0 = empty */
	uint32_t mask;
	uint64_t seed;
	bool failed;
};

static bool strtab_grow_slots(struct strtab *t)
{
	uint32_t ncap = t->slots ? (t->mask + 1) * 2 : 1024;
	uint32_t *ns = hd_calloc(ncap, sizeof(*ns));
	if (!ns)
		return false;
	for (uint32_t i = 0; i < t->n; i++) {
		uint64_t h = hd_hash_bytes(t->strs[i].ptr, t->strs[i].len, t->seed);
		uint32_t j = (uint32_t)h & (ncap - 1);
		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = i + 1;
	}
	hd_free(t->slots);
	t->slots = ns;
	t->mask = ncap - 1;
	return true;
}

/* Index of s in the table, adding it if new; 0 (the empty string) on failure
 * with t->failed set. */
static int64_t strtab_add(struct strtab *t, struct hd_str s)
{
	if (t->failed)
		return 0;
	if (!t->slots || (uint64_t)(t->n + 1) * 2 > (uint64_t)t->mask + 1) {
		if (!strtab_grow_slots(t)) {
			t->failed = true;
			return 0;
		}
	}
	uint64_t h = hd_hash_bytes(s.ptr, s.len, t->seed);
	uint32_t j = (uint32_t)h & t->mask;
	while (t->slots[j]) {
		uint32_t i = t->slots[j] - 1;
		if (hd_str_eq(t->strs[i], s))
			return i;
		j = (j + 1) & t->mask;
	}
	if (t->n == t->cap) {
		uint32_t ncap = t->cap ? t->cap * 2 : 256;
		struct hd_str *ns = hd_realloc(t->strs, (size_t)ncap * sizeof(*ns));
		if (!ns) {
			t->failed = true;
			return 0;
		}
		t->strs = ns;
		t->cap = ncap;
	}
	t->strs[t->n] = s;
	t->slots[j] = ++t->n;
	return t->n - 1;
}

static void strtab_release(struct strtab *t)
{
	hd_free(t->strs);
	hd_free(t->slots);
}

/* ---- wire encoding ---- */

/* Writes a varint straight into b's spare room: the writer's hot path
 * (one call per location id and value, tens of millions on a large
 * profile), so no append call or bounce buffer per varint. */
static inline void put_varint(struct hd_buf *b, uint64_t x)
{
	/* 10 bytes at most, plus hd_buf's terminating NUL */
	if (HD_UNLIKELY(b->cap - b->len < 11 || !b->data) && !hd_buf_reserve(b, 10))
		return;
	unsigned char *d = (unsigned char *)b->data + b->len;
	size_t n = 0;
	while (x >= 0x80) {
		d[n++] = (unsigned char)(x | 0x80);
		x >>= 7;
	}
	d[n++] = (unsigned char)x;
	b->len += n;
	d[n] = '\0';
}

static void put_u64(struct hd_buf *b, int tag, uint64_t x)
{
	put_varint(b, (uint64_t)tag << 3);
	put_varint(b, x);
}

static void put_u64_opt(struct hd_buf *b, int tag, uint64_t x)
{
	if (x)
		put_u64(b, tag, x);
}

static void put_bool_opt(struct hd_buf *b, int tag, bool x)
{
	if (x)
		put_u64(b, tag, 1);
}

static size_t varint_len(uint64_t x)
{
	size_t n = 1;
	while (x >= 0x80) {
		x >>= 7;
		n++;
	}
	return n;
}

static void put_bytes(struct hd_buf *b, int tag, const void *data, size_t len)
{
	put_varint(b, (uint64_t)tag << 3 | 2);
	put_varint(b, len);
	hd_buf_append(b, data, len);
}

/* pprof's encodeUint64s/encodeInt64s: packed when more than two values. */
static void put_u64s(struct hd_buf *b, int tag, const uint64_t *x, size_t n)
{
	if (n > 2) {
		size_t len = 0;
		for (size_t i = 0; i < n; i++)
			len += varint_len(x[i]);
		put_varint(b, (uint64_t)tag << 3 | 2);
		put_varint(b, len);
		for (size_t i = 0; i < n; i++)
			put_varint(b, x[i]);
		return;
	}
	for (size_t i = 0; i < n; i++)
		put_u64(b, tag, x[i]);
}

/* ---- the profile ---- */

struct writer {
	const struct hd_profile *p;
	struct strtab st;
	struct hd_buf out;  /* the Profile message */
	struct hd_buf msg;  /* one sub-message being built */
	struct hd_buf sub;  /* a message nested in msg (Line, Label) */
	uint64_t *u64s;     /* scratch for packed lists */
	size_t u64s_cap;
	uint32_t *label_order; /* scratch: a sample's labels in pprof order */
	size_t label_order_cap;
	/* string indices, computed in pprof's preEncode order */
	int64_t *st_type, *st_unit;       /* per sample type */
	int64_t *lab_key, *lab_str, *lab_unit; /* per label */
	int64_t *map_file, *map_build;    /* per mapping */
	int64_t *fn_name, *fn_sys, *fn_file; /* per function */
	bool failed;
};

static void *scratch_u64s(struct writer *w, size_t n)
{
	if (n > w->u64s_cap || !w->u64s) {
		size_t cap = n < 64 ? 64 : n;
		uint64_t *nu = hd_realloc(w->u64s, cap * sizeof(*nu));
		if (!nu) {
			w->failed = true;
			return NULL;
		}
		w->u64s = nu;
		w->u64s_cap = cap;
	}
	return w->u64s;
}

static void emit_msg(struct hd_buf *dst, int tag, struct hd_buf *msg)
{
	put_bytes(dst, tag, msg->data ? msg->data : "", msg->len);
	msg->len = 0;
}

static int label_cmp_key(const struct hd_label *a, const struct hd_label *b)
{
	return hd_str_cmp(a->key, b->key);
}

/*
 * Orders a sample's labels like pprof's preEncode: string labels sorted by
 * key, then numeric labels sorted by key; values of one key keep their
 * order (a stable insertion sort: label lists are short).
 */
static uint32_t *sample_label_order(struct writer *w, const struct hd_sample *s)
{
	if (s->n_labels > w->label_order_cap || !w->label_order) {
		uint32_t *no = hd_realloc(w->label_order, ((size_t)s->n_labels + 1) * sizeof(*no));
		if (!no) {
			w->failed = true;
			return NULL;
		}
		w->label_order = no;
		w->label_order_cap = (size_t)s->n_labels + 1;
	}
	uint32_t *o = w->label_order;
	const struct hd_label *L = w->p->labels + s->first_label;
	for (uint32_t i = 0; i < s->n_labels; i++) {
		uint32_t j = i;
		while (j > 0) {
			const struct hd_label *a = &L[o[j - 1]], *b = &L[i];
			int c = (int)a->is_num - (int)b->is_num;
			if (c == 0)
				c = label_cmp_key(a, b);
			if (c <= 0)
				break;
			o[j] = o[j - 1];
			j--;
		}
		o[j] = i;
	}
	return o;
}

static bool alloc_indices(struct writer *w)
{
	const struct hd_profile *p = w->p;
	w->st_type = hd_calloc(p->n_sample_types + 1, sizeof(int64_t));
	w->st_unit = hd_calloc(p->n_sample_types + 1, sizeof(int64_t));
	w->lab_key = hd_calloc(p->n_labels + 1, sizeof(int64_t));
	w->lab_str = hd_calloc(p->n_labels + 1, sizeof(int64_t));
	w->lab_unit = hd_calloc(p->n_labels + 1, sizeof(int64_t));
	w->map_file = hd_calloc(p->n_mappings + 1, sizeof(int64_t));
	w->map_build = hd_calloc(p->n_mappings + 1, sizeof(int64_t));
	w->fn_name = hd_calloc(p->n_functions + 1, sizeof(int64_t));
	w->fn_sys = hd_calloc(p->n_functions + 1, sizeof(int64_t));
	w->fn_file = hd_calloc(p->n_functions + 1, sizeof(int64_t));
	return w->st_type && w->st_unit && w->lab_key && w->lab_str && w->lab_unit &&
	       w->map_file && w->map_build && w->fn_name && w->fn_sys && w->fn_file;
}

static void free_indices(struct writer *w)
{
	hd_free(w->st_type);
	hd_free(w->st_unit);
	hd_free(w->lab_key);
	hd_free(w->lab_str);
	hd_free(w->lab_unit);
	hd_free(w->map_file);
	hd_free(w->map_build);
	hd_free(w->fn_name);
	hd_free(w->fn_sys);
	hd_free(w->fn_file);
}

static void encode_value_type(struct writer *w, int tag, int64_t type, int64_t unit)
{
	put_u64_opt(&w->msg, 1, (uint64_t)type);
	put_u64_opt(&w->msg, 2, (uint64_t)unit);
	emit_msg(&w->out, tag, &w->msg);
}

static bool encode_profile(struct writer *w)
{
	const struct hd_profile *p = w->p;
	struct strtab *st = &w->st;
	static const struct hd_str empty = {"", 0};

	/* preEncode: the string table in pprof's order. */
	strtab_add(st, empty);
	for (uint32_t i = 0; i < p->n_sample_types; i++) {
		w->st_type[i] = strtab_add(st, p->sample_types[i].type);
		w->st_unit[i] = strtab_add(st, p->sample_types[i].unit);
	}
	for (uint64_t s = 0; s < p->n_samples && !st->failed; s++) {
		const struct hd_sample *sm = &p->samples[s];
		uint32_t *order = sample_label_order(w, sm);
		if (!order)
			return false;
		for (uint32_t k = 0; k < sm->n_labels; k++) {
			uint64_t li = sm->first_label + order[k];
			const struct hd_label *l = &p->labels[li];
			w->lab_key[li] = strtab_add(st, l->key);
			if (l->is_num)
				w->lab_unit[li] = l->num_unit.len ? strtab_add(st, l->num_unit) : 0;
			else
				w->lab_str[li] = strtab_add(st, l->str);
		}
	}
	for (uint32_t i = 0; i < p->n_mappings; i++) {
		w->map_file[i] = strtab_add(st, p->mappings[i].filename);
		w->map_build[i] = strtab_add(st, p->mappings[i].build_id);
	}
	for (uint32_t i = 0; i < p->n_functions; i++) {
		w->fn_name[i] = strtab_add(st, p->functions[i].name);
		w->fn_sys[i] = strtab_add(st, p->functions[i].system_name);
		w->fn_file[i] = strtab_add(st, p->functions[i].filename);
	}
	int64_t drop = strtab_add(st, p->drop_frames);
	int64_t keep = strtab_add(st, p->keep_frames);
	int64_t pt_type = strtab_add(st, p->period_type.type);
	int64_t pt_unit = strtab_add(st, p->period_type.unit);
	for (uint32_t i = 0; i < p->n_comments; i++)
		strtab_add(st, p->comments[i]);
	int64_t def_type = strtab_add(st, p->default_sample_type);
	int64_t doc_url = strtab_add(st, p->doc_url);
	if (st->failed)
		return false;

	/* encode */
	for (uint32_t i = 0; i < p->n_sample_types; i++)
		encode_value_type(w, 1, w->st_type[i], w->st_unit[i]);
	for (uint64_t s = 0; s < p->n_samples; s++) {
		const struct hd_sample *sm = &p->samples[s];
		size_t need = sm->n_locs > p->n_sample_types ? sm->n_locs : p->n_sample_types;
		uint64_t *u = scratch_u64s(w, need);
		if (!u)
			return false;
		for (uint32_t k = 0; k < sm->n_locs; k++)
			u[k] = (uint64_t)p->sample_locs[sm->first_loc + k] + 1;
		put_u64s(&w->msg, 1, u, sm->n_locs);
		const int64_t *v = p->values + s * p->n_sample_types;
		for (uint32_t k = 0; k < p->n_sample_types; k++)
			u[k] = (uint64_t)v[k];
		put_u64s(&w->msg, 2, u, p->n_sample_types);
		uint32_t *order = sample_label_order(w, sm);
		if (!order)
			return false;
		for (uint32_t k = 0; k < sm->n_labels; k++) {
			uint64_t li = sm->first_label + order[k];
			const struct hd_label *l = &p->labels[li];
			put_u64_opt(&w->sub, 1, (uint64_t)w->lab_key[li]);
			if (l->is_num) {
				put_u64_opt(&w->sub, 3, (uint64_t)l->num);
				put_u64_opt(&w->sub, 4, (uint64_t)w->lab_unit[li]);
			} else {
				put_u64_opt(&w->sub, 2, (uint64_t)w->lab_str[li]);
			}
			emit_msg(&w->msg, 3, &w->sub);
		}
		emit_msg(&w->out, 2, &w->msg);
		if (w->out.failed)
			return false;
	}
	for (uint32_t i = 0; i < p->n_mappings; i++) {
		const struct hd_mapping *m = &p->mappings[i];
		put_u64_opt(&w->msg, 1, (uint64_t)i + 1);
		put_u64_opt(&w->msg, 2, m->memory_start);
		put_u64_opt(&w->msg, 3, m->memory_limit);
		put_u64_opt(&w->msg, 4, m->file_offset);
		put_u64_opt(&w->msg, 5, (uint64_t)w->map_file[i]);
		put_u64_opt(&w->msg, 6, (uint64_t)w->map_build[i]);
		put_bool_opt(&w->msg, 7, m->has_functions);
		put_bool_opt(&w->msg, 8, m->has_filenames);
		put_bool_opt(&w->msg, 9, m->has_line_numbers);
		put_bool_opt(&w->msg, 10, m->has_inline_frames);
		emit_msg(&w->out, 3, &w->msg);
	}
	for (uint32_t i = 0; i < p->n_locations; i++) {
		const struct hd_location *l = &p->locations[i];
		put_u64_opt(&w->msg, 1, (uint64_t)i + 1);
		put_u64_opt(&w->msg, 2, l->mapping == HD_NONE ? 0 : (uint64_t)l->mapping + 1);
		put_u64_opt(&w->msg, 3, l->address);
		for (uint32_t k = 0; k < l->n_lines; k++) {
			const struct hd_line *ln = &p->lines[l->first_line + k];
			put_u64_opt(&w->sub, 1, ln->function == HD_NONE ? 0 : (uint64_t)ln->function + 1);
			put_u64_opt(&w->sub, 2, (uint64_t)ln->line);
			put_u64_opt(&w->sub, 3, (uint64_t)ln->column);
			emit_msg(&w->msg, 4, &w->sub);
		}
		put_bool_opt(&w->msg, 5, l->is_folded);
		emit_msg(&w->out, 4, &w->msg);
		if (w->out.failed)
			return false;
	}
	for (uint32_t i = 0; i < p->n_functions; i++) {
		const struct hd_function *f = &p->functions[i];
		put_u64_opt(&w->msg, 1, (uint64_t)i + 1);
		put_u64_opt(&w->msg, 2, (uint64_t)w->fn_name[i]);
		put_u64_opt(&w->msg, 3, (uint64_t)w->fn_sys[i]);
		put_u64_opt(&w->msg, 4, (uint64_t)w->fn_file[i]);
		put_u64_opt(&w->msg, 5, (uint64_t)f->start_line);
		emit_msg(&w->out, 5, &w->msg);
	}
	for (uint32_t i = 0; i < st->n; i++)
		put_bytes(&w->out, 6, st->strs[i].ptr, st->strs[i].len);
	put_u64_opt(&w->out, 7, (uint64_t)drop);
	put_u64_opt(&w->out, 8, (uint64_t)keep);
	put_u64_opt(&w->out, 9, (uint64_t)p->time_nanos);
	put_u64_opt(&w->out, 10, (uint64_t)p->duration_nanos);
	if (pt_type || pt_unit)
		encode_value_type(w, 11, pt_type, pt_unit);
	put_u64_opt(&w->out, 12, (uint64_t)p->period);
	/* Interning is idempotent: this finds the indices added above. */
	uint64_t *comments = scratch_u64s(w, p->n_comments);
	if (!comments)
		return false;
	for (uint32_t i = 0; i < p->n_comments; i++)
		comments[i] = (uint64_t)strtab_add(st, p->comments[i]);
	put_u64s(&w->out, 13, comments, p->n_comments);
	put_u64(&w->out, 14, (uint64_t)def_type); /* pprof writes it even when 0 */
	put_u64_opt(&w->out, 15, (uint64_t)doc_url);
	return !w->out.failed && !w->msg.failed && !w->sub.failed && !st->failed;
}

static enum hd_status gzip_buffer(const void *in, size_t in_len, void **data_ret,
				  size_t *len_ret, struct hd_error *err)
{
	/*
	 * Level 1, as the Go runtime writes heap profiles (runtime/pprof's
	 * proto.go: gzip.BestSpeed).  pprof -proto uses compress/gzip's
	 * default (6); on a 59 MB diff libdeflate's level 1 takes half the
	 * time for a file 3% larger (performance.md).
	 */
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(1);
	if (!c)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	size_t bound = libdeflate_gzip_compress_bound(c, in_len);
	void *out = hd_malloc(bound);
	if (!out) {
		libdeflate_free_compressor(c);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	size_t n = libdeflate_gzip_compress(c, in, in_len, out, bound);
	libdeflate_free_compressor(c);
	if (n == 0) {
		hd_free(out);
		return hd_error_set(err, HD_ERR_INTERNAL, "gzip compression failed");
	}
	*data_ret = out;
	*len_ret = n;
	return HD_OK;
}

enum hd_status hd_profile_write_proto(const struct hd_profile *profile, bool gzip,
				      void **data_ret, size_t *len_ret, struct hd_error *err)
{
	if (!profile || !data_ret || !len_ret)
		return hd_error_set(err, HD_ERR_USAGE, "no profile to write");
	struct writer w;
	memset(&w, 0, sizeof(w));
	w.p = profile;
	w.st.seed = hd_hash_seed();
	struct hd_buf init = HD_BUF_INIT;
	w.out = w.msg = w.sub = init;
	enum hd_status st = HD_OK;
	if (!alloc_indices(&w) || !encode_profile(&w)) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (gzip) {
		st = gzip_buffer(w.out.data ? w.out.data : "", w.out.len, data_ret, len_ret, err);
	} else {
		size_t len;
		char *d = hd_buf_detach(&w.out, &len);
		if (!d) {
			st = hd_error_set(err, HD_ERR_NOMEM, "out of memory");
			goto out;
		}
		*data_ret = d;
		*len_ret = len;
	}
out:
	free_indices(&w);
	strtab_release(&w.st);
	hd_buf_release(&w.out);
	hd_buf_release(&w.msg);
	hd_buf_release(&w.sub);
	hd_free(w.u64s);
	hd_free(w.label_order);
	return st;
}

void hd_bytes_free(void *data)
{
	hd_free(data);
}
