/*
 * test_profile_pb.c - unit tests of the profile.proto decoder through
 * hd_profile_parse(): profiles built with pbenc (packed and unpacked,
 * fields in any order, unknown fields), every validation error with its
 * status and message, limits, hostile sizes, the real corpus totals from
 * ../shared/corpus/README.md, .pb vs .pb.gz equality and a
 * fail-the-Nth-allocation sweep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "common.h"
#include "pbenc.h"

/* ---- helpers ---- */

static enum hd_status parse(const struct pbenc *e, const struct hd_limits *lim,
			    struct hd_profile **p, struct hd_error *err)
{
	memset(err, 0, sizeof(*err));
	*p = NULL;
	return hd_profile_parse(e->data, e->len, lim, p, err);
}

/* Asserts the bytes fail with `status` and a message containing `needle`. */
static void expect_error(const struct pbenc *e, enum hd_status status, const char *needle)
{
	struct hd_profile *p;
	struct hd_error err;
	enum hd_status st = parse(e, NULL, &p, &err);
	if (st != status || !strstr(err.msg, needle))
		fail_msg("expected status %d with '%s', got %d: %s", status, needle, st, err.msg);
	assert_null(p);
	assert_int_equal(err.code, status);
}

static bool str_is(struct hd_str s, const char *c)
{
	return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *d = malloc((size_t)n + 1);
	assert_non_null(d);
	assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return d;
}

/* Reads $HD_SHARED/corpus/<rel>; skips the test when the corpus is absent. */
static char *read_corpus(const char *rel, size_t *len)
{
	const char *shared = getenv("HD_SHARED");
	char path[4096];
	snprintf(path, sizeof(path), "%s/corpus/%s", shared ? shared : "../shared", rel);
	char *d = read_file(path, len);
	if (!d) {
		print_message("corpus file %s not found; skipping\n", path);
		skip();
	}
	return d;
}

static void sums(const struct hd_profile *p, int64_t *out)
{
	for (uint32_t t = 0; t < p->n_sample_types; t++) {
		out[t] = 0;
		for (uint64_t i = 0; i < p->n_samples; i++)
			out[t] += p->values[i * p->n_sample_types + t];
	}
}

static void assert_str_eq(struct hd_str a, struct hd_str b)
{
	assert_int_equal(a.len, b.len);
	if (a.len)
		assert_memory_equal(a.ptr, b.ptr, a.len);
}

/* Asserts two profiles hold the same model (strings by content). */
static void assert_same_profile(const struct hd_profile *a, const struct hd_profile *b)
{
	assert_int_equal(a->n_sample_types, b->n_sample_types);
	for (uint32_t i = 0; i < a->n_sample_types; i++) {
		assert_str_eq(a->sample_types[i].type, b->sample_types[i].type);
		assert_str_eq(a->sample_types[i].unit, b->sample_types[i].unit);
	}
	assert_int_equal(a->n_samples, b->n_samples);
	assert_memory_equal(a->samples, b->samples, a->n_samples * sizeof(*a->samples));
	assert_memory_equal(a->values, b->values,
			    a->n_samples * a->n_sample_types * sizeof(*a->values));
	assert_int_equal(a->n_sample_locs, b->n_sample_locs);
	assert_memory_equal(a->sample_locs, b->sample_locs,
			    a->n_sample_locs * sizeof(*a->sample_locs));
	assert_int_equal(a->n_labels, b->n_labels);
	for (uint64_t i = 0; i < a->n_labels; i++) {
		assert_str_eq(a->labels[i].key, b->labels[i].key);
		assert_str_eq(a->labels[i].str, b->labels[i].str);
		assert_str_eq(a->labels[i].num_unit, b->labels[i].num_unit);
		assert_int_equal(a->labels[i].num, b->labels[i].num);
		assert_int_equal(a->labels[i].is_num, b->labels[i].is_num);
	}
	assert_int_equal(a->n_locations, b->n_locations);
	assert_memory_equal(a->locations, b->locations,
			    a->n_locations * sizeof(*a->locations));
	assert_int_equal(a->n_lines, b->n_lines);
	assert_memory_equal(a->lines, b->lines, a->n_lines * sizeof(*a->lines));
	assert_int_equal(a->n_functions, b->n_functions);
	for (uint32_t i = 0; i < a->n_functions; i++) {
		assert_int_equal(a->functions[i].id, b->functions[i].id);
		assert_str_eq(a->functions[i].name, b->functions[i].name);
		assert_str_eq(a->functions[i].system_name, b->functions[i].system_name);
		assert_str_eq(a->functions[i].filename, b->functions[i].filename);
		assert_int_equal(a->functions[i].start_line, b->functions[i].start_line);
	}
	assert_int_equal(a->n_mappings, b->n_mappings);
	for (uint32_t i = 0; i < a->n_mappings; i++) {
		assert_int_equal(a->mappings[i].id, b->mappings[i].id);
		assert_int_equal(a->mappings[i].memory_start, b->mappings[i].memory_start);
		assert_int_equal(a->mappings[i].memory_limit, b->mappings[i].memory_limit);
		assert_str_eq(a->mappings[i].filename, b->mappings[i].filename);
		assert_str_eq(a->mappings[i].build_id, b->mappings[i].build_id);
	}
	assert_str_eq(a->period_type.type, b->period_type.type);
	assert_str_eq(a->period_type.unit, b->period_type.unit);
	assert_int_equal(a->period, b->period);
	assert_int_equal(a->time_nanos, b->time_nanos);
	assert_int_equal(a->duration_nanos, b->duration_nanos);
	assert_str_eq(a->default_sample_type, b->default_sample_type);
	assert_str_eq(a->drop_frames, b->drop_frames);
	assert_str_eq(a->keep_frames, b->keep_frames);
	assert_int_equal(a->n_comments, b->n_comments);
}

static const char *const small_strings[] = {
	"", "alloc_objects", "count", "alloc_space", "bytes", "inuse_objects",
	"inuse_space", "space", "main.a", "main.b", "main.go", "/bin/app",
};
#define N_SMALL_STRINGS (sizeof(small_strings) / sizeof(small_strings[0]))

/* Header of a profile with the small string table and four sample types. */
static void header(struct pbenc *e)
{
	pbenc_strings(e, small_strings, N_SMALL_STRINGS);
	pbenc_value_type(e, PB_PROFILE_SAMPLE_TYPE, 1, 2);
	pbenc_value_type(e, PB_PROFILE_SAMPLE_TYPE, 3, 4);
	pbenc_value_type(e, PB_PROFILE_SAMPLE_TYPE, 5, 2);
	pbenc_value_type(e, PB_PROFILE_SAMPLE_TYPE, 6, 4);
}

/* ---- valid profiles ---- */

static void test_small_profile(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	pbenc_small_profile(&e);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(parse(&e, NULL, &p, &err), HD_OK);
	assert_int_equal(p->format, HD_FORMAT_PROTO);
	assert_int_equal(p->n_sample_types, 4);
	assert_true(str_is(p->sample_types[0].type, "alloc_objects"));
	assert_true(str_is(p->sample_types[3].type, "inuse_space"));
	assert_true(str_is(p->sample_types[3].unit, "bytes"));
	assert_true(str_is(p->period_type.type, "space"));
	assert_int_equal(p->period, 524288);
	assert_int_equal(p->time_nanos, 1700000000000000000);
	assert_int_equal(p->n_functions, 2);
	assert_true(str_is(p->functions[1].name, "main.b"));
	assert_true(str_is(p->functions[1].filename, "main.go"));
	assert_int_equal(p->n_locations, 2);
	assert_int_equal(p->locations[1].id, 2);
	assert_int_equal(p->locations[1].address, 0x2000);
	assert_int_equal(p->locations[1].mapping, 0);
	assert_int_equal(p->locations[1].n_lines, 1);
	const struct hd_line *l = &p->lines[p->locations[1].first_line];
	assert_int_equal(l->function, 1);
	assert_int_equal(l->line, 20);
	assert_int_equal(p->n_mappings, 1);
	assert_true(str_is(p->mappings[0].filename, "/bin/app"));
	assert_int_equal(p->mappings[0].memory_start, 0x400000);
	assert_true(p->mappings[0].has_functions);
	assert_int_equal(p->n_samples, 2);
	assert_int_equal(p->samples[0].n_locs, 2);
	assert_int_equal(p->sample_locs[p->samples[0].first_loc], 0);
	assert_int_equal(p->sample_locs[p->samples[0].first_loc + 1], 1);
	const int64_t *v = hd_profile_sample_values(p, 1);
	assert_int_equal(v[0], 2);
	assert_int_equal(v[1], 64);
	assert_int_equal(p->samples[0].n_labels, 1);
	assert_int_equal(p->samples[1].n_labels, 0);
	int64_t bytes;
	assert_true(hd_sample_num_label(p, 0, "bytes", &bytes));
	assert_int_equal(bytes, 100);
	assert_false(hd_sample_num_label(p, 1, "bytes", &bytes));
	assert_int_equal(p->drop_frames.len, 0);
	hd_profile_free(p);
	pbenc_release(&e);
}

static void test_input_not_retained(void **state)
{
	(void)state;
	/* Raw and gzip input may be freed right after parsing. */
	for (int gz = 0; gz < 2; gz++) {
		struct pbenc e;
		pbenc_init(&e);
		pbenc_small_profile(&e);
		size_t len = e.len;
		uint8_t *data = e.data;
		if (gz) {
			data = pbenc_gzip(e.data, e.len, &len);
			pbenc_release(&e);
		}
		struct hd_profile *p;
		struct hd_error err;
		assert_int_equal(hd_profile_parse(data, len, NULL, &p, &err), HD_OK);
		memset(data, 0xaa, len);
		free(data); /* ASan reports any later read */
		assert_true(str_is(p->functions[0].name, "main.a"));
		assert_true(str_is(p->mappings[0].filename, "/bin/app"));
		assert_true(str_is(p->sample_types[2].type, "inuse_objects"));
		assert_true(str_is(p->labels[0].key, "bytes"));
		hd_profile_free(p);
	}
}

/* The same profile, packed or unpacked, string table first or last. */
static void build_variant(struct pbenc *e, bool packed, bool strings_first)
{
	static const char *const s[] = {"", "objects", "count", "f", "g", "x.go"};
	if (strings_first)
		pbenc_strings(e, s, 6);
	pbenc_value_type(e, PB_PROFILE_SAMPLE_TYPE, 1, 2);
	uint64_t locs[] = {3, 1, 2, 1};
	int64_t vals[] = {-7};
	pbenc_sample(e, locs, 4, vals, 1, packed);
	pbenc_sample(e, locs + 1, 1, vals, 1, packed);
	uint64_t f1 = 1, f2 = 2;
	uint64_t inl[] = {2, 1};
	int64_t ln[] = {5, 6};
	pbenc_location(e, 3, 0, 0x30, inl, ln, 2);
	pbenc_location(e, 1, 0, 0x10, &f1, ln, 1);
	pbenc_function(e, 2, 4, 4, 5, 0);
	pbenc_location(e, 2, 0, 0x20, &f2, ln + 1, 1);
	pbenc_function(e, 1, 3, 3, 5, 0);
	if (!strings_first)
		pbenc_strings(e, s, 6);
}

static void test_packed_unpacked_any_order(void **state)
{
	(void)state;
	struct hd_profile *ref = NULL;
	for (int variant = 0; variant < 4; variant++) {
		struct pbenc e;
		pbenc_init(&e);
		build_variant(&e, variant & 1, variant & 2);
		struct hd_profile *p;
		struct hd_error err;
		assert_int_equal(parse(&e, NULL, &p, &err), HD_OK);
		assert_int_equal(p->n_samples, 2);
		assert_int_equal(p->samples[0].n_locs, 4);
		assert_int_equal(p->values[0], -7);
		/* location id 3 is index 0 (order of appearance), its first line
		 * is the inlined callee g (function id 2 = index 0). */
		assert_int_equal(p->sample_locs[0], 0);
		assert_int_equal(p->locations[0].n_lines, 2);
		assert_int_equal(p->lines[p->locations[0].first_line].function, 0);
		assert_true(str_is(p->functions[0].name, "g"));
		if (ref) {
			assert_same_profile(ref, p);
			hd_profile_free(p);
		} else {
			ref = p;
		}
		pbenc_release(&e);
	}
	hd_profile_free(ref);
}

static void test_unknown_fields_skipped(void **state)
{
	(void)state;
	struct pbenc e, plain;
	pbenc_init(&e);
	pbenc_init(&plain);
	pbenc_small_profile(&plain);
	/* Unknown fields of every wire type before, and field 0. */
	pbenc_uint(&e, 100, 5);
	pbenc_fixed64(&e, 101, 1);
	pbenc_string(&e, 102, "future");
	pbenc_fixed32(&e, 103, 2);
	pbenc_uint(&e, 0, 9);
	pbenc_raw(&e, plain.data, plain.len);
	/* and inside a sample and a location and a function */
	size_t m = pbenc_begin(&e, PB_PROFILE_SAMPLE);
	pbenc_uint(&e, PB_SAMPLE_LOCATION_ID, 1);
	pbenc_string(&e, 9, "ignored");
	uint64_t v[] = {1, 2, 3, 4};
	pbenc_packed(&e, PB_SAMPLE_VALUE, v, 4);
	pbenc_fixed32(&e, 10, 1);
	pbenc_end(&e, m);
	m = pbenc_begin(&e, PB_PROFILE_LOCATION);
	pbenc_uint(&e, PB_LOCATION_ID, 7);
	pbenc_fixed64(&e, 6, 1);
	pbenc_end(&e, m);
	m = pbenc_begin(&e, PB_PROFILE_FUNCTION);
	pbenc_uint(&e, PB_FUNCTION_ID, 9);
	pbenc_string(&e, 77, "x");
	pbenc_end(&e, m);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(parse(&e, NULL, &p, &err), HD_OK);
	assert_int_equal(p->n_samples, 3);
	assert_int_equal(p->n_locations, 3);
	assert_int_equal(p->n_functions, 3);
	assert_int_equal(hd_profile_sample_values(p, 2)[3], 4);
	hd_profile_free(p);
	pbenc_release(&e);
	pbenc_release(&plain);
}

static void test_labels(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	static const char *const s[] = {"", "objects", "count", "key", "val", "ms"};
	pbenc_strings(&e, s, 6);
	pbenc_value_type(&e, PB_PROFILE_SAMPLE_TYPE, 1, 2);
	size_t m = pbenc_begin(&e, PB_PROFILE_SAMPLE);
	pbenc_uint(&e, PB_SAMPLE_VALUE, 1);
	size_t l = pbenc_begin(&e, PB_SAMPLE_LABEL); /* string label */
	pbenc_int(&e, PB_LABEL_KEY, 3);
	pbenc_int(&e, PB_LABEL_STR, 4);
	pbenc_end(&e, l);
	l = pbenc_begin(&e, PB_SAMPLE_LABEL); /* all zero: dropped like pprof */
	pbenc_int(&e, PB_LABEL_KEY, 3);
	pbenc_end(&e, l);
	l = pbenc_begin(&e, PB_SAMPLE_LABEL); /* numeric with unit, num 0 */
	pbenc_int(&e, PB_LABEL_KEY, 3);
	pbenc_int(&e, PB_LABEL_NUM_UNIT, 5);
	pbenc_end(&e, l);
	l = pbenc_begin(&e, PB_SAMPLE_LABEL); /* negative numeric */
	pbenc_int(&e, PB_LABEL_KEY, 3);
	pbenc_int(&e, PB_LABEL_NUM, -3);
	pbenc_end(&e, l);
	pbenc_end(&e, m);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(parse(&e, NULL, &p, &err), HD_OK);
	assert_int_equal(p->samples[0].n_labels, 3);
	assert_int_equal(p->n_labels, 3);
	assert_false(p->labels[0].is_num);
	assert_true(str_is(p->labels[0].key, "key"));
	assert_true(str_is(p->labels[0].str, "val"));
	assert_true(p->labels[1].is_num);
	assert_int_equal(p->labels[1].num, 0);
	assert_true(str_is(p->labels[1].num_unit, "ms"));
	assert_int_equal(p->labels[2].num, -3);
	assert_int_equal(p->labels[2].num_unit.len, 0);
	int64_t n;
	assert_true(hd_sample_num_label(p, 0, "key", &n));
	assert_int_equal(n, 0);
	hd_profile_free(p);
	pbenc_release(&e);
}

static void test_profile_scalars(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	static const char *const s[] = {"", "a|b", "c", "alloc_space", "http://doc", "note", "x"};
	pbenc_int(&e, PB_PROFILE_DROP_FRAMES, 1);
	pbenc_int(&e, PB_PROFILE_KEEP_FRAMES, 2);
	pbenc_int(&e, PB_PROFILE_DEFAULT_SAMPLE_TYPE, 3);
	pbenc_int(&e, PB_PROFILE_DOC_URL, 4);
	uint64_t comments[] = {5, 6, 5};
	pbenc_packed(&e, PB_PROFILE_COMMENT, comments, 3);
	pbenc_uint(&e, PB_PROFILE_COMMENT, 6);
	pbenc_int(&e, PB_PROFILE_DURATION_NANOS, 10);
	pbenc_int(&e, PB_PROFILE_TIME_NANOS, 0); /* a zero time may repeat */
	pbenc_int(&e, PB_PROFILE_TIME_NANOS, -5);
	pbenc_int(&e, PB_PROFILE_PERIOD, 1);
	pbenc_int(&e, PB_PROFILE_PERIOD, 2); /* last one wins */
	pbenc_strings(&e, s, 7);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(parse(&e, NULL, &p, &err), HD_OK);
	assert_true(str_is(p->drop_frames, "a|b"));
	assert_true(str_is(p->keep_frames, "c"));
	assert_true(str_is(p->default_sample_type, "alloc_space"));
	assert_true(str_is(p->doc_url, "http://doc"));
	assert_int_equal(p->n_comments, 4);
	assert_true(str_is(p->comments[3], "x"));
	assert_int_equal(p->duration_nanos, 10);
	assert_int_equal(p->time_nanos, -5);
	assert_int_equal(p->period, 2);
	assert_int_equal(p->period_type.type.len, 0); /* missing: empty */
	assert_int_equal(p->n_samples, 0);
	hd_profile_free(p);
	pbenc_release(&e);
}

static void test_sparse_ids_and_dangling_mapping(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	header(&e);
	uint64_t big = 1ull << 60, fids[] = {1ull << 62};
	pbenc_function(&e, fids[0], 8, 8, 10, 3);
	/* mapping id 99 does not exist: pprof leaves the location unmapped */
	pbenc_location(&e, big, 99, 0x10, fids, NULL, 1);
	pbenc_location(&e, big + 1, 0, 0x20, fids, NULL, 1);
	uint64_t locs[] = {big + 1, big};
	int64_t v[] = {1, 2, 3, 4};
	pbenc_sample(&e, locs, 2, v, 4, true);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(parse(&e, NULL, &p, &err), HD_OK);
	assert_int_equal(p->sample_locs[0], 1);
	assert_int_equal(p->sample_locs[1], 0);
	assert_int_equal(p->locations[0].mapping, HD_NONE);
	assert_int_equal(p->locations[0].id, big);
	assert_int_equal(p->functions[0].start_line, 3);
	hd_profile_free(p);
	pbenc_release(&e);
}

/* ---- validation errors ---- */

static void test_error_value_count(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	header(&e);
	int64_t v[] = {1, 2, 3, 4, 5};
	pbenc_sample(&e, NULL, 0, v, 4, true);
	pbenc_sample(&e, NULL, 0, v, 3, false);
	expect_error(&e, HD_ERR_PROFILE, "mismatch: sample 1");
	pbenc_reset(&e);
	header(&e);
	pbenc_sample(&e, NULL, 0, v, 5, true);
	expect_error(&e, HD_ERR_PROFILE, "mismatch: sample 0 has 5 values vs. 4 types");
	pbenc_reset(&e);
	pbenc_strings(&e, small_strings, N_SMALL_STRINGS);
	pbenc_sample(&e, NULL, 0, v, 1, true);
	expect_error(&e, HD_ERR_PROFILE, "missing sample type information");
	pbenc_release(&e);
}

static void test_error_ids(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	uint64_t f1 = 1;
	int64_t v[] = {1, 2, 3, 4};

	header(&e);
	pbenc_location(&e, 0, 0, 0x10, NULL, NULL, 0);
	expect_error(&e, HD_ERR_PROFILE, "found location with reserved id 0");

	pbenc_reset(&e);
	header(&e);
	pbenc_function(&e, 2, 8, 8, 10, 0);
	size_t second = e.len;
	pbenc_function(&e, 2, 9, 9, 10, 0);
	expect_error(&e, HD_ERR_PROFILE, "multiple functions with the same id 2");
	{
		struct hd_profile *p;
		struct hd_error err;
		assert_int_equal(parse(&e, NULL, &p, &err), HD_ERR_PROFILE);
		assert_true(err.has_offset);
		assert_int_equal(err.offset, second); /* the duplicate */
	}

	pbenc_reset(&e);
	header(&e);
	pbenc_mapping(&e, 5, 0, 1, 0, 0, 0);
	pbenc_mapping(&e, 1ull << 40, 0, 1, 0, 0, 0);
	pbenc_mapping(&e, 1ull << 40, 0, 1, 0, 0, 0);
	expect_error(&e, HD_ERR_PROFILE, "multiple mappings with the same id 1099511627776");

	pbenc_reset(&e);
	header(&e);
	pbenc_function(&e, 1, 8, 8, 10, 0);
	pbenc_location(&e, 1, 0, 0x10, &f1, NULL, 1);
	uint64_t missing[] = {1, 4};
	pbenc_sample(&e, missing, 2, v, 4, true);
	expect_error(&e, HD_ERR_PROFILE, "sample 0 references unknown location id 4");

	pbenc_reset(&e);
	header(&e);
	uint64_t f7 = 7;
	pbenc_location(&e, 1, 0, 0x10, &f7, NULL, 1);
	expect_error(&e, HD_ERR_PROFILE, "location id 1 has a line with unknown function id 7");

	pbenc_reset(&e);
	header(&e);
	uint64_t f0 = 0;
	pbenc_location(&e, 3, 0, 0x10, &f0, NULL, 1);
	expect_error(&e, HD_ERR_PROFILE, "location id 3 has a line with no function");
	pbenc_release(&e);
}

static void test_error_strings(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	header(&e);
	pbenc_function(&e, 1, 12, 8, 10, 0); /* 12 strings: index 12 is past */
	expect_error(&e, HD_ERR_PROFILE, "string index 12 of function out of range");

	pbenc_reset(&e);
	header(&e);
	pbenc_function(&e, 1, -1, 8, 10, 0);
	expect_error(&e, HD_ERR_PROFILE, "string index -1 of function");

	pbenc_reset(&e);
	pbenc_string(&e, PB_PROFILE_STRING_TABLE, "x");
	expect_error(&e, HD_ERR_PROFILE, "string_table[0] must be the empty string");

	pbenc_reset(&e);
	pbenc_int(&e, PB_PROFILE_PERIOD, 1);
	expect_error(&e, HD_ERR_PROFILE, "no string table");

	pbenc_reset(&e);
	header(&e);
	pbenc_int(&e, PB_PROFILE_DROP_FRAMES, 40);
	expect_error(&e, HD_ERR_PROFILE, "string index 40 of drop_frames");

	pbenc_reset(&e);
	header(&e);
	int64_t v[] = {1, 2, 3, 4};
	size_t m = pbenc_begin(&e, PB_PROFILE_SAMPLE);
	pbenc_packed(&e, PB_SAMPLE_VALUE, (const uint64_t *)v, 4);
	size_t l = pbenc_begin(&e, PB_SAMPLE_LABEL);
	pbenc_int(&e, PB_LABEL_KEY, 99); /* checked even for a dropped label */
	pbenc_end(&e, l);
	pbenc_end(&e, m);
	expect_error(&e, HD_ERR_PROFILE, "string index 99 of label");
	pbenc_release(&e);
}

static void test_error_concatenated(void **state)
{
	(void)state;
	struct pbenc a, both;
	pbenc_init(&a);
	pbenc_init(&both);
	pbenc_small_profile(&a);
	pbenc_raw(&both, a.data, a.len);
	pbenc_raw(&both, a.data, a.len);
	expect_error(&both, HD_ERR_PROFILE, "concatenated profiles");
	pbenc_release(&a);
	pbenc_release(&both);
}

static void test_error_wire(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	struct hd_profile *p;
	struct hd_error err;

	/* A sample given as a varint. */
	header(&e);
	size_t at = e.len;
	pbenc_uint(&e, PB_PROFILE_SAMPLE, 3);
	assert_int_equal(parse(&e, NULL, &p, &err), HD_ERR_PROTOBUF);
	assert_non_null(strstr(err.msg, "field 2 (sample) of profile has wire type 0"));
	assert_true(err.has_offset);
	assert_int_equal(err.offset, at);

	/* A label given as fixed32 inside a sample. */
	pbenc_reset(&e);
	header(&e);
	size_t m = pbenc_begin(&e, PB_PROFILE_SAMPLE);
	pbenc_fixed32(&e, PB_SAMPLE_LABEL, 1);
	pbenc_end(&e, m);
	expect_error(&e, HD_ERR_PROTOBUF, "field 3 of sample has wire type 5");

	/* Location ids as fixed64. */
	pbenc_reset(&e);
	header(&e);
	m = pbenc_begin(&e, PB_PROFILE_SAMPLE);
	pbenc_fixed64(&e, PB_SAMPLE_LOCATION_ID, 1);
	pbenc_end(&e, m);
	expect_error(&e, HD_ERR_PROTOBUF, "field 1 of sample has wire type 1");

	/* A function name given as a string instead of an index. */
	pbenc_reset(&e);
	header(&e);
	m = pbenc_begin(&e, PB_PROFILE_FUNCTION);
	pbenc_uint(&e, PB_FUNCTION_ID, 1);
	pbenc_string(&e, PB_FUNCTION_NAME, "main");
	pbenc_end(&e, m);
	expect_error(&e, HD_ERR_PROTOBUF, "field 2 of function has wire type 2");

	/* A group. */
	pbenc_reset(&e);
	header(&e);
	at = e.len;
	pbenc_tag(&e, 20, 3);
	assert_int_equal(parse(&e, NULL, &p, &err), HD_ERR_PROTOBUF);
	assert_non_null(strstr(err.msg, "unsupported wire type"));
	assert_int_equal(err.offset, at);

	/* A length past the end. */
	pbenc_reset(&e);
	header(&e);
	at = e.len;
	pbenc_tag(&e, PB_PROFILE_LOCATION, 2);
	pbenc_varint(&e, 1000);
	pbenc_raw(&e, "\x08\x01", 2);
	assert_int_equal(parse(&e, NULL, &p, &err), HD_ERR_PROTOBUF);
	assert_non_null(strstr(err.msg, "length runs past the end"));
	assert_int_equal(err.offset, at);

	/* A number that overflows 64 bits, at top level and packed. */
	pbenc_reset(&e);
	header(&e);
	pbenc_tag(&e, PB_PROFILE_PERIOD, 0);
	pbenc_raw(&e, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 10);
	expect_error(&e, HD_ERR_PROTOBUF, "varint overflows 64 bits");

	pbenc_reset(&e);
	header(&e);
	m = pbenc_begin(&e, PB_PROFILE_SAMPLE);
	pbenc_tag(&e, PB_SAMPLE_VALUE, 2);
	pbenc_varint(&e, 14);
	pbenc_raw(&e, "\x01\x02\x03\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 14);
	pbenc_end(&e, m);
	expect_error(&e, HD_ERR_PROTOBUF, "overflows");

	/* A varint cut by the end of the data. */
	pbenc_reset(&e);
	header(&e);
	pbenc_tag(&e, PB_PROFILE_PERIOD, 0);
	pbenc_raw(&e, "\x80", 1);
	expect_error(&e, HD_ERR_PROTOBUF, "runs past the end");

	/* A packed list whose last varint is cut. */
	pbenc_reset(&e);
	header(&e);
	m = pbenc_begin(&e, PB_PROFILE_SAMPLE);
	pbenc_tag(&e, PB_SAMPLE_VALUE, 2);
	pbenc_varint(&e, 5);
	pbenc_raw(&e, "\x01\x02\x03\x04\x85", 5);
	pbenc_end(&e, m);
	expect_error(&e, HD_ERR_PROTOBUF, "past the end of the data in sample values");
	pbenc_release(&e);
}

/* ---- limits and hostile sizes ---- */

static void test_limits(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	pbenc_small_profile(&e);
	struct hd_profile *p;
	struct hd_error err;
	struct hd_limits lim;
	hd_limits_default(&lim);
	lim.max_samples = 1;
	assert_int_equal(parse(&e, &lim, &p, &err), HD_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "more than 1 samples"));
	hd_limits_default(&lim);
	lim.max_stack_depth = 1;
	assert_int_equal(parse(&e, &lim, &p, &err), HD_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "2 frames"));
	hd_limits_default(&lim);
	lim.max_string_bytes = 8;
	assert_int_equal(parse(&e, &lim, &p, &err), HD_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "string of"));
	hd_limits_default(&lim);
	lim.max_input_bytes = 10;
	assert_int_equal(parse(&e, &lim, &p, &err), HD_ERR_LIMIT);
	/* Zero fields mean the defaults. */
	memset(&lim, 0, sizeof(lim));
	assert_int_equal(parse(&e, &lim, &p, &err), HD_OK);
	hd_profile_free(p);
	pbenc_release(&e);
}

static void test_deep_stack_and_huge_name(void **state)
{
	(void)state;
	enum { DEPTH = 200000 };
	size_t name_len = 4u << 20;
	char *name = malloc(name_len + 1);
	assert_non_null(name);
	memset(name, 'n', name_len);
	name[name_len] = '\0';
	const char *s[] = {"", "objects", "count", name};
	struct pbenc e;
	pbenc_init(&e);
	pbenc_value_type(&e, PB_PROFILE_SAMPLE_TYPE, 1, 2);
	uint64_t fid = 1;
	pbenc_function(&e, 1, 3, 3, 0, 0);
	uint64_t *locs = malloc(DEPTH * sizeof(uint64_t));
	assert_non_null(locs);
	for (uint64_t i = 0; i < DEPTH; i++) {
		pbenc_location(&e, i + 1, 0, 0x1000 + i, &fid, NULL, 1);
		locs[i] = DEPTH - i;
	}
	int64_t v = 42;
	pbenc_sample(&e, locs, DEPTH, &v, 1, true);
	pbenc_strings(&e, s, 4);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(parse(&e, NULL, &p, &err), HD_OK);
	assert_int_equal(p->samples[0].n_locs, DEPTH);
	assert_int_equal(p->sample_locs[0], DEPTH - 1);
	assert_int_equal(p->functions[0].name.len, name_len);
	hd_profile_free(p);
	pbenc_release(&e);
	free(locs);
	free(name);
}

/* ---- format detection (raw bytes) ---- */

static void test_not_profiles(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	expect_error(&e, HD_ERR_FORMAT, "empty file");
	pbenc_raw(&e, "<!DOCTYPE html>\n<html><body>oops</body></html>\n", 47);
	expect_error(&e, HD_ERR_FORMAT, "looks like an HTML page, not a profile");
	pbenc_reset(&e);
	pbenc_raw(&e, "404 page not found\n", 19);
	expect_error(&e, HD_ERR_FORMAT, "HTTP error page ('404 page not found')");
	pbenc_reset(&e);
	pbenc_raw(&e, "{\"a\": 1}", 8);
	expect_error(&e, HD_ERR_FORMAT, "looks like JSON");
	pbenc_reset(&e);
	pbenc_raw(&e, "hello\x1b[31m world\n", 17);
	expect_error(&e, HD_ERR_FORMAT, "looks like text, not a heap profile (first line 'hello\\x1b[31m world')");
	/* Binary that does not start like a Profile message: FORMAT; binary
	 * that does (a truncated sample): the protobuf error stands. */
	pbenc_reset(&e);
	pbenc_raw(&e, "this is not\0\1\2 a profile", 24);
	expect_error(&e, HD_ERR_FORMAT, "unrecognized data, not a profile (starts 'this is not\\x00\\x01\\x02 a profile')");
	pbenc_reset(&e);
	pbenc_raw(&e, "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", 8); /* groups */
	expect_error(&e, HD_ERR_FORMAT, "unrecognized data, not a profile (starts '\\x0b\\x0b");
	pbenc_reset(&e);
	pbenc_raw(&e, "\x12\x05\x08", 3);
	expect_error(&e, HD_ERR_PROTOBUF, "length runs past the end of the data in profile");
	pbenc_reset(&e);
	pbenc_raw(&e, "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a", 8); /* PNG */
	expect_error(&e, HD_ERR_FORMAT, "unrecognized data");
	pbenc_release(&e);
}

static void test_usage_errors(void **state)
{
	(void)state;
	struct hd_profile *p = NULL;
	struct hd_error err;
	assert_int_equal(hd_profile_parse(NULL, 5, NULL, &p, &err), HD_ERR_USAGE);
	assert_int_equal(hd_profile_parse("x", 1, NULL, NULL, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "invalid arguments"));
	/* err may be NULL, on success and on failure */
	assert_int_equal(hd_profile_parse("<html>", 6, NULL, &p, NULL), HD_ERR_FORMAT);
	assert_null(p);
	struct pbenc e;
	pbenc_init(&e);
	pbenc_small_profile(&e);
	assert_int_equal(hd_profile_parse(e.data, e.len, NULL, &p, NULL), HD_OK);
	hd_profile_free(p);
	pbenc_release(&e);
}

/* ---- the real corpus ---- */

struct corpus_total {
	const char *file;
	int64_t sums[4];
};

static void test_corpus_totals(void **state)
{
	(void)state;
	static const struct corpus_total totals[] = {
		{"real/parca-alloc_objects.pb.gz", {310797348, 116044559690, 74172, 14730706}},
		{"real/pyroscope-heap.pb.gz", {18245264435, 2180208886994, 1911643, 541672846}},
		{"real/pyroscope-og-heap.pb", {196607841, 13434386318, 22156072, 1602645059}},
		{"real/pyroscope-og-heap.pb.gz", {196607841, 13434386318, 22156072, 1602645059}},
		{"real/pprof-go.nomappings.crash.pb.gz", {2, 1765955, 2, 1765955}},
		{"parca-many/1644509272337470000.pb.gz", {83487, 51965338, 73788, 48928729}},
		{"parca-many/1644509293338714000.pb.gz", {83487, 51965338, 73788, 48928729}},
		{"parca-many/1644509296350592000.pb.gz", {112767, 149359340, 82373, 143698391}},
		{"parca-many/1644509299337903000.pb.gz", {112767, 149359340, 82373, 143698391}},
	};
	for (size_t i = 0; i < sizeof(totals) / sizeof(totals[0]); i++) {
		size_t len;
		char *d = read_corpus(totals[i].file, &len);
		struct hd_profile *p;
		struct hd_error err;
		enum hd_status st = hd_profile_parse(d, len, NULL, &p, &err);
		if (st)
			fail_msg("%s: %s", totals[i].file, err.msg);
		assert_int_equal(p->n_sample_types, 4);
		int64_t s[4];
		sums(p, s);
		for (int t = 0; t < 4; t++)
			assert_int_equal(s[t], totals[i].sums[t]);
		free(d);
		hd_profile_free(p);
	}
}

static void test_corpus_details(void **state)
{
	(void)state;
	size_t len;
	char *d = read_corpus("real/parca-alloc_objects.pb.gz", &len);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(hd_profile_parse(d, len, NULL, &p, &err), HD_OK);
	assert_int_equal(p->format, HD_FORMAT_PROTO_GZIP);
	assert_int_equal(p->n_samples, 4661);
	assert_true(str_is(p->default_sample_type, "alloc_space"));
	assert_int_equal(hd_profile_default_sample_index(p), 1);
	hd_profile_free(p);
	free(d);
	d = read_corpus("parca-many/1644509299337903000.pb.gz", &len);
	assert_int_equal(hd_profile_parse(d, len, NULL, &p, &err), HD_OK);
	assert_int_equal(p->n_samples, 241);
	assert_int_equal(hd_profile_default_sample_index(p), 3);
	uint64_t zero = 0;
	for (uint64_t i = 0; i < p->n_samples; i++) {
		const int64_t *v = hd_profile_sample_values(p, i);
		zero += !v[0] && !v[1] && !v[2] && !v[3];
	}
	assert_int_equal(zero, 206); /* corpus README: 206 of 241 all-zero */
	hd_profile_free(p);
	free(d);
}

static void test_corpus_pb_equals_gz(void **state)
{
	(void)state;
	size_t la, lb;
	char *a = read_corpus("real/pyroscope-og-heap.pb", &la);
	char *b = read_corpus("real/pyroscope-og-heap.pb.gz", &lb);
	struct hd_profile *pa, *pb;
	struct hd_error err;
	assert_int_equal(hd_profile_parse(a, la, NULL, &pa, &err), HD_OK);
	assert_int_equal(hd_profile_parse(b, lb, NULL, &pb, &err), HD_OK);
	assert_same_profile(pa, pb);
	assert_int_equal(pa->format, HD_FORMAT_PROTO);
	assert_int_equal(pb->format, HD_FORMAT_PROTO_GZIP);
	hd_profile_free(pa);
	hd_profile_free(pb);
	free(a);
	free(b);
}

/* ---- allocation failure sweep ---- */

static void sweep(const void *data, size_t len)
{
	struct hd_profile *p;
	struct hd_error err;
	long n;
	for (n = 0;; n++) {
		hd_alloc_fail_after(n);
		enum hd_status st = hd_profile_parse(data, len, NULL, &p, &err);
		hd_alloc_fail_after(-1);
		if (st == HD_OK)
			break;
		if (st != HD_ERR_NOMEM)
			fail_msg("allocation %ld failing gave status %d: %s", n, st, err.msg);
		assert_int_equal(err.code, HD_ERR_NOMEM);
	}
	assert_true(n > 2);
	hd_profile_free(p);
}

static void test_alloc_failure_sweep(void **state)
{
	(void)state;
	struct pbenc e;
	pbenc_init(&e);
	pbenc_small_profile(&e);
	sweep(e.data, e.len);
	size_t gz_len;
	uint8_t *gz = pbenc_gzip(e.data, e.len, &gz_len);
	sweep(gz, gz_len);
	free(gz);
	pbenc_release(&e);
	/* Sparse ids take the hash-map path. */
	pbenc_init(&e);
	header(&e);
	uint64_t fid = 1ull << 50;
	pbenc_function(&e, fid, 8, 8, 10, 0);
	pbenc_location(&e, 1ull << 51, 0, 1, &fid, NULL, 1);
	sweep(e.data, e.len);
	pbenc_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_profile),
		cmocka_unit_test(test_input_not_retained),
		cmocka_unit_test(test_packed_unpacked_any_order),
		cmocka_unit_test(test_unknown_fields_skipped),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_profile_scalars),
		cmocka_unit_test(test_sparse_ids_and_dangling_mapping),
		cmocka_unit_test(test_error_value_count),
		cmocka_unit_test(test_error_ids),
		cmocka_unit_test(test_error_strings),
		cmocka_unit_test(test_error_concatenated),
		cmocka_unit_test(test_error_wire),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_deep_stack_and_huge_name),
		cmocka_unit_test(test_not_profiles),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_corpus_totals),
		cmocka_unit_test(test_corpus_details),
		cmocka_unit_test(test_corpus_pb_equals_gz),
		cmocka_unit_test(test_alloc_failure_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
