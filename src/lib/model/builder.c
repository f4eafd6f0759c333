/*
 * builder.c - the profile builder (the contract is in builder.h): heap
 * arrays grown geometrically, interning tables for strings, functions and
 * locations, and a finish step that copies everything into the profile's
 * arena so the result is indistinguishable from a decoded profile.  It
 * does not parse anything; the legacy parser and merge call it.
 */
#include <stdio.h>

#include "model/builder.h"
#include "model/model.h"

/* An open-addressing table of uint32 indices (HD_NONE = empty slot); the
 * key lives in the builder's arrays, the table only holds hashes. */
struct index_table {
	uint32_t *slots;
	uint64_t *hashes;
	size_t mask;
	size_t n;
};

struct string_table {
	struct hd_str *slots; /* ptr NULL = empty */
	uint64_t *hashes;
	size_t mask;
	size_t n;
};

struct hd_builder {
	struct hd_profile *p; /* its arena holds the strings from the start */
	enum hd_status status;
	struct hd_error error;
	uint64_t seed;

	struct hd_value_type *sample_types;
	size_t n_sample_types, cap_sample_types;
	struct hd_sample *samples;
	size_t n_samples, cap_samples;
	int64_t *values;
	size_t cap_values;
	uint32_t *sample_locs;
	size_t n_sample_locs, cap_sample_locs;
	struct hd_label *labels;
	size_t n_labels, cap_labels;
	struct hd_location *locations;
	size_t n_locations, cap_locations;
	struct hd_line *lines;
	size_t n_lines, cap_lines;
	struct hd_function *functions;
	size_t n_functions, cap_functions;
	struct hd_mapping *mappings;
	size_t n_mappings, cap_mappings;
	struct hd_str *comments;
	size_t n_comments, cap_comments;
	struct hd_memstat *memstats;
	size_t n_memstats, cap_memstats;

	struct string_table strings;
	struct index_table function_tab, location_tab;
};

static const char empty_string[1] = "";

/* ---- failure ---- */

enum hd_status hd_builder_fail(struct hd_builder *b, enum hd_status status,
			       const char *fmt, ...)
{
	if (b->status != HD_OK)
		return status;
	va_list ap;
	va_start(ap, fmt);
	b->status = status;
	b->error.code = status;
	b->error.has_offset = false;
	vsnprintf(b->error.msg, sizeof(b->error.msg), fmt, ap);
	va_end(ap);
	return status;
}

static bool oom(struct hd_builder *b)
{
	hd_builder_fail(b, HD_ERR_NOMEM, "out of memory building profile");
	return false;
}

enum hd_status hd_builder_status(const struct hd_builder *b, struct hd_error *err)
{
	if (b->status != HD_OK && err)
		*err = b->error;
	return b->status;
}

/* Makes room for `need` elements of `elem` bytes in *arr. */
static bool grow(struct hd_builder *b, void *arr_ptr, size_t *cap, size_t need,
		 size_t elem)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return oom(b);
		ncap *= 2;
	}
	size_t bytes;
	if (hd_mul_overflow(ncap, elem, &bytes))
		return oom(b);
	void **arr = arr_ptr;
	void *n = hd_realloc(*arr, bytes);
	if (!n)
		return oom(b);
	*arr = n;
	*cap = ncap;
	return true;
}

/* ---- lifecycle ---- */

enum hd_status hd_builder_new(struct hd_builder **builder_ret, struct hd_error *err)
{
	struct hd_builder *b = hd_calloc(1, sizeof(*b));
	if (!b)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	b->p = hd_profile_new_empty();
	if (!b->p) {
		hd_free(b);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory");
	}
	b->seed = hd_hash_seed();
	struct hd_str e = {empty_string, 0};
	b->p->drop_frames = b->p->keep_frames = e;
	b->p->default_sample_type = b->p->doc_url = e;
	b->p->period_type.type = b->p->period_type.unit = e;
	*builder_ret = b;
	return HD_OK;
}

static void release_arrays(struct hd_builder *b)
{
	hd_free(b->sample_types);
	hd_free(b->samples);
	hd_free(b->values);
	hd_free(b->sample_locs);
	hd_free(b->labels);
	hd_free(b->locations);
	hd_free(b->lines);
	hd_free(b->functions);
	hd_free(b->mappings);
	hd_free(b->comments);
	hd_free(b->memstats);
	hd_free(b->strings.slots);
	hd_free(b->strings.hashes);
	hd_free(b->function_tab.slots);
	hd_free(b->function_tab.hashes);
	hd_free(b->location_tab.slots);
	hd_free(b->location_tab.hashes);
}

void hd_builder_free(struct hd_builder *b)
{
	if (!b)
		return;
	release_arrays(b);
	hd_profile_free(b->p);
	hd_free(b);
}

/* ---- hashing ---- */

static inline uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

/* ---- strings ---- */

static bool strings_grow(struct hd_builder *b)
{
	struct string_table *t = &b->strings;
	size_t cap = t->slots ? (t->mask + 1) * 2 : 256;
	struct hd_str *slots = hd_calloc(cap, sizeof(*slots));
	uint64_t *hashes = hd_malloc(cap * sizeof(*hashes));
	if (!slots || !hashes) {
		hd_free(slots);
		hd_free(hashes);
		return oom(b);
	}
	for (size_t i = 0; t->slots && i <= t->mask; i++) {
		if (!t->slots[i].ptr)
			continue;
		size_t j = (size_t)t->hashes[i] & (cap - 1);
		while (slots[j].ptr)
			j = (j + 1) & (cap - 1);
		slots[j] = t->slots[i];
		hashes[j] = t->hashes[i];
	}
	hd_free(t->slots);
	hd_free(t->hashes);
	t->slots = slots;
	t->hashes = hashes;
	t->mask = cap - 1;
	return true;
}

struct hd_str hd_builder_intern(struct hd_builder *b, struct hd_str s)
{
	struct hd_str e = {empty_string, 0};
	if (b->status != HD_OK || s.len == 0)
		return e;
	struct string_table *t = &b->strings;
	if ((t->n + 1) * 2 > (t->slots ? t->mask + 1 : 0) && !strings_grow(b))
		return e;
	uint64_t h = hd_hash_bytes(s.ptr, s.len, b->seed);
	size_t i = (size_t)h & t->mask;
	while (t->slots[i].ptr) {
		if (t->hashes[i] == h && hd_str_eq(t->slots[i], s))
			return t->slots[i];
		i = (i + 1) & t->mask;
	}
	struct hd_str copy = hd_arena_strdup(b->p->arena, s);
	if (hd_arena_failed(b->p->arena)) {
		oom(b);
		return e;
	}
	t->slots[i] = copy;
	t->hashes[i] = h;
	t->n++;
	return copy;
}

/* ---- profile-level fields ---- */

bool hd_builder_add_sample_type(struct hd_builder *b, struct hd_str type,
				struct hd_str unit)
{
	if (b->status != HD_OK)
		return false;
	if (b->n_samples) {
		hd_builder_fail(b, HD_ERR_INTERNAL, "sample type added after samples");
		return false;
	}
	if (!grow(b, &b->sample_types, &b->cap_sample_types, b->n_sample_types + 1,
		  sizeof(*b->sample_types)))
		return false;
	struct hd_value_type *vt = &b->sample_types[b->n_sample_types++];
	vt->type = hd_builder_intern(b, type);
	vt->unit = hd_builder_intern(b, unit);
	return b->status == HD_OK;
}

void hd_builder_set_period(struct hd_builder *b, struct hd_str type,
			   struct hd_str unit, int64_t period)
{
	b->p->period_type.type = hd_builder_intern(b, type);
	b->p->period_type.unit = hd_builder_intern(b, unit);
	b->p->period = period;
}

void hd_builder_set_time(struct hd_builder *b, int64_t time_nanos, int64_t duration_nanos)
{
	b->p->time_nanos = time_nanos;
	b->p->duration_nanos = duration_nanos;
}

void hd_builder_set_default_sample_type(struct hd_builder *b, struct hd_str type)
{
	b->p->default_sample_type = hd_builder_intern(b, type);
}

void hd_builder_set_frames(struct hd_builder *b, struct hd_str drop_frames,
			   struct hd_str keep_frames)
{
	b->p->drop_frames = hd_builder_intern(b, drop_frames);
	b->p->keep_frames = hd_builder_intern(b, keep_frames);
}

void hd_builder_set_doc_url(struct hd_builder *b, struct hd_str url)
{
	b->p->doc_url = hd_builder_intern(b, url);
}

void hd_builder_add_comment(struct hd_builder *b, struct hd_str comment)
{
	if (b->status != HD_OK || b->n_comments >= UINT32_MAX - 1 ||
	    !grow(b, &b->comments, &b->cap_comments, b->n_comments + 1,
		  sizeof(*b->comments)))
		return;
	b->comments[b->n_comments++] = hd_builder_intern(b, comment);
}

void hd_builder_add_memstat(struct hd_builder *b, struct hd_str name, struct hd_str value)
{
	if (b->status != HD_OK || b->n_memstats >= UINT32_MAX - 1 ||
	    !grow(b, &b->memstats, &b->cap_memstats, b->n_memstats + 1,
		  sizeof(*b->memstats)))
		return;
	struct hd_memstat *m = &b->memstats[b->n_memstats++];
	m->name = hd_builder_intern(b, name);
	m->value = hd_builder_intern(b, value);
}

void hd_builder_set_format(struct hd_builder *b, enum hd_format format)
{
	b->p->format = format;
}

/* ---- entities ---- */

static bool room_u32(struct hd_builder *b, size_t n, const char *what)
{
	if (n < UINT32_MAX - 1)
		return true;
	hd_builder_fail(b, HD_ERR_LIMIT, "too many %s", what);
	return false;
}

uint32_t hd_builder_add_mapping(struct hd_builder *b, const struct hd_mapping *m)
{
	if (b->status != HD_OK || !room_u32(b, b->n_mappings, "mappings") ||
	    !grow(b, &b->mappings, &b->cap_mappings, b->n_mappings + 1,
		  sizeof(*b->mappings)))
		return HD_NONE;
	struct hd_mapping *c = &b->mappings[b->n_mappings];
	*c = *m;
	c->id = b->n_mappings + 1;
	c->filename = hd_builder_intern(b, m->filename);
	c->build_id = hd_builder_intern(b, m->build_id);
	if (b->status != HD_OK)
		return HD_NONE;
	return (uint32_t)b->n_mappings++;
}

uint32_t hd_builder_add_function(struct hd_builder *b, const struct hd_function *f)
{
	if (b->status != HD_OK || !room_u32(b, b->n_functions, "functions") ||
	    !grow(b, &b->functions, &b->cap_functions, b->n_functions + 1,
		  sizeof(*b->functions)))
		return HD_NONE;
	struct hd_function *c = &b->functions[b->n_functions];
	c->id = b->n_functions + 1;
	c->name = hd_builder_intern(b, f->name);
	c->system_name = hd_builder_intern(b, f->system_name);
	c->filename = hd_builder_intern(b, f->filename);
	c->start_line = f->start_line;
	if (b->status != HD_OK)
		return HD_NONE;
	return (uint32_t)b->n_functions++;
}

/* Grows an index table to keep its load under 1/2. */
static bool index_table_reserve(struct hd_builder *b, struct index_table *t)
{
	if (t->slots && (t->n + 1) * 2 <= t->mask + 1)
		return true;
	size_t cap = t->slots ? (t->mask + 1) * 2 : 256;
	uint32_t *slots = hd_malloc(cap * sizeof(*slots));
	uint64_t *hashes = hd_malloc(cap * sizeof(*hashes));
	if (!slots || !hashes) {
		hd_free(slots);
		hd_free(hashes);
		return oom(b);
	}
	memset(slots, 0xff, cap * sizeof(*slots));
	for (size_t i = 0; t->slots && i <= t->mask; i++) {
		if (t->slots[i] == HD_NONE)
			continue;
		size_t j = (size_t)t->hashes[i] & (cap - 1);
		while (slots[j] != HD_NONE)
			j = (j + 1) & (cap - 1);
		slots[j] = t->slots[i];
		hashes[j] = t->hashes[i];
	}
	hd_free(t->slots);
	hd_free(t->hashes);
	t->slots = slots;
	t->hashes = hashes;
	t->mask = cap - 1;
	return true;
}

static void index_table_put(struct index_table *t, uint64_t h, uint32_t index)
{
	size_t i = (size_t)h & t->mask;
	while (t->slots[i] != HD_NONE)
		i = (i + 1) & t->mask;
	t->slots[i] = index;
	t->hashes[i] = h;
	t->n++;
}

uint32_t hd_builder_intern_function(struct hd_builder *b, const struct hd_function *f)
{
	if (b->status != HD_OK)
		return HD_NONE;
	/* Interned strings are equal iff their pointers are. */
	struct hd_str name = hd_builder_intern(b, f->name);
	struct hd_str sys = hd_builder_intern(b, f->system_name);
	struct hd_str file = hd_builder_intern(b, f->filename);
	if (b->status != HD_OK || !index_table_reserve(b, &b->function_tab))
		return HD_NONE;
	uint64_t h = mix(mix(mix(mix(b->seed, (uint64_t)(uintptr_t)name.ptr),
				 (uint64_t)(uintptr_t)sys.ptr),
			     (uint64_t)(uintptr_t)file.ptr),
			 (uint64_t)f->start_line);
	struct index_table *t = &b->function_tab;
	for (size_t i = (size_t)h & t->mask; t->slots[i] != HD_NONE; i = (i + 1) & t->mask) {
		const struct hd_function *c = &b->functions[t->slots[i]];
		if (t->hashes[i] == h && c->name.ptr == name.ptr &&
		    c->system_name.ptr == sys.ptr && c->filename.ptr == file.ptr &&
		    c->start_line == f->start_line)
			return t->slots[i];
	}
	struct hd_function copy = {0, name, sys, file, f->start_line};
	uint32_t index = hd_builder_add_function(b, &copy);
	if (index != HD_NONE)
		index_table_put(t, h, index);
	return index;
}

static bool check_lines(struct hd_builder *b, uint32_t mapping,
			const struct hd_line *lines, uint32_t n_lines)
{
	if (mapping != HD_NONE && mapping >= b->n_mappings) {
		hd_builder_fail(b, HD_ERR_INTERNAL, "location mapping index %u out of range",
				mapping);
		return false;
	}
	for (uint32_t i = 0; i < n_lines; i++) {
		if (lines[i].function != HD_NONE && lines[i].function >= b->n_functions) {
			hd_builder_fail(b, HD_ERR_INTERNAL,
					"line function index %u out of range", lines[i].function);
			return false;
		}
	}
	return true;
}

uint32_t hd_builder_add_location(struct hd_builder *b, uint32_t mapping,
				 uint64_t address, bool is_folded,
				 const struct hd_line *lines, uint32_t n_lines)
{
	if (b->status != HD_OK || !check_lines(b, mapping, lines, n_lines) ||
	    !room_u32(b, b->n_locations, "locations") ||
	    !room_u32(b, b->n_lines + n_lines, "lines") ||
	    !grow(b, &b->locations, &b->cap_locations, b->n_locations + 1,
		  sizeof(*b->locations)) ||
	    !grow(b, &b->lines, &b->cap_lines, b->n_lines + n_lines, sizeof(*b->lines)))
		return HD_NONE;
	struct hd_location *loc = &b->locations[b->n_locations];
	loc->id = b->n_locations + 1;
	loc->address = address;
	loc->mapping = mapping;
	loc->is_folded = is_folded;
	loc->first_line = (uint32_t)b->n_lines;
	loc->n_lines = n_lines;
	if (n_lines)
		memcpy(b->lines + b->n_lines, lines, n_lines * sizeof(*lines));
	b->n_lines += n_lines;
	return (uint32_t)b->n_locations++;
}

static uint64_t location_hash(uint64_t seed, uint32_t mapping, uint64_t address,
			      bool is_folded, const struct hd_line *lines, uint32_t n)
{
	uint64_t h = mix(mix(mix(seed, mapping), address), is_folded);
	for (uint32_t i = 0; i < n; i++)
		h = mix(mix(mix(h, lines[i].function), (uint64_t)lines[i].line),
			(uint64_t)lines[i].column);
	return mix(h, n);
}

static bool same_location(const struct hd_builder *b, const struct hd_location *loc,
			  uint32_t mapping, uint64_t address, bool is_folded,
			  const struct hd_line *lines, uint32_t n_lines)
{
	if (loc->mapping != mapping || loc->address != address ||
	    loc->is_folded != is_folded || loc->n_lines != n_lines)
		return false;
	const struct hd_line *have = b->lines + loc->first_line;
	for (uint32_t i = 0; i < n_lines; i++)
		if (have[i].function != lines[i].function || have[i].line != lines[i].line ||
		    have[i].column != lines[i].column)
			return false;
	return true;
}

uint32_t hd_builder_intern_location(struct hd_builder *b, uint32_t mapping,
				    uint64_t address, bool is_folded,
				    const struct hd_line *lines, uint32_t n_lines)
{
	if (b->status != HD_OK || !index_table_reserve(b, &b->location_tab))
		return HD_NONE;
	uint64_t h = location_hash(b->seed, mapping, address, is_folded, lines, n_lines);
	struct index_table *t = &b->location_tab;
	for (size_t i = (size_t)h & t->mask; t->slots[i] != HD_NONE; i = (i + 1) & t->mask)
		if (t->hashes[i] == h &&
		    same_location(b, &b->locations[t->slots[i]], mapping, address,
				  is_folded, lines, n_lines))
			return t->slots[i];
	uint32_t index = hd_builder_add_location(b, mapping, address, is_folded, lines,
						 n_lines);
	if (index != HD_NONE)
		index_table_put(t, h, index);
	return index;
}

uint32_t hd_builder_n_locations(const struct hd_builder *b)
{
	return (uint32_t)b->n_locations;
}

uint32_t hd_builder_n_functions(const struct hd_builder *b)
{
	return (uint32_t)b->n_functions;
}

uint64_t hd_builder_n_samples(const struct hd_builder *b)
{
	return b->n_samples;
}

/* ---- samples ---- */

uint64_t hd_builder_add_sample(struct hd_builder *b, const uint32_t *locs,
			       uint32_t n_locs, const int64_t *values,
			       const struct hd_label *labels, uint32_t n_labels)
{
	if (b->status != HD_OK)
		return UINT64_MAX;
	size_t n_st = b->n_sample_types;
	if (n_st == 0) {
		hd_builder_fail(b, HD_ERR_INTERNAL, "sample added before any sample type");
		return UINT64_MAX;
	}
	for (uint32_t i = 0; i < n_locs; i++) {
		if (locs[i] >= b->n_locations) {
			hd_builder_fail(b, HD_ERR_INTERNAL,
					"sample location index %u out of range", locs[i]);
			return UINT64_MAX;
		}
	}
	size_t nv;
	if (hd_mul_overflow(b->n_samples + 1, n_st, &nv) ||
	    !grow(b, &b->samples, &b->cap_samples, b->n_samples + 1, sizeof(*b->samples)) ||
	    !grow(b, &b->values, &b->cap_values, nv, sizeof(*b->values)) ||
	    !grow(b, &b->sample_locs, &b->cap_sample_locs, b->n_sample_locs + n_locs,
		  sizeof(*b->sample_locs)) ||
	    !grow(b, &b->labels, &b->cap_labels, b->n_labels + n_labels, sizeof(*b->labels))) {
		oom(b);
		return UINT64_MAX;
	}
	struct hd_sample *s = &b->samples[b->n_samples];
	s->first_loc = b->n_sample_locs;
	s->n_locs = n_locs;
	s->first_label = b->n_labels;
	s->n_labels = n_labels;
	memcpy(b->values + b->n_samples * n_st, values, n_st * sizeof(*values));
	if (n_locs)
		memcpy(b->sample_locs + b->n_sample_locs, locs, n_locs * sizeof(*locs));
	for (uint32_t i = 0; i < n_labels; i++) {
		struct hd_label *l = &b->labels[b->n_labels + i];
		l->key = hd_builder_intern(b, labels[i].key);
		l->str = hd_builder_intern(b, labels[i].is_num ? (struct hd_str){NULL, 0}
							       : labels[i].str);
		l->num_unit = hd_builder_intern(b, labels[i].is_num ? labels[i].num_unit
								    : (struct hd_str){NULL, 0});
		l->num = labels[i].is_num ? labels[i].num : 0;
		l->is_num = labels[i].is_num;
	}
	if (b->status != HD_OK)
		return UINT64_MAX;
	b->n_sample_locs += n_locs;
	b->n_labels += n_labels;
	return b->n_samples++;
}

int64_t *hd_builder_sample_values(struct hd_builder *b, uint64_t sample)
{
	if (sample >= b->n_samples)
		return NULL;
	return b->values + sample * b->n_sample_types;
}

/* ---- finish ---- */

static void *to_arena(struct hd_builder *b, const void *src, size_t n, size_t elem)
{
	/* n * elem cannot overflow: the heap array already holds it. */
	return hd_arena_memdup(b->p->arena, src ? src : empty_string, n ? n * elem : 1);
}

enum hd_status hd_builder_finish(struct hd_builder *b, struct hd_profile **profile_ret,
				 struct hd_error *err)
{
	enum hd_status st = b->status;
	if (st != HD_OK) {
		if (err)
			*err = b->error;
		hd_builder_free(b);
		return st;
	}
	struct hd_profile *p = b->p;
	p->sample_types = to_arena(b, b->sample_types, b->n_sample_types, sizeof(*b->sample_types));
	p->n_sample_types = (uint32_t)b->n_sample_types;
	p->samples = to_arena(b, b->samples, b->n_samples, sizeof(*b->samples));
	p->n_samples = b->n_samples;
	p->values = to_arena(b, b->values, b->n_samples * b->n_sample_types, sizeof(*b->values));
	p->sample_locs = to_arena(b, b->sample_locs, b->n_sample_locs, sizeof(*b->sample_locs));
	p->n_sample_locs = b->n_sample_locs;
	p->labels = to_arena(b, b->labels, b->n_labels, sizeof(*b->labels));
	p->n_labels = b->n_labels;
	p->locations = to_arena(b, b->locations, b->n_locations, sizeof(*b->locations));
	p->n_locations = (uint32_t)b->n_locations;
	p->lines = to_arena(b, b->lines, b->n_lines, sizeof(*b->lines));
	p->n_lines = (uint32_t)b->n_lines;
	p->functions = to_arena(b, b->functions, b->n_functions, sizeof(*b->functions));
	p->n_functions = (uint32_t)b->n_functions;
	p->mappings = to_arena(b, b->mappings, b->n_mappings, sizeof(*b->mappings));
	p->n_mappings = (uint32_t)b->n_mappings;
	p->comments = to_arena(b, b->comments, b->n_comments, sizeof(*b->comments));
	p->n_comments = (uint32_t)b->n_comments;
	if (b->n_memstats) {
		p->memstats = to_arena(b, b->memstats, b->n_memstats, sizeof(*b->memstats));
		p->n_memstats = (uint32_t)b->n_memstats;
	}
	if (hd_arena_failed(p->arena)) {
		hd_builder_free(b);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory building profile");
	}
	b->p = NULL; /* the caller owns it now */
	hd_builder_free(b);
	*profile_ret = p;
	return HD_OK;
}
