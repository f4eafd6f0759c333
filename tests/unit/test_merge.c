/*
 * test_merge.c - unit tests of hd_profile_merge / hd_merger_* and
 * hd_profile_normalize_scales (src/lib/agg/merge.c) on profiles built by
 * hand with the builder: summing by stack and labels (the Go `bytes` label
 * keeps sizes apart), zero sums dropped with what only they referenced,
 * pprof's Scale rounding and ScaleN drop rule, the pprof::base label,
 * sample type intersection, incompatibility errors, header rules, ASLR
 * address normalisation, batches (equal samples inside and across the
 * prefetch batches, mappings met in order of first use, deep stacks),
 * incremental == batch, and a fail-the-Nth-allocation sweep,
 * hd_profile_select with pprof's stack edits.  The corpus-level parity
 * with `go tool pprof` is in tests/parity/parity_diff.sh.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "common.h"
#include "model/builder.h"

/* ---- building test profiles ---- */

struct spec_sample {
	const char *stack; /* "leaf;caller;root" function names, leaf first */
	int64_t v[4];
	int64_t bytes; /* numeric label `bytes`, 0 = none */
	const char *base; /* string label pprof::base value, NULL = none */
};

/* A heap profile with the four Go sample types (or `ntypes` of them from
 * the end when ntypes < 4) and one mapping starting at map_start. */
static struct hd_profile *make(const struct spec_sample *ss, size_t n, int ntypes,
			       uint64_t map_start, int64_t time_nanos)
{
	static const char *types[4] = {"alloc_objects", "alloc_space", "inuse_objects",
				       "inuse_space"};
	static const char *units[4] = {"count", "bytes", "count", "bytes"};
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	for (int i = 4 - ntypes; i < 4; i++)
		hd_builder_add_sample_type(b, hd_str_c(types[i]), hd_str_c(units[i]));
	hd_builder_set_period(b, hd_str_c("space"), hd_str_c("bytes"), 524288);
	hd_builder_set_time(b, time_nanos, 1000);
	struct hd_mapping m = {0};
	m.memory_start = map_start;
	m.memory_limit = map_start + 0x100000;
	m.filename = hd_str_c("/bin/app");
	uint32_t mi = hd_builder_add_mapping(b, &m);
	for (size_t s = 0; s < n; s++) {
		uint32_t locs[16];
		uint32_t nl = 0;
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", ss[s].stack);
		for (char *tok = strtok(buf, ";"); tok; tok = strtok(NULL, ";")) {
			struct hd_function f = {0};
			f.name = hd_str_c(tok);
			f.filename = hd_str_c("app.go");
			uint32_t fi = hd_builder_intern_function(b, &f);
			struct hd_line ln = {.function = fi, .line = 10};
			/* one address per function name, relative to the mapping */
			uint64_t addr = map_start + 0x1000 + (uint64_t)(unsigned char)tok[0] * 16 +
					strlen(tok);
			locs[nl++] = hd_builder_intern_location(b, mi, addr, false, &ln, 1);
		}
		struct hd_label labels[2];
		uint32_t nlab = 0;
		if (ss[s].bytes) {
			memset(&labels[nlab], 0, sizeof(labels[0]));
			labels[nlab].key = hd_str_c("bytes");
			labels[nlab].num = ss[s].bytes;
			labels[nlab].is_num = true;
			nlab++;
		}
		if (ss[s].base) {
			memset(&labels[nlab], 0, sizeof(labels[0]));
			labels[nlab].key = hd_str_c("pprof::base");
			labels[nlab].str = hd_str_c(ss[s].base);
			nlab++;
		}
		hd_builder_add_sample(b, locs, nl, ss[s].v + (4 - ntypes), labels, nlab);
	}
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	return p;
}

/* "leaf;...;root" of sample s, function names only. */
static void stack_of(const struct hd_profile *p, uint64_t s, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	const struct hd_sample *sm = &p->samples[s];
	for (uint32_t k = 0; k < sm->n_locs; k++) {
		const struct hd_location *l = &p->locations[p->sample_locs[sm->first_loc + k]];
		const struct hd_function *f = &p->functions[p->lines[l->first_line].function];
		o += (size_t)snprintf(out + o, cap - o, "%s%.*s", k ? ";" : "", (int)f->name.len,
				      f->name.ptr);
	}
}

/* Index of the sample with this stack and bytes label, or -1. */
static long find(const struct hd_profile *p, const char *stack, int64_t bytes)
{
	char buf[256];
	for (uint64_t s = 0; s < p->n_samples; s++) {
		stack_of(p, s, buf, sizeof(buf));
		int64_t b = 0;
		hd_sample_num_label(p, s, "bytes", &b);
		if (strcmp(buf, stack) == 0 && b == bytes)
			return (long)s;
	}
	return -1;
}

static const struct spec_sample A[] = {
	{"malloc;main.f;main.main", {1, 64, 1, 64}, 64, NULL},
	{"malloc;main.g;main.main", {2, 256, 0, 0}, 128, NULL},
	{"malloc;main.f;main.main", {1, 32, 1, 32}, 32, NULL},
	{"main.z;main.main", {0, 0, 0, 0}, 0, NULL},
};
static const struct spec_sample B[] = {
	{"malloc;main.f;main.main", {3, 192, 2, 128}, 64, NULL},
	{"malloc;main.h;main.main", {1, 1024, 1, 1024}, 1024, NULL},
};

static void test_sum_by_stack_and_bytes_label(void **state)
{
	(void)state;
	struct hd_profile *a = make(A, 4, 4, 0x400000, 100), *b = make(B, 2, 4, 0x400000, 50);
	struct hd_merge_input in[2] = {{a, 1, NULL, false}, {b, 1, NULL, false}};
	struct hd_profile *m;
	assert_int_equal(hd_profile_merge(in, 2, &m, NULL), HD_OK);
	/* f/64 summed, f/32 apart (bytes label), g, h; the zero sample dropped */
	assert_int_equal(m->n_samples, 4);
	long s = find(m, "malloc;main.f;main.main", 64);
	assert_true(s >= 0);
	const int64_t *v = hd_profile_sample_values(m, (uint64_t)s);
	assert_int_equal(v[0], 4);
	assert_int_equal(v[1], 256);
	assert_int_equal(v[3], 192);
	s = find(m, "malloc;main.f;main.main", 32);
	assert_true(s >= 0);
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)s)[3], 32);
	assert_true(find(m, "main.z;main.main", 0) < 0);
	/* main.z was only used by the zero sample: not in the result */
	for (uint32_t i = 0; i < m->n_functions; i++)
		assert_false(hd_str_eqc(m->functions[i].name, "main.z"));
	assert_int_equal(m->n_functions, 5); /* malloc f main g h */
	/* dense ids */
	for (uint32_t i = 0; i < m->n_locations; i++)
		assert_int_equal(m->locations[i].id, i + 1);
	/* headers: earliest time, summed duration */
	assert_int_equal(m->time_nanos, 50);
	assert_int_equal(m->duration_nanos, 2000);
	assert_int_equal(m->period, 524288);
	assert_true(hd_str_eqc(m->period_type.type, "space"));
	assert_int_equal(m->format, HD_FORMAT_BUILT);
	hd_profile_free(m);
	hd_profile_free(a);
	hd_profile_free(b);
}

static void test_base_subtracts_and_drops_zero_sums(void **state)
{
	(void)state;
	struct hd_profile *a = make(A, 4, 4, 0x400000, 100);
	struct hd_merge_input in[2] = {{a, 1, NULL, false}, {a, -1, NULL, false}};
	struct hd_profile *m;
	assert_int_equal(hd_profile_merge(in, 2, &m, NULL), HD_OK);
	assert_int_equal(m->n_samples, 0);
	assert_int_equal(m->n_locations, 0);
	assert_int_equal(m->n_functions, 0);
	assert_int_equal(m->n_mappings, 1); /* pprof keeps the main mapping */
	hd_profile_free(m);

	struct hd_profile *b = make(B, 2, 4, 0x400000, 50);
	struct hd_merge_input d[2] = {{b, 1, NULL, false}, {a, -1, NULL, false}};
	assert_int_equal(hd_profile_merge(d, 2, &m, NULL), HD_OK);
	long s = find(m, "malloc;main.f;main.main", 64);
	assert_true(s >= 0);
	const int64_t *v = hd_profile_sample_values(m, (uint64_t)s);
	assert_int_equal(v[0], 2);
	assert_int_equal(v[3], 64);
	s = find(m, "malloc;main.f;main.main", 32);
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)s)[3], -32);
	assert_int_equal(m->n_samples, 4);
	hd_profile_free(m);
	hd_profile_free(a);
	hd_profile_free(b);
}

static void test_diff_base_label(void **state)
{
	(void)state;
	static const struct spec_sample X[] = {
		{"malloc;main.f;main.main", {1, 64, 1, 64}, 64, "false"},
	};
	struct hd_profile *a = make(A, 4, 4, 0x400000, 1), *x = make(X, 1, 4, 0x400000, 1);
	struct hd_merge_input in[2] = {{a, 1, NULL, false}, {x, -1, NULL, true}};
	struct hd_profile *m;
	assert_int_equal(hd_profile_merge(in, 2, &m, NULL), HD_OK);
	/* the base sample is kept apart from the equal source sample */
	assert_int_equal(m->n_samples, 4);
	int based = 0;
	for (uint64_t s = 0; s < m->n_samples; s++) {
		const struct hd_sample *sm = &m->samples[s];
		for (uint32_t k = 0; k < sm->n_labels; k++) {
			const struct hd_label *l = &m->labels[sm->first_label + k];
			if (hd_str_eqc(l->key, "pprof::base")) {
				/* replaced, not added: "false" is gone */
				assert_true(hd_str_eqc(l->str, "true"));
				assert_int_equal(hd_profile_sample_values(m, s)[3], -64);
				based++;
			}
		}
		/* canonical order: string labels before numeric ones */
		if (sm->n_labels == 2)
			assert_false(m->labels[sm->first_label].is_num);
	}
	assert_int_equal(based, 1);
	hd_profile_free(m);
	hd_profile_free(a);
	hd_profile_free(x);
}

static void test_scale_rounding_and_scalen_rule(void **state)
{
	(void)state;
	static const struct spec_sample S[] = {
		{"a;main.main", {3, 5, 0, 0}, 0, NULL},
		{"b;main.main", {0, 0, 7, 1}, 0, NULL},
	};
	struct hd_profile *p = make(S, 2, 4, 0x400000, 1);
	struct hd_profile *m;
	/* 2.5 -> 3 and -2.5 -> -3: math.Round rounds half away from zero */
	struct hd_merge_input in = {p, 0.5, NULL, false};
	assert_int_equal(hd_profile_merge(&in, 1, &m, NULL), HD_OK);
	long s = find(m, "a;main.main", 0);
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)s)[0], 2);  /* 1.5 -> 2 */
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)s)[1], 3);  /* 2.5 -> 3 */
	s = find(m, "b;main.main", 0);
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)s)[3], 1);  /* 0.5 -> 1 */
	hd_profile_free(m);
	in.scale = -0.5;
	assert_int_equal(hd_profile_merge(&in, 1, &m, NULL), HD_OK);
	s = find(m, "a;main.main", 0);
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)s)[1], -3);
	hd_profile_free(m);
	/* ScaleN keeps a sample only if a value it scaled is non-zero:
	 * sample a has non-zero values only in unscaled columns -> dropped. */
	double scales[4] = {1, 1, 2, 2};
	struct hd_merge_input n = {p, 1, scales, false};
	assert_int_equal(hd_profile_merge(&n, 1, &m, NULL), HD_OK);
	assert_int_equal(m->n_samples, 1);
	s = find(m, "b;main.main", 0);
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)s)[2], 14);
	hd_profile_free(m);
	hd_profile_free(p);
}

static void test_sample_type_intersection(void **state)
{
	(void)state;
	struct hd_profile *a = make(A, 4, 4, 0x400000, 1), *b = make(B, 2, 2, 0x400000, 1);
	struct hd_merge_input in[2] = {{a, 1, NULL, false}, {b, 1, NULL, false}};
	struct hd_profile *m;
	assert_int_equal(hd_profile_merge(in, 2, &m, NULL), HD_OK);
	assert_int_equal(m->n_sample_types, 2);
	assert_true(hd_str_eqc(m->sample_types[0].type, "inuse_objects"));
	assert_true(hd_str_eqc(m->sample_types[1].type, "inuse_space"));
	/* main.g had only alloc values: zero after the intersection, dropped */
	assert_true(find(m, "malloc;main.g;main.main", 128) < 0);
	long s = find(m, "malloc;main.f;main.main", 64);
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)s)[1], 64 + 128);
	/* the first input's list changed: its default becomes the first
	 * common type (pprof's compatibilizeSampleTypes) */
	assert_true(hd_str_eqc(m->default_sample_type, "inuse_objects"));
	hd_profile_free(m);
	hd_profile_free(a);
	hd_profile_free(b);
}

static struct hd_profile *one_type(const char *type, const char *unit, const char *ptype)
{
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c(type), hd_str_c(unit));
	hd_builder_set_period(b, hd_str_c(ptype), hd_str_c("bytes"), 1);
	int64_t v = 1;
	hd_builder_add_sample(b, NULL, 0, &v, NULL, 0);
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	return p;
}

static void test_incompatible(void **state)
{
	(void)state;
	struct hd_profile *a = one_type("inuse_space", "bytes", "space");
	struct hd_profile *b = one_type("samples", "count", "space");
	struct hd_profile *c = one_type("inuse_space", "kilobytes", "space");
	struct hd_profile *d = one_type("inuse_space", "bytes", "cpu");
	struct hd_profile *m = NULL;
	struct hd_error err = {0};
	struct hd_merge_input in[2] = {{a, 1, NULL, false}, {b, 1, NULL, false}};
	assert_int_equal(hd_profile_merge(in, 2, &m, &err), HD_ERR_INCOMPATIBLE);
	assert_non_null(strstr(err.msg, "no sample type in common"));
	assert_non_null(strstr(err.msg, "inuse_space/bytes"));
	assert_non_null(strstr(err.msg, "samples/count"));
	in[1].profile = c;
	assert_int_equal(hd_profile_merge(in, 2, &m, &err), HD_ERR_INCOMPATIBLE);
	assert_non_null(strstr(err.msg, "units differ"));
	in[1].profile = d;
	assert_int_equal(hd_profile_merge(in, 2, &m, &err), HD_ERR_INCOMPATIBLE);
	assert_non_null(strstr(err.msg, "period types"));
	assert_null(m);
	double sc[1];
	assert_int_equal(hd_profile_normalize_scales(a, b, sc, &err), HD_ERR_INCOMPATIBLE);
	hd_profile_free(a);
	hd_profile_free(b);
	hd_profile_free(c);
	hd_profile_free(d);
}

static void test_usage_errors(void **state)
{
	(void)state;
	struct hd_profile *a = make(A, 4, 4, 0x400000, 1), *m = NULL;
	struct hd_error err = {0};
	assert_int_equal(hd_profile_merge(NULL, 0, &m, &err), HD_ERR_USAGE);
	struct hd_merge_input in = {a, NAN, NULL, false};
	assert_int_equal(hd_profile_merge(&in, 1, &m, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "finite"));
	in.profile = NULL;
	in.scale = 1;
	assert_int_equal(hd_profile_merge(&in, 1, &m, &err), HD_ERR_USAGE);
	struct hd_merger *g;
	assert_int_equal(hd_merger_new(&g, NULL), HD_OK);
	assert_int_equal(hd_merger_finish(g, &m, &err), HD_ERR_USAGE);
	hd_merger_free(g);
	hd_merger_free(NULL);
	assert_null(m);
	hd_profile_free(a);
}

static void test_normalize_scales(void **state)
{
	(void)state;
	struct hd_profile *a = make(A, 4, 4, 0x400000, 1), *b = make(B, 2, 4, 0x400000, 1);
	double sc[4];
	assert_int_equal(hd_profile_normalize_scales(a, b, sc, NULL), HD_OK);
	/* sums: a = 4 352 2 96; b = 4 1216 3 1152 */
	assert_true(fabs(sc[0] - 1.0) < 1e-12);
	assert_true(fabs(sc[1] - 1216.0 / 352) < 1e-12);
	assert_true(fabs(sc[2] - 1.5) < 1e-12);
	assert_true(fabs(sc[3] - 12.0) < 1e-12);
	static const struct spec_sample Z[] = {{"a;main.main", {0, 0, 0, 0}, 0, NULL}};
	struct hd_profile *z = make(Z, 1, 4, 0x400000, 1);
	assert_int_equal(hd_profile_normalize_scales(z, b, sc, NULL), HD_OK);
	assert_true(sc[3] == 0.0); /* zero source sum -> 0 */
	hd_profile_free(a);
	hd_profile_free(b);
	hd_profile_free(z);
}

static void test_aslr_and_headers(void **state)
{
	(void)state;
	/* The same program loaded at two addresses: locations merge because
	 * keys use address - mapping start. */
	struct hd_profile *a = make(B, 2, 4, 0x400000, 300), *b = make(B, 2, 4, 0x7f0000, 200);
	struct hd_builder *cb;
	assert_int_equal(hd_builder_new(&cb, NULL), HD_OK);
	struct hd_merge_input in[2] = {{a, 1, NULL, false}, {b, 1, NULL, false}};
	struct hd_profile *m;
	assert_int_equal(hd_profile_merge(in, 2, &m, NULL), HD_OK);
	assert_int_equal(m->n_samples, 2);
	assert_int_equal(m->n_mappings, 1);
	assert_int_equal(m->n_locations, 4);
	assert_int_equal(m->mappings[0].memory_start, 0x400000);
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)find(m, "malloc;main.h;main.main",
								     1024))[3], 2048);
	assert_int_equal(m->time_nanos, 200);
	hd_profile_free(m);
	hd_builder_free(cb);
	hd_profile_free(a);
	hd_profile_free(b);
}

/*
 * The merger folds samples and maps locations in batches of 16 (prefetch):
 * an input whose equal samples fall inside one batch and across batch
 * boundaries must still sum them, and a mapping shared by two input
 * mappings (same file and size, other addresses) must take the address
 * space of the one the samples use first - not the one listed first.
 */
static void test_batches_keep_first_use_order(void **state)
{
	(void)state;
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("inuse_space"), hd_str_c("bytes"));
	hd_builder_set_period(b, hd_str_c("space"), hd_str_c("bytes"), 1);
	struct hd_mapping mp = {0};
	mp.memory_start = 0x400000;
	mp.memory_limit = 0x500000;
	mp.filename = hd_str_c("/bin/app");
	uint32_t main_map = hd_builder_add_mapping(b, &mp);
	mp.memory_start = 0x7f0000000000; /* listed first, used second */
	mp.memory_limit = mp.memory_start + 0x10000;
	mp.filename = hd_str_c("/lib/libx.so");
	uint32_t lib_a = hd_builder_add_mapping(b, &mp);
	mp.memory_start = 0x7e0000000000;
	mp.memory_limit = mp.memory_start + 0x10000;
	uint32_t lib_b = hd_builder_add_mapping(b, &mp);
	struct hd_function f = {0};
	f.name = hd_str_c("main.main");
	struct hd_line ln = {.function = hd_builder_intern_function(b, &f), .line = 1};
	uint32_t l_main = hd_builder_add_location(b, main_map, 0x401000, false, &ln, 1);
	f.name = hd_str_c("x.alloc");
	ln.function = hd_builder_intern_function(b, &f);
	uint32_t l_a = hd_builder_add_location(b, lib_a, 0x7f0000000100, false, &ln, 1);
	uint32_t l_b = hd_builder_add_location(b, lib_b, 0x7e0000000200, false, &ln, 1);
	/* 40 samples: 0..19 main only (equal: one merged sample), then the
	 * library through lib_b (sample 20, inside the second batch) before
	 * lib_a (sample 21), then both alternately */
	for (int i = 0; i < 40; i++) {
		uint32_t stack[2] = {i < 20 ? l_main : (i % 2 ? l_a : l_b), l_main};
		int64_t v = i + 1;
		hd_builder_add_sample(b, stack, i < 20 ? 1 : 2, &v, NULL, 0);
	}
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	struct hd_merge_input in[2] = {{p, 1, NULL, false}, {p, 1, NULL, false}};
	struct hd_profile *m;
	assert_int_equal(hd_profile_merge(in, 2, &m, NULL), HD_OK);
	assert_int_equal(m->n_samples, 3);
	/* sums: main only 2 * (1 + ... + 20); via lib_b 2 * (21 + 23 + ... +
	 * 39); via lib_a 2 * (22 + ... + 40) */
	assert_int_equal(m->values[0], 2 * 210);
	assert_int_equal(m->values[1], 2 * 300);
	assert_int_equal(m->values[2], 2 * 310);
	/* one library mapping, in lib_b's address space (used first) */
	assert_int_equal(m->n_mappings, 2);
	assert_int_equal(m->mappings[1].memory_start, 0x7e0000000000);
	const struct hd_sample *s1 = &m->samples[1], *s2 = &m->samples[2];
	assert_int_equal(m->locations[m->sample_locs[s1->first_loc]].address, 0x7e0000000200);
	assert_int_equal(m->locations[m->sample_locs[s2->first_loc]].address, 0x7e0000000100);
	hd_profile_free(m);
	hd_profile_free(p);
}

/* Deep stacks: a batch stops at 65536 frames; equal stacks still sum. */
static void test_deep_stacks_across_batches(void **state)
{
	(void)state;
	enum { DEPTH = 30000 };
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("inuse_space"), hd_str_c("bytes"));
	uint32_t locs[3];
	for (int i = 0; i < 3; i++) {
		struct hd_function f = {0};
		f.name = hd_str_c(i == 0 ? "a" : i == 1 ? "b" : "c");
		struct hd_line ln = {.function = hd_builder_intern_function(b, &f), .line = i};
		locs[i] = hd_builder_add_location(b, HD_NONE, 0x1000 + (uint64_t)i, false, &ln, 1);
	}
	uint32_t *stack = malloc(DEPTH * sizeof(*stack));
	assert_non_null(stack);
	for (int s = 0; s < 5; s++) {
		for (int k = 0; k < DEPTH; k++)
			stack[k] = locs[(k + (s % 2)) % 3];
		int64_t v = s + 1;
		hd_builder_add_sample(b, stack, DEPTH, &v, NULL, 0);
	}
	free(stack);
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	struct hd_merge_input in = {p, 1, NULL, false};
	struct hd_profile *m;
	assert_int_equal(hd_profile_merge(&in, 1, &m, NULL), HD_OK);
	assert_int_equal(m->n_samples, 2);
	assert_int_equal(m->values[0], 1 + 3 + 5);
	assert_int_equal(m->values[1], 2 + 4);
	assert_int_equal(m->n_sample_locs, 2 * DEPTH);
	assert_int_equal(m->n_locations, 3);
	hd_profile_free(m);
	hd_profile_free(p);
}

static void test_incremental_equals_batch(void **state)
{
	(void)state;
	struct hd_profile *a = make(A, 4, 4, 0x400000, 1), *b = make(B, 2, 4, 0x400000, 1);
	struct hd_merge_input in[3] = {{a, 1, NULL, false}, {b, 1, NULL, false},
				       {a, -1, NULL, true}};
	struct hd_profile *m1, *m2;
	assert_int_equal(hd_profile_merge(in, 3, &m1, NULL), HD_OK);
	struct hd_merger *g;
	assert_int_equal(hd_merger_new(&g, NULL), HD_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(hd_merger_add(g, &in[i], NULL), HD_OK);
	assert_int_equal(hd_merger_finish(g, &m2, NULL), HD_OK);
	assert_int_equal(hd_merger_add(g, &in[0], NULL), HD_ERR_USAGE); /* finished */
	hd_merger_free(g);
	assert_int_equal(m1->n_samples, m2->n_samples);
	assert_memory_equal(m1->values, m2->values,
			    m1->n_samples * m1->n_sample_types * sizeof(int64_t));
	assert_memory_equal(m1->sample_locs, m2->sample_locs, m1->n_sample_locs * sizeof(uint32_t));
	hd_profile_free(m1);
	hd_profile_free(m2);
	hd_profile_free(a);
	hd_profile_free(b);
}

static void test_select_and_edit(void **state)
{
	(void)state;
	struct hd_profile *a = make(A, 4, 4, 0x400000, 1), *m;
	uint8_t keep[4] = {1, 1, 0, 1}; /* drop f/32 */
	assert_int_equal(hd_profile_select(a, keep, NULL, &m, NULL), HD_OK);
	assert_int_equal(m->n_samples, 2); /* f/64, g/128; z is zero */
	assert_true(find(m, "malloc;main.f;main.main", 32) < 0);
	hd_profile_free(m);
	uint8_t all[4] = {1, 1, 1, 1};
	struct hd_report_options ro;
	hd_report_options_default(&ro);
	ro.hide = "^malloc$";
	assert_int_equal(hd_profile_select(a, all, &ro, &m, NULL), HD_OK);
	assert_true(find(m, "main.f;main.main", 64) >= 0);
	assert_true(find(m, "main.g;main.main", 128) >= 0);
	hd_profile_free(m);
	hd_report_options_default(&ro);
	ro.show = "main\\.[fg]";
	assert_int_equal(hd_profile_select(a, all, &ro, &m, NULL), HD_OK);
	assert_true(find(m, "main.f", 64) >= 0);
	assert_true(find(m, "main.g", 128) >= 0);
	hd_profile_free(m);
	hd_report_options_default(&ro);
	ro.show_from = "main\\.f";  /* cuts callers above main.f; g dropped */
	assert_int_equal(hd_profile_select(a, all, &ro, &m, NULL), HD_OK);
	assert_true(find(m, "malloc;main.f", 64) >= 0);
	assert_true(find(m, "malloc;main.f", 32) >= 0);
	assert_int_equal(m->n_samples, 2);
	hd_profile_free(m);
	hd_report_options_default(&ro);
	ro.prune_from = "main\\.g"; /* callees of main.g (malloc) dropped */
	assert_int_equal(hd_profile_select(a, all, &ro, &m, NULL), HD_OK);
	assert_true(find(m, "main.g;main.main", 128) >= 0);
	assert_true(find(m, "malloc;main.f;main.main", 64) >= 0);
	hd_profile_free(m);
	/* -taghide: the bytes labels go, and f/64 and f/32, now the same
	 * stack with the same (no) labels, are added together */
	hd_report_options_default(&ro);
	ro.taghide = "^byt";
	assert_int_equal(hd_profile_select(a, all, &ro, &m, NULL), HD_OK);
	assert_int_equal(m->n_samples, 2);
	long fs = find(m, "malloc;main.f;main.main", 0);
	assert_true(fs >= 0);
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)fs)[3], 96);
	assert_int_equal(m->samples[fs].n_labels, 0);
	assert_true(find(m, "malloc;main.g;main.main", 0) >= 0);
	hd_profile_free(m);
	/* -tagshow matching the key keeps them; not matching drops them, and
	 * combines with the stack edits and the selection */
	hd_report_options_default(&ro);
	ro.tagshow = "bytes";
	assert_int_equal(hd_profile_select(a, all, &ro, &m, NULL), HD_OK);
	assert_int_equal(m->n_samples, 3);
	assert_true(find(m, "malloc;main.f;main.main", 32) >= 0);
	hd_profile_free(m);
	ro.tagshow = "^region$";
	ro.hide = "^malloc$";
	assert_int_equal(hd_profile_select(a, keep, &ro, &m, NULL), HD_OK);
	assert_int_equal(m->n_samples, 2); /* f/64 and g; f/32 was not kept */
	fs = find(m, "main.f;main.main", 0);
	assert_true(fs >= 0);
	assert_int_equal(hd_profile_sample_values(m, (uint64_t)fs)[3], 64);
	hd_profile_free(m);
	struct hd_error err = {0};
	hd_report_options_default(&ro);
	ro.taghide = "[";
	assert_int_equal(hd_profile_select(a, all, &ro, &m, &err), HD_ERR_REGEX);
	assert_non_null(strstr(err.msg, "taghide"));
	hd_report_options_default(&ro);
	ro.hide = "(";
	assert_int_equal(hd_profile_select(a, all, &ro, &m, &err), HD_ERR_REGEX);
	assert_non_null(strstr(err.msg, "hide"));
	assert_int_equal(hd_profile_select(NULL, all, NULL, &m, &err), HD_ERR_USAGE);
	hd_profile_free(a);
}

/* Fails the (N+1)th allocation and every later one for N = 0, 1, ... until
 * run() succeeds: each failure must be a clean HD_ERR_NOMEM with no result
 * (leaks: LeakSanitizer in the sanitizer pass).  Returns the result. */
static struct hd_profile *sweep(enum hd_status (*run)(void *ctx, struct hd_profile **out),
				void *ctx)
{
	for (long n = 0;; n++) {
		struct hd_profile *m = NULL;
		hd_alloc_fail_after(n);
		enum hd_status st = run(ctx, &m);
		hd_alloc_fail_after(-1);
		if (st == HD_OK) {
			assert_true(n > 10);
			return m;
		}
		assert_int_equal(st, HD_ERR_NOMEM);
		assert_null(m);
		assert_true(n < 100000);
	}
}

static enum hd_status run_merge(void *ctx, struct hd_profile **out)
{
	return hd_profile_merge(ctx, 3, out, NULL);
}

struct select_ctx {
	const struct hd_profile *p;
	const uint8_t *keep;
	const struct hd_report_options *ro;
};

static enum hd_status run_select(void *ctx, struct hd_profile **out)
{
	const struct select_ctx *c = ctx;
	return hd_profile_select(c->p, c->keep, c->ro, out, NULL);
}

static void test_alloc_failure_sweep(void **state)
{
	(void)state;
	struct hd_profile *a = make(A, 4, 4, 0x400000, 1), *b = make(B, 2, 2, 0x7f0000, 1);
	struct hd_merge_input in[3] = {{a, 1, NULL, false}, {b, 1, NULL, false},
				       {a, -1, NULL, true}};
	struct hd_profile *m = sweep(run_merge, in);
	assert_int_equal(m->n_sample_types, 2);
	hd_profile_free(m);
	/* hd_profile_select with stack and label edits */
	uint8_t all[4] = {1, 1, 1, 1};
	struct hd_report_options ro;
	hd_report_options_default(&ro);
	ro.hide = "^malloc$";
	ro.taghide = "bytes";
	struct select_ctx sc = {a, all, &ro};
	m = sweep(run_select, &sc);
	assert_int_equal(m->n_samples, 2);
	hd_profile_free(m);
	hd_profile_free(a);
	hd_profile_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sum_by_stack_and_bytes_label),
		cmocka_unit_test(test_base_subtracts_and_drops_zero_sums),
		cmocka_unit_test(test_diff_base_label),
		cmocka_unit_test(test_scale_rounding_and_scalen_rule),
		cmocka_unit_test(test_sample_type_intersection),
		cmocka_unit_test(test_incompatible),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_normalize_scales),
		cmocka_unit_test(test_aslr_and_headers),
		cmocka_unit_test(test_batches_keep_first_use_order),
		cmocka_unit_test(test_deep_stacks_across_batches),
		cmocka_unit_test(test_incremental_equals_batch),
		cmocka_unit_test(test_select_and_edit),
		cmocka_unit_test(test_alloc_failure_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
