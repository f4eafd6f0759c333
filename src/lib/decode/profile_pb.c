/*
 * profile_pb.c - the profile.proto decoder: wire bytes -> struct
 * hd_profile.  Hand-written, like pprof's own (profile/proto.go,
 * encode.go), and validating like pprof's postDecode and CheckValid.  It
 * does not inflate (gunzip.c) or detect formats (parse.c).
 *
 * Fields may come in any order: the Go runtime writes samples interleaved
 * with the locations and functions they introduce, and the string table
 * last.  So the decoder makes passes over the buffer instead of buffering:
 *   1. count: every top-level field, plus the location ids, values and
 *      labels inside each sample and the lines inside each location; read
 *      the scalar fields; remember where each field number first starts
 *      and last ends, so later passes walk only that region;
 *   2. the string table;
 *   3. sample types, period type, comments, mappings, functions (their
 *      strings resolve at once), then the mapping and function id maps;
 *   4. locations and their lines (function/mapping ids resolve at once),
 *      then the location id map;
 *   5. samples: location ids, values and labels straight into arrays sized
 *      by pass 1 - no per-sample allocation (profile_samples.c; large
 *      profiles in parts on several threads, starting at marks pass 1
 *      left every 1/64 of the buffer).
 * Passes 2-5 only skip over the fields they do not want, which costs one
 * tag and one length per field.  docs/internals/decode.md has the rules.
 */
#include <stdlib.h>

#include "decode/profile_pb.h"
#include "parts.h"

static const char *const field_names[F_MAX + 1] = {
	"", "sample_type", "sample", "mapping", "location", "function",
	"string_table", "drop_frames", "keep_frames", "time_nanos",
	"duration_nanos", "period_type", "period", "comment",
	"default_sample_type", "doc_url",
};

enum hd_status hd_pb_wire_error(struct hd_pbctx *c, enum hd_pb_result r,
				 const uint8_t *at, const char *what)
{
	return hd_error_set_at(c->err, HD_ERR_PROTOBUF, hd_pb_off(c, at), "%s in %s",
			       hd_pb_result_str(r), what);
}

static enum hd_status type_error(struct hd_pbctx *c, const struct hd_pb_field *f,
				 const uint8_t *at, const char *what)
{
	bool top = strcmp(what, "profile") == 0 && f->number <= F_MAX;
	return hd_error_set_at(c->err, HD_ERR_PROTOBUF, hd_pb_off(c, at),
			       "field %llu%s%s%s of %s has wire type %u, not the expected one",
			       (unsigned long long)f->number, top ? " (" : "",
			       top ? field_names[f->number] : "", top ? ")" : "", what,
			       f->wire_type);
}

static enum hd_status nomem(struct hd_pbctx *c)
{
	return hd_error_set(c->err, HD_ERR_NOMEM, "out of memory decoding profile");
}

enum hd_status hd_pb_string_error(struct hd_pbctx *c, int64_t index, const char *what)
{
	return hd_error_set(c->err, HD_ERR_PROFILE,
			    "string index %lld of %s out of range (%zu strings)",
			    (long long)index, what, c->n_strings);
}

/* ======================================================================
 * Pass 1: counting
 * ====================================================================== */

/* Counts entries of a repeated scalar field given packed or one by one. */
static enum hd_status count_repeated(struct hd_pbctx *c, const struct hd_pb_field *f,
				     const uint8_t *at, const char *what, uint64_t *n)
{
	if (f->wire_type == 2)
		*n += hd_pb_count_varints(f->data, f->len);
	else if (f->wire_type == 0)
		*n += 1;
	else
		return type_error(c, f, at, what);
	return HD_OK;
}

/* Exact number of location ids in the sample message at q. */
static uint64_t count_locations(const uint8_t *q, const uint8_t *qend)
{
	uint64_t n = 0;
	struct hd_pb_field f;
	while (q < qend && hd_pb_next_field(&q, qend, &f) == HD_PB_OK)
		if (f.number == 1)
			n += f.wire_type == 2 ? hd_pb_count_varints(f.data, f.len) : 1;
	return n;
}

/*
 * When pass 5 runs in parts, location ids are counted exactly (a packed
 * list: its bytes without the continuation bit, eight at a time), so that
 * each part knows where its samples' indices go.  On one thread they are
 * not: a packed list of L bytes holds at most L ids, and that bound sizes
 * sample_locs (pages never written are never touched); only a sample whose
 * bound passes the depth limit is counted exactly.
 */
static enum hd_status count_sample(struct hd_pbctx *c, const uint8_t *q, size_t len)
{
	const uint8_t *qend = q + len;
	uint64_t locs = 0, values = 0, labels = 0;
	enum hd_status st;
	while (q < qend) {
		const uint8_t *at = q;
		struct hd_pb_field f;
		enum hd_pb_result r = hd_pb_next_field(&q, qend, &f);
		if (r != HD_PB_OK)
			return hd_pb_wire_error(c, r, at, "sample");
		if (f.number == 1) {
			if (f.wire_type == 2)
				locs += c->exact_locs ? hd_pb_count_varints(f.data, f.len) : f.len;
			else if (f.wire_type == 0)
				locs++;
			else
				return type_error(c, &f, at, "sample");
		} else if (f.number == 2) {
			if ((st = count_repeated(c, &f, at, "sample", &values)))
				return st;
		} else if (f.number == 3) {
			if (f.wire_type != 2)
				return type_error(c, &f, at, "sample");
			labels++;
		}
	}
	uint64_t max_depth = c->lim->max_stack_depth;
	if (max_depth >= UINT32_MAX)
		max_depth = UINT32_MAX - 1;
	uint64_t exact;
	if (locs > max_depth &&
	    (exact = c->exact_locs ? locs : count_locations(qend - len, qend)) > max_depth)
		return hd_error_set_at(c->err, HD_ERR_LIMIT, hd_pb_off(c, qend - len),
				       "sample has %llu frames, above the limit of %llu "
				       "(see --max-stack-depth)",
				       (unsigned long long)exact,
				       (unsigned long long)max_depth);
	uint64_t index = c->n[F_SAMPLE];
	if (index == 0)
		c->values_of_first = values;
	else if (values != c->values_of_first && !c->has_odd_sample) {
		c->has_odd_sample = true;
		c->odd_sample = index;
		c->odd_sample_offset = hd_pb_off(c, qend - len);
	}
	c->n_sample_locs += locs;
	c->n_values += values;
	c->n_labels += labels;
	return HD_OK;
}

static enum hd_status count_location(struct hd_pbctx *c, const uint8_t *q, size_t len)
{
	const uint8_t *qend = q + len;
	while (q < qend) {
		const uint8_t *at = q;
		struct hd_pb_field f;
		enum hd_pb_result r = hd_pb_next_field(&q, qend, &f);
		if (r != HD_PB_OK)
			return hd_pb_wire_error(c, r, at, "location");
		if (f.number == 4) {
			if (f.wire_type != 2)
				return type_error(c, &f, at, "location");
			c->n_lines++;
		}
	}
	return HD_OK;
}

static enum hd_status scalar(struct hd_pbctx *c, const struct hd_pb_field *f,
			     const uint8_t *at, int64_t *x)
{
	if (f->wire_type != 0)
		return type_error(c, f, at, "profile");
	*x = (int64_t)f->value;
	return HD_OK;
}

static enum hd_status pass_count(struct hd_pbctx *c)
{
	struct hd_profile *p = c->p;
	const uint8_t *q = c->base;
	enum hd_status st = HD_OK;
	while (q < c->end) {
		const uint8_t *at = q;
		struct hd_pb_field f;
		enum hd_pb_result r = hd_pb_next_field(&q, c->end, &f);
		if (r != HD_PB_OK)
			return hd_pb_wire_error(c, r, at, "profile");
		if (f.number == 0 || f.number > F_MAX)
			continue; /* unknown field: skipped, like pprof */
		unsigned num = (unsigned)f.number;
		/* time_nanos is checked before its wire type, as in pprof. */
		if (num == F_TIME_NANOS && p->time_nanos != 0)
			return hd_error_set_at(c->err, HD_ERR_PROFILE, hd_pb_off(c, at),
					       "concatenated profiles detected "
					       "(a second time_nanos field)");
		bool message = num <= F_STRING_TABLE || num == F_PERIOD_TYPE;
		if (message && f.wire_type != 2)
			return type_error(c, &f, at, "profile");
		if (c->n[num]++ == 0)
			c->first[num] = hd_pb_off(c, at);
		c->last_end[num] = hd_pb_off(c, q);
		switch (num) {
		case F_SAMPLE:
			if (c->n[num] > c->lim->max_samples)
				return hd_error_set_at(c->err, HD_ERR_LIMIT, hd_pb_off(c, at),
						       "more than %llu samples (see --max-samples)",
						       (unsigned long long)c->lim->max_samples);
			c->n[num]--; /* count_sample reads it as the index */
			if (hd_pb_off(c, at) >= c->next_mark && c->n_marks < HD_PB_MARKS) {
				size_t o = hd_pb_off(c, at);
				c->marks[c->n_marks++] = (struct hd_pb_mark){
					o, c->n[num], c->n_sample_locs, c->n_labels};
				c->next_mark = (o / c->mark_step + 1) * c->mark_step;
			}
			st = count_sample(c, f.data, f.len);
			c->n[num]++;
			break;
		case F_LOCATION:
			st = count_location(c, f.data, f.len);
			break;
		case F_STRING_TABLE:
			if (f.len > c->lim->max_string_bytes)
				return hd_error_set_at(c->err, HD_ERR_LIMIT, hd_pb_off(c, at),
						       "string of %zu bytes, above the limit of %llu "
						       "(see --max-string)",
						       f.len, (unsigned long long)c->lim->max_string_bytes);
			if (c->n[num] == 1 && f.len != 0)
				return hd_error_set_at(c->err, HD_ERR_PROFILE, hd_pb_off(c, at),
						       "string_table[0] must be the empty string");
			c->string_bytes += f.len; /* cannot overflow: bytes of the input */
			break;
		case F_DROP_FRAMES: st = scalar(c, &f, at, &c->drop_frames_x); break;
		case F_KEEP_FRAMES: st = scalar(c, &f, at, &c->keep_frames_x); break;
		case F_TIME_NANOS: st = scalar(c, &f, at, &p->time_nanos); break;
		case F_DURATION_NANOS: st = scalar(c, &f, at, &p->duration_nanos); break;
		case F_PERIOD: st = scalar(c, &f, at, &p->period); break;
		case F_DEFAULT_SAMPLE_TYPE:
			st = scalar(c, &f, at, &c->default_sample_type_x);
			break;
		case F_DOC_URL: st = scalar(c, &f, at, &c->doc_url_x); break;
		case F_PERIOD_TYPE:
			c->period_type_msg = f.data; /* the last one wins */
			c->period_type_len = f.len;
			break;
		case F_COMMENT:
			st = count_repeated(c, &f, at, "profile", &c->n_comments);
			break;
		default:
			break;
		}
		if (st)
			return st;
	}
	return HD_OK;
}

/* Checks counts against the model's index types and pprof's rules. */
static enum hd_status check_counts(struct hd_pbctx *c)
{
	static const struct { unsigned field; const char *name; } narrow[] = {
		{F_SAMPLE_TYPE, "sample types"}, {F_MAPPING, "mappings"},
		{F_LOCATION, "locations"}, {F_FUNCTION, "functions"},
		{F_STRING_TABLE, "strings"},
	};
	for (size_t i = 0; i < HD_ARRAY_SIZE(narrow); i++)
		if (c->n[narrow[i].field] >= UINT32_MAX)
			return hd_error_set(c->err, HD_ERR_LIMIT, "too many %s",
					    narrow[i].name);
	if (c->n_lines >= UINT32_MAX || c->n_comments >= UINT32_MAX)
		return hd_error_set(c->err, HD_ERR_LIMIT, "too many lines or comments");
	if (c->n[F_STRING_TABLE] == 0)
		return hd_error_set(c->err, HD_ERR_PROFILE,
				    "no string table (it must hold at least the empty string)");
	uint64_t n_st = c->n[F_SAMPLE_TYPE], n_samples = c->n[F_SAMPLE];
	if (n_samples == 0)
		return HD_OK;
	if (n_st == 0)
		return hd_error_set(c->err, HD_ERR_PROFILE,
				    "missing sample type information");
	if (c->values_of_first != n_st)
		return hd_error_set_at(c->err, HD_ERR_PROFILE, c->first[F_SAMPLE],
				       "mismatch: sample 0 has %llu values vs. %llu types",
				       (unsigned long long)c->values_of_first,
				       (unsigned long long)n_st);
	if (c->has_odd_sample)
		return hd_error_set_at(c->err, HD_ERR_PROFILE, c->odd_sample_offset,
				       "mismatch: sample %llu has a different number of "
				       "values than its %llu types",
				       (unsigned long long)c->odd_sample,
				       (unsigned long long)n_st);
	return HD_OK;
}

/* ======================================================================
 * Allocation, and the walker used by passes 2-5
 * ====================================================================== */

/*
 * Not zeroed: the passes write every element (the fill functions clear
 * the ones whose fields are optional), so the pages are touched once.
 * (Asking for transparent huge pages here was tried: faster on average,
 * but direct compaction made single runs up to 3x slower.)
 */
static void *arena_array(struct hd_pbctx *c, uint64_t n, size_t size)
{
	size_t bytes;
	if (n > SIZE_MAX || hd_mul_overflow((size_t)(n ? n : 1), size, &bytes)) {
		hd_arena_alloc(c->p->arena, SIZE_MAX); /* make the failure sticky */
		return NULL;
	}
	return hd_arena_alloc(c->p->arena, bytes);
}

static enum hd_status allocate(struct hd_pbctx *c)
{
	struct hd_profile *p = c->p;
	uint64_t n_values;
	if (__builtin_mul_overflow(c->n[F_SAMPLE], c->n[F_SAMPLE_TYPE], &n_values))
		return hd_error_set(c->err, HD_ERR_LIMIT, "too many sample values");
	c->strings = hd_malloc((size_t)c->n[F_STRING_TABLE] * sizeof(struct hd_str));
	p->sample_types = arena_array(c, c->n[F_SAMPLE_TYPE], sizeof(*p->sample_types));
	p->samples = arena_array(c, c->n[F_SAMPLE], sizeof(*p->samples));
	p->values = arena_array(c, n_values, sizeof(*p->values));
	p->sample_locs = arena_array(c, c->n_sample_locs, sizeof(*p->sample_locs));
	p->labels = arena_array(c, c->n_labels, sizeof(*p->labels));
	p->locations = arena_array(c, c->n[F_LOCATION], sizeof(*p->locations));
	p->lines = arena_array(c, c->n_lines, sizeof(*p->lines));
	p->functions = arena_array(c, c->n[F_FUNCTION], sizeof(*p->functions));
	p->mappings = arena_array(c, c->n[F_MAPPING], sizeof(*p->mappings));
	p->comments = arena_array(c, c->n_comments, sizeof(*p->comments));
	if (c->copy_strings)
		c->string_copy = hd_arena_alloc(p->arena, (size_t)c->string_bytes + 1);
	if (!c->strings || hd_arena_failed(p->arena))
		return nomem(c);
	return HD_OK;
}

/*
 * Walks the top-level fields between the first start and the last end of
 * the wanted field numbers (a bit mask), calling fn for each wanted one.
 * Pass 1 validated the top-level structure, so reading cannot fail here.
 */
typedef enum hd_status (*field_fn)(struct hd_pbctx *c, const struct hd_pb_field *f,
				   const uint8_t *at);

static enum hd_status walk(struct hd_pbctx *c, unsigned mask, field_fn fn)
{
	size_t from = SIZE_MAX, to = 0;
	for (unsigned i = 1; i <= F_MAX; i++) {
		if (!(mask & (1u << i)) || c->n[i] == 0)
			continue;
		if (c->first[i] < from)
			from = c->first[i];
		if (c->last_end[i] > to)
			to = c->last_end[i];
	}
	if (from == SIZE_MAX)
		return HD_OK;
	const uint8_t *q = c->base + from, *end = c->base + to;
	while (q < end) {
		const uint8_t *at = q;
		struct hd_pb_field f;
		if (hd_pb_next_field(&q, end, &f) != HD_PB_OK)
			return hd_error_set_at(c->err, HD_ERR_INTERNAL, hd_pb_off(c, at),
					       "protobuf changed between passes");
		if (f.number <= F_MAX && (mask & (1u << f.number))) {
			enum hd_status st = fn(c, &f, at);
			if (st)
				return st;
		}
	}
	return HD_OK;
}

/* ======================================================================
 * Pass 2: strings.  Pass 3: sample types, comments, mappings, functions
 * ====================================================================== */

static enum hd_status fill_string(struct hd_pbctx *c, const struct hd_pb_field *f,
				  const uint8_t *at)
{
	(void)at;
	struct hd_str *s = &c->strings[c->n_strings++];
	s->ptr = (const char *)f->data;
	s->len = f->len;
	if (c->string_copy) {
		/* Raw input is the caller's: strings move to the profile. */
		memcpy(c->string_copy, f->data, f->len);
		s->ptr = c->string_copy;
		c->string_copy += f->len;
	}
	return HD_OK;
}

enum hd_status hd_pb_read_varints(struct hd_pbctx *c, const uint8_t *q, size_t len,
				   const char *what, uint64_t *x, unsigned nfields)
{
	const uint8_t *qend = q + len;
	while (q < qend) {
		const uint8_t *at = q;
		/* Fast path: a one-byte tag of wire type 0 (every field of a
		 * label, line, function or mapping Go writes).  Anything else,
		 * a bad varint included, goes through the general reader,
		 * which reports it. */
		unsigned t = q[0];
		if (HD_LIKELY(t < 0x80 && (t & 7) == 0)) {
			const uint8_t *p = q + 1;
			uint64_t v;
			if (HD_LIKELY(hd_pb_read_varint(&p, qend, &v) == HD_PB_OK)) {
				unsigned i = (t >> 3) - 1; /* field 0 wraps: skipped */
				if (i < nfields)
					x[i] = v;
				q = p;
				continue;
			}
		}
		struct hd_pb_field f;
		enum hd_pb_result r = hd_pb_next_field(&q, qend, &f);
		if (r != HD_PB_OK)
			return hd_pb_wire_error(c, r, at, what);
		if (f.number == 0 || f.number > nfields)
			continue;
		if (f.wire_type != 0)
			return type_error(c, &f, at, what);
		x[f.number - 1] = f.value;
	}
	return HD_OK;
}

static enum hd_status read_value_type(struct hd_pbctx *c, const uint8_t *q, size_t len,
				      struct hd_value_type *vt)
{
	uint64_t x[2] = {0, 0};
	enum hd_status st = hd_pb_read_varints(c, q, len, "value type", x, 2);
	if (!st)
		st = hd_pb_get_string(c, (int64_t)x[0], "value type", &vt->type);
	if (!st)
		st = hd_pb_get_string(c, (int64_t)x[1], "value type", &vt->unit);
	return st;
}

static enum hd_status fill_meta(struct hd_pbctx *c, const struct hd_pb_field *f,
				const uint8_t *at)
{
	struct hd_profile *p = c->p;
	enum hd_status st = HD_OK;
	uint64_t x[10];
	switch (f->number) {
	case F_SAMPLE_TYPE:
		memset(&p->sample_types[p->n_sample_types], 0, sizeof(*p->sample_types));
		return read_value_type(c, f->data, f->len,
				       &p->sample_types[p->n_sample_types++]);
	case F_COMMENT:
		if (f->wire_type == 0) {
			x[0] = f->value;
			return hd_pb_get_string(c, (int64_t)x[0], "comment",
					  &p->comments[p->n_comments++]);
		} else {
			const uint8_t *q = f->data, *qend = f->data + f->len;
			while (q < qend) {
				const uint8_t *vat = q;
				enum hd_pb_result r = hd_pb_read_varint(&q, qend, &x[0]);
				if (r != HD_PB_OK)
					return hd_pb_wire_error(c, r, vat, "comment");
				if ((st = hd_pb_get_string(c, (int64_t)x[0], "comment",
						     &p->comments[p->n_comments++])))
					return st;
			}
		}
		return HD_OK;
	case F_MAPPING: {
		memset(x, 0, sizeof(x));
		if ((st = hd_pb_read_varints(c, f->data, f->len, "mapping", x, 10)))
			return st;
		struct hd_mapping *m = &p->mappings[p->n_mappings++];
		memset(m, 0, sizeof(*m));
		m->id = x[0];
		m->memory_start = x[1];
		m->memory_limit = x[2];
		m->file_offset = x[3];
		if ((st = hd_pb_get_string(c, (int64_t)x[4], "mapping", &m->filename)) ||
		    (st = hd_pb_get_string(c, (int64_t)x[5], "mapping", &m->build_id)))
			return st;
		m->has_functions = x[6] != 0;
		m->has_filenames = x[7] != 0;
		m->has_line_numbers = x[8] != 0;
		m->has_inline_frames = x[9] != 0;
		return HD_OK;
	}
	case F_FUNCTION: {
		memset(x, 0, sizeof(x));
		if ((st = hd_pb_read_varints(c, f->data, f->len, "function", x, 5)))
			return st;
		struct hd_function *fn = &p->functions[p->n_functions++];
		memset(fn, 0, sizeof(*fn));
		fn->id = x[0];
		if ((st = hd_pb_get_string(c, (int64_t)x[1], "function", &fn->name)) ||
		    (st = hd_pb_get_string(c, (int64_t)x[2], "function", &fn->system_name)) ||
		    (st = hd_pb_get_string(c, (int64_t)x[3], "function", &fn->filename)))
			return st;
		fn->start_line = (int64_t)x[4];
		return HD_OK;
	}
	default:
		(void)at;
		return HD_OK;
	}
}

static enum hd_status resolve_scalars(struct hd_pbctx *c)
{
	struct hd_profile *p = c->p;
	enum hd_status st;
	if ((st = hd_pb_get_string(c, c->drop_frames_x, "drop_frames", &p->drop_frames)) ||
	    (st = hd_pb_get_string(c, c->keep_frames_x, "keep_frames", &p->keep_frames)) ||
	    (st = hd_pb_get_string(c, c->default_sample_type_x, "default_sample_type",
			     &p->default_sample_type)) ||
	    (st = hd_pb_get_string(c, c->doc_url_x, "doc_url", &p->doc_url)))
		return st;
	/* pprof makes a missing period_type an empty one. */
	if (c->period_type_msg)
		return read_value_type(c, c->period_type_msg, c->period_type_len,
				       &p->period_type);
	p->period_type.type = c->strings[0];
	p->period_type.unit = c->strings[0];
	return HD_OK;
}

/* ======================================================================
 * Pass 4: locations and lines
 * ====================================================================== */

static enum hd_status fill_line(struct hd_pbctx *c, const uint8_t *q, size_t len,
				uint64_t loc_id)
{
	uint64_t x[3] = {0, 0, 0};
	enum hd_status st = hd_pb_read_varints(c, q, len, "line", x, 3);
	if (st)
		return st;
	uint32_t fn = hd_idmap_get(&c->functions, x[0]);
	if (fn == HD_NONE)
		return hd_error_set_at(c->err, HD_ERR_PROFILE, hd_pb_off(c, q),
				       "location id %llu has a line with %s function id %llu",
				       (unsigned long long)loc_id,
				       x[0] ? "unknown" : "no", (unsigned long long)x[0]);
	struct hd_line *l = &c->p->lines[c->p->n_lines++];
	memset(l, 0, sizeof(*l)); /* padding too: callers may hash lines */
	l->function = fn;
	l->line = (int64_t)x[1];
	l->column = (int64_t)x[2];
	return HD_OK;
}

static enum hd_status fill_location(struct hd_pbctx *c, const struct hd_pb_field *lf,
				    const uint8_t *lat)
{
	(void)lat;
	struct hd_profile *p = c->p;
	struct hd_location *loc = &p->locations[p->n_locations++];
	memset(loc, 0, sizeof(*loc));
	const uint8_t *q = lf->data, *qend = lf->data + lf->len;
	uint64_t mapping_id = 0;
	/* Lines are decoded after the id, which may come last. */
	const uint8_t *line_from = NULL, *line_to = NULL;
	loc->first_line = p->n_lines;
	while (q < qend) {
		const uint8_t *at = q;
		struct hd_pb_field f;
		enum hd_pb_result r = hd_pb_next_field(&q, qend, &f);
		if (r != HD_PB_OK)
			return hd_pb_wire_error(c, r, at, "location");
		if (f.number == 0 || f.number > 5)
			continue;
		if (f.number == 4) {
			if (!line_from)
				line_from = at;
			line_to = q;
			continue;
		}
		if (f.wire_type != 0)
			return type_error(c, &f, at, "location");
		switch (f.number) {
		case 1: loc->id = f.value; break;
		case 2: mapping_id = f.value; break;
		case 3: loc->address = f.value; break;
		case 5: loc->is_folded = f.value != 0; break;
		}
	}
	for (q = line_from; q && q < line_to;) {
		struct hd_pb_field f;
		if (hd_pb_next_field(&q, line_to, &f) != HD_PB_OK)
			return hd_error_set(c->err, HD_ERR_INTERNAL, "location changed");
		if (f.number != 4)
			continue;
		enum hd_status st = fill_line(c, f.data, f.len, loc->id);
		if (st)
			return st;
	}
	loc->n_lines = p->n_lines - loc->first_line;
	/* pprof: a mapping id naming no mapping leaves the location without one. */
	loc->mapping = hd_idmap_get(&c->mappings, mapping_id);
	return HD_OK;
}

/* ======================================================================
 * Entry
 * ====================================================================== */

#define BIT(f) (1u << (f))

/* Adds to an id error the offset of the index-th top-level `field`. */
static enum hd_status id_error_offset(struct hd_pbctx *c, enum hd_status st, unsigned field,
				      const struct hd_idmap *m)
{
	if (st != HD_ERR_PROFILE || !c->err)
		return st;
	const uint8_t *q = c->base + c->first[field], *end = c->base + c->last_end[field];
	size_t seen = 0;
	while (q < end) {
		const uint8_t *at = q;
		struct hd_pb_field f;
		if (hd_pb_next_field(&q, end, &f) != HD_PB_OK)
			break;
		if (f.number == field && seen++ == m->bad_index) {
			c->err->has_offset = true;
			c->err->offset = hd_pb_off(c, at);
			break;
		}
	}
	return st;
}

enum hd_status hd_proto_decode(struct hd_profile *p, const uint8_t *data,
			       size_t len, bool copy_strings,
			       const struct hd_limits *limits, struct hd_error *err)
{
	struct hd_pbctx c;
	memset(&c, 0, sizeof(c));
	c.copy_strings = copy_strings;
	c.p = p;
	c.base = data;
	c.end = data + len;
	c.lim = limits;
	c.err = err;
	c.mark_step = len / HD_PB_MARKS + 1;
	/* a buffer of fewer bytes holds fewer location ids: one part */
	c.exact_locs = hd_parts_for(len, hd_parts_min_frames()) > 1;
	enum hd_status st;
	if ((st = pass_count(&c)) || (st = check_counts(&c)) || (st = allocate(&c)))
		goto out;
	if ((st = walk(&c, BIT(F_STRING_TABLE), fill_string)) ||
	    (st = resolve_scalars(&c)) ||
	    (st = walk(&c, BIT(F_SAMPLE_TYPE) | BIT(F_COMMENT) | BIT(F_MAPPING) |
				   BIT(F_FUNCTION), fill_meta)))
		goto out;
	st = hd_idmap_build(&c.mappings, &p->mappings[0].id, sizeof(*p->mappings),
			    p->n_mappings, "mapping", err);
	if ((st = id_error_offset(&c, st, F_MAPPING, &c.mappings)))
		goto out;
	st = hd_idmap_build(&c.functions, &p->functions[0].id, sizeof(*p->functions),
			    p->n_functions, "function", err);
	if ((st = id_error_offset(&c, st, F_FUNCTION, &c.functions)))
		goto out;
	if ((st = walk(&c, BIT(F_LOCATION), fill_location)))
		goto out;
	st = hd_idmap_build(&c.locations, &p->locations[0].id, sizeof(*p->locations),
			    p->n_locations, "location", err);
	if ((st = id_error_offset(&c, st, F_LOCATION, &c.locations)))
		goto out;
	if ((st = hd_pb_fill_samples(&c)))
		goto out;
out:
	hd_idmap_release(&c.mappings);
	hd_idmap_release(&c.functions);
	hd_idmap_release(&c.locations);
	hd_free(c.strings);
	return st;
}
