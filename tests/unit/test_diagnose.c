/*
 * test_diagnose.c - unit tests of hd_diagnose() and hd_diagnosis_render()
 * on profiles built by hand (src/lib/model/builder.h): sites and owners
 * (a stdlib leaf is keyed by its owner), sizes from the `bytes` label, kinds
 * from size chains, single-profile and series verdicts, identical snapshots
 * collapsed, time ordering, notes on the sampling period, ranking, the
 * renderers (escaping of hostile names), and every documented error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "analyze/gomodel.h"
#include "model/builder.h"

struct spec_sample {
	const char *frames[4]; /* leaf first, NULL-terminated */
	int64_t size;
	int64_t alloc_objects, inuse_objects;
};

static uint32_t frame(struct hd_builder *b, const char *name, int64_t line)
{
	struct hd_function f = {0};
	f.name = hd_str_c(name);
	f.filename = hd_str_c(strncmp(name, "main.", 5) == 0 ? "/src/app/main.go" : "/go/src/lib.go");
	uint32_t fi = hd_builder_intern_function(b, &f);
	struct hd_line ln = {fi, line, 0};
	return hd_builder_intern_location(b, HD_NONE, 0x1000 + (uint64_t)fi * 16 + (uint64_t)line,
					  false, &ln, 1);
}

static struct hd_profile *build(const struct spec_sample *s, size_t n, int64_t period,
				int64_t time_nanos, bool heap_types)
{
	struct hd_builder *b = NULL;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	if (heap_types) {
		static const char *const types[] = {"alloc_objects", "alloc_space", "inuse_objects",
						    "inuse_space"};
		for (int i = 0; i < 4; i++)
			hd_builder_add_sample_type(b, hd_str_c(types[i]),
						   hd_str_c(i % 2 ? "bytes" : "count"));
	} else {
		hd_builder_add_sample_type(b, hd_str_c("samples"), hd_str_c("count"));
	}
	hd_builder_set_period(b, hd_str_c("space"), hd_str_c("bytes"), period);
	hd_builder_set_time(b, time_nanos, 0);
	for (size_t i = 0; i < n; i++) {
		uint32_t locs[4];
		uint32_t nl = 0;
		for (; nl < 4 && s[i].frames[nl]; nl++)
			locs[nl] = frame(b, s[i].frames[nl], 10 + nl);
		int64_t v[4] = {s[i].alloc_objects, s[i].alloc_objects * s[i].size,
				s[i].inuse_objects, s[i].inuse_objects * s[i].size};
		struct hd_label l = {hd_str_c("bytes"), hd_str_c(""), s[i].size, hd_str_c(""), true};
		hd_builder_add_sample(b, locs, nl, v, &l, heap_types ? 1 : 0);
	}
	struct hd_profile *p = NULL;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	return p;
}

static const struct hd_finding *find(const struct hd_diagnosis *d, const char *site,
				     const char *owner)
{
	for (size_t i = 0; i < d->n_findings; i++)
		if (strcmp(d->findings[i].site.function, site) == 0 &&
		    (!owner || strcmp(d->findings[i].owner.function, owner) == 0))
			return &d->findings[i];
	return NULL;
}

/* A []int64 appended from empty to 2^17 elements on Go 1.22, period 1 (exact). */
static size_t slice_samples(struct spec_sample *out, size_t cap)
{
	struct hd_go_grow steps[64];
	size_t ns = hd_go_slice_chain(22, 8, true, 1 << 20, steps, 64), n = 0;
	for (size_t i = 0; i < ns && n < cap; i++) {
		struct spec_sample s = {{"main.grow", "main.main", NULL, NULL},
					(int64_t)steps[i].bytes, 1, i + 1 == ns};
		out[n++] = s;
	}
	return n;
}

static void test_single_profile(void **state)
{
	(void)state;
	struct spec_sample s[80];
	size_t n = slice_samples(s, 60);
	struct spec_sample more[] = {
		{{"bytes.growSlice", "main.audit", "main.main", NULL}, 4096, 3, 1},
		{{"bytes.growSlice", "main.render", "main.main", NULL}, 4096, 500, 0},
		{{"main.newItem", "main.main", NULL, NULL}, 64, 1000, 1000},
	};
	memcpy(s + n, more, sizeof(more));
	n += 3;
	struct hd_profile *p = build(s, n, 1, 0, true);
	struct hd_diagnosis *d = NULL;
	struct hd_diagnose_options o;
	hd_diagnose_options_default(&o);
	assert_int_equal(hd_diagnose((const struct hd_profile *const *)&p, 1, NULL, &o, &d, NULL), HD_OK);
	/* the slice chain */
	const struct hd_finding *f = find(d, "main.grow", NULL);
	assert_non_null(f);
	assert_int_equal(f->kind, HD_KIND_SLICE);
	assert_int_equal(f->verdict, HD_VERDICT_RETAINED);
	assert_string_equal(f->owner.function, "main.grow");
	assert_int_equal(f->n_stack, 2);
	assert_string_equal(f->stack[1], "main.main");
	/* the largest step: 1114112 bytes = capacity 139264 of 8-byte elements */
	assert_int_equal(f->estimate.largest_bytes, 1114112);
	assert_int_equal(f->estimate.count_max, 139264);
	assert_int_equal(f->estimate.unit_size_min, 8);
	assert_true(f->estimate.savings_bytes > 0);
	assert_true(f->n_evidence >= 3);
	/* one bytes.growSlice leaf, two owners: two findings */
	const struct hd_finding *a = find(d, "bytes.growSlice", "main.audit");
	const struct hd_finding *r = find(d, "bytes.growSlice", "main.render");
	assert_non_null(a);
	assert_non_null(r);
	assert_int_equal(a->kind, HD_KIND_BUFFER);
	assert_int_equal(r->verdict, HD_VERDICT_TRANSIENT);
	assert_int_equal(a->verdict, HD_VERDICT_RETAINED);
	const struct hd_finding *o1 = find(d, "main.newItem", NULL);
	assert_int_equal(o1->kind, HD_KIND_OBJECT);
	assert_string_equal(o1->pattern, "burst");
	assert_int_equal(o1->sizes[0].size, 64);
	/* ranking: in-use bytes descending */
	for (size_t i = 1; i < d->n_findings; i++)
		assert_true(d->findings[i - 1].inuse_bytes >= d->findings[i].inuse_bytes);
	/* period 1 is worth a note */
	assert_true(d->n_notes >= 1);
	assert_non_null(strstr(d->notes[0], "MemProfileRate = 1"));
	assert_int_equal(d->n_observations, 1);
	/* max_findings keeps the largest */
	struct hd_diagnosis *d2 = NULL;
	o.max_findings = 1;
	assert_int_equal(hd_diagnose((const struct hd_profile *const *)&p, 1, NULL, &o, &d2, NULL), HD_OK);
	assert_int_equal(d2->n_findings, 1);
	assert_string_equal(d2->findings[0].site.function, d->findings[0].site.function);
	hd_diagnosis_free(d2);
	hd_diagnosis_free(d);
	hd_profile_free(p);
}

/*
 * Many sites, many equal: the first k findings for max_findings = k are
 * the first k of the full ranking (a bounded heap picks them), ties in
 * bytes ordered by name and then by first appearance.
 */
static void test_ranking_first_k(void **state)
{
	(void)state;
	enum { N = 120 };
	static char names[N][32];
	struct spec_sample s[N + 2];
	for (int i = 0; i < N; i++) {
		/* four in-use levels; names out of order so ties need the name */
		snprintf(names[i], sizeof(names[i]), "main.site%03d", (i * 37) % N);
		struct spec_sample x = {{names[i], "main.main", NULL, NULL}, 64, 10, 1 + i % 4};
		s[i] = x;
	}
	/* one stdlib leaf line with two owners and the same values: first seen first */
	struct spec_sample t[] = {
		{{"bytes.growSlice", "main.zed", "main.main", NULL}, 4096, 3, 4},
		{{"bytes.growSlice", "main.abe", "main.main", NULL}, 4096, 3, 4},
	};
	memcpy(s + N, t, sizeof(t));
	struct hd_profile *p = build(s, N + 2, 1, 0, true);
	struct hd_diagnose_options o;
	hd_diagnose_options_default(&o);
	o.max_findings = 0;
	struct hd_diagnosis *all = NULL;
	assert_int_equal(hd_diagnose((const struct hd_profile *const *)&p, 1, NULL, &o, &all, NULL), HD_OK);
	assert_int_equal(all->n_findings, N + 2);
	assert_string_equal(all->findings[0].site.function, "bytes.growSlice");
	assert_string_equal(all->findings[0].owner.function, "main.zed");
	assert_string_equal(all->findings[1].owner.function, "main.abe");
	for (size_t i = 1; i < all->n_findings; i++) {
		const struct hd_finding *a = &all->findings[i - 1], *b = &all->findings[i];
		assert_true(a->inuse_bytes >= b->inuse_bytes);
		if (a->inuse_bytes == b->inuse_bytes && a->alloc_bytes == b->alloc_bytes)
			assert_true(strcmp(a->site.function, b->site.function) <= 0);
	}
	for (size_t k = 1; k <= 25; k += 3) {
		struct hd_diagnosis *d = NULL;
		o.max_findings = k;
		assert_int_equal(hd_diagnose((const struct hd_profile *const *)&p, 1, NULL, &o, &d, NULL),
				 HD_OK);
		assert_int_equal(d->n_findings, k);
		assert_int_equal(d->n_sites, N + 2);
		for (size_t i = 0; i < k; i++) {
			assert_string_equal(d->findings[i].site.function, all->findings[i].site.function);
			assert_string_equal(d->findings[i].owner.function, all->findings[i].owner.function);
		}
		hd_diagnosis_free(d);
	}
	hd_diagnosis_free(all);
	hd_profile_free(p);
}

static void test_series(void **state)
{
	(void)state;
	/* three snapshots given out of order, the last two identical (one GC) */
	struct spec_sample s1[] = {{{"main.keep", "main.main", NULL, NULL}, 65536, 100, 100}};
	struct spec_sample s2[] = {{{"main.keep", "main.main", NULL, NULL}, 65536, 300, 300}};
	struct hd_profile *p[4];
	p[0] = build(s2, 1, 524288, 3000000000, true);
	p[1] = build(s1, 1, 524288, 1000000000, true);
	p[2] = build(s2, 1, 524288, 2000000000, true);
	p[3] = build(s2, 1, 524288, 4000000000, true);
	const char *paths[] = {"c", "a", "b", "d"};
	struct hd_diagnosis *d = NULL;
	assert_int_equal(hd_diagnose((const struct hd_profile *const *)p, 4, paths, NULL, &d, NULL),
			 HD_OK);
	assert_string_equal(d->profiles[0].path, "a");
	assert_string_equal(d->profiles[3].path, "d");
	assert_int_equal(d->n_observations, 2);
	assert_int_equal(d->profiles[2].epoch, d->profiles[1].epoch);
	const struct hd_finding *f = find(d, "main.keep", NULL);
	assert_int_equal(f->n_series, 4);
	assert_int_equal(f->series[0], 100 * 65536);
	assert_int_equal(f->series[3], 300 * 65536);
	assert_int_equal(f->verdict, HD_VERDICT_GROWING);
	assert_int_equal(f->kind, HD_KIND_SLICE); /* one large fixed size */
	assert_int_equal(d->n_owners, 1);
	assert_int_equal(d->owners[0].verdict, HD_VERDICT_GROWING);
	/* --go given decides the map implementation and says so */
	struct hd_diagnose_options o;
	hd_diagnose_options_default(&o);
	o.go_minor = hd_go_version_parse("go1.22.3");
	assert_int_equal(o.go_minor, 22);
	struct hd_diagnosis *d2 = NULL;
	assert_int_equal(hd_diagnose((const struct hd_profile *const *)p, 1, NULL, &o, &d2, NULL), HD_OK);
	assert_int_equal(d2->map_impl, HD_MAP_IMPL_CLASSIC);
	assert_non_null(strstr(d2->map_impl_evidence, "given"));
	hd_diagnosis_free(d2);
	hd_diagnosis_free(d);
	for (int i = 0; i < 4; i++)
		hd_profile_free(p[i]);
}

/*
 * Series whose sums come near INT64_MAX (a hostile profile's values; the
 * pipeline fuzzer found 10 * (last - first) overflowing in series_verdict,
 * testdata/crashers/pipeline/diagnose-series-overflow).  UBSan halts on
 * the old code; the verdicts are the ones exact arithmetic gives.
 */
static void test_series_huge(void **state)
{
	(void)state;
	const int64_t size = (int64_t)1 << 30;
	/* 2^30, 2^61, 2^63 - 2^30: growing, and 10 * the rise passes 2^63 */
	const int64_t grow[] = {1, (int64_t)1 << 31, ((int64_t)1 << 33) - 1};
	/* up to 2^63 - 2^30 and back to 2^62: rose and gave back half; 2 * last
	 * passes 2^63 */
	const int64_t rise_fall[] = {(int64_t)1 << 31, ((int64_t)1 << 33) - 1,
				     ((int64_t)1 << 33) - 2, (int64_t)1 << 32};
	const int64_t *cases[] = {grow, rise_fall};
	const size_t lens[] = {3, 4};
	const enum hd_verdict want[] = {HD_VERDICT_GROWING, HD_VERDICT_STABLE};
	for (size_t c = 0; c < 2; c++) {
		struct hd_profile *p[4];
		for (size_t k = 0; k < lens[c]; k++) {
			struct spec_sample sm[] = {{{"main.keep", "main.main", NULL, NULL},
						    size, cases[c][k], cases[c][k]}};
			p[k] = build(sm, 1, 1, (int64_t)(k + 1) * 60000000000, true);
		}
		struct hd_diagnosis *d = NULL;
		assert_int_equal(hd_diagnose((const struct hd_profile *const *)p, lens[c], NULL, NULL,
					     &d, NULL),
				 HD_OK);
		const struct hd_finding *f = find(d, "main.keep", NULL);
		assert_non_null(f);
		assert_int_equal(f->n_series, lens[c]);
		assert_int_equal(f->series[lens[c] - 1], cases[c][lens[c] - 1] * size);
		assert_true(f->has_trend);
		assert_int_equal(f->verdict, want[c]);
		hd_diagnosis_free(d);
		for (size_t k = 0; k < lens[c]; k++)
			hd_profile_free(p[k]);
	}
}

static void test_render(void **state)
{
	(void)state;
	struct spec_sample s[] = {
		{{"main.\x1b[31mevil<b>", "main.main", NULL, NULL}, 48, 10, 10},
	};
	struct hd_profile *p = build(s, 1, 524288, 0, true);
	struct hd_diagnosis *d = NULL;
	assert_int_equal(hd_diagnose((const struct hd_profile *const *)&p, 1, NULL, NULL, &d, NULL),
			 HD_OK);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hd_diagnosis_render(d, HD_DIAG_TEXT, NULL, &out, &len, NULL), HD_OK);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "\\x1b[31mevil"));
	free(out);
	assert_int_equal(hd_diagnosis_render(d, HD_DIAG_JSON, NULL, &out, &len, NULL), HD_OK);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "\"findings\": ["));
	assert_non_null(strstr(out, "\"kind\": \"object\""));
	free(out);
	assert_int_equal(hd_diagnosis_render(d, HD_DIAG_MARKDOWN, NULL, &out, &len, NULL), HD_OK);
	assert_null(strstr(out, "<b>"));
	assert_non_null(strstr(out, "&lt;b&gt;"));
	free(out);
	struct hd_error err = {0};
	assert_int_equal(hd_diagnosis_render(d, (enum hd_diagnosis_format)9, NULL, &out, &len, &err),
			 HD_ERR_USAGE);
	assert_int_equal(hd_diagnosis_render(NULL, HD_DIAG_TEXT, NULL, &out, &len, &err), HD_ERR_USAGE);
	hd_diagnosis_free(d);
	hd_profile_free(p);
}

static void test_errors(void **state)
{
	(void)state;
	struct hd_error err = {0};
	struct hd_diagnosis *d = NULL;
	assert_int_equal(hd_diagnose(NULL, 0, NULL, NULL, &d, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "no profiles"));
	const struct hd_profile *none[1] = {NULL};
	assert_int_equal(hd_diagnose(none, 1, NULL, NULL, &d, &err), HD_ERR_USAGE);
	struct spec_sample s[] = {{{"main.f", NULL, NULL, NULL}, 8, 1, 1}};
	struct hd_profile *cpu = build(s, 1, 10000000, 0, false);
	const char *paths[] = {"cpu.pb.gz"};
	assert_int_equal(hd_diagnose((const struct hd_profile *const *)&cpu, 1, paths, NULL, &d, &err),
			 HD_ERR_PROFILE);
	assert_string_equal(err.msg, "not a Go heap profile: no alloc_objects sample type in cpu.pb.gz");
	assert_null(d);
	hd_profile_free(cpu);
	assert_int_equal(hd_go_version_parse("banana"), -1);
	hd_diagnosis_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_profile),
		cmocka_unit_test(test_ranking_first_k),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_series_huge),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
