/*
 * test_svg.c - unit tests of hd_render_flame_svg (src/lib/render/svg.c):
 * hostile function names (<script>, &, quotes, control bytes, invalid
 * UTF-8) come out as escaped text and the document is valid UTF-8 without
 * bytes XML forbids; widths and tooltips carry exact values and
 * percentages; frames under min_width are left out; max_frames caps the
 * rectangles; differential colouring; determinism.  XML well-formedness
 * with xmllint and rendering in Chromium are in tests/cli/flame.sh and
 * tests/manual/flame_screenshot.sh.  On a profile large enough to go
 * parallel (flame_fixture.h): the frames drawn are exactly the nodes an
 * independent count finds at least min_width wide (the tree skips narrower
 * subtrees), the document is the same for 1, 2 and 3 threads, and
 * allocation failures in worker threads come back as HD_ERR_NOMEM.
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
#include "flame_fixture.h"
#include "model/builder.h"
#include "render/flame_tree.h"

/* One location per name, leaf first; one sample per call. */
static void add(struct hd_builder *b, const char *const *names, size_t n, int64_t v)
{
	uint32_t locs[64];
	for (size_t i = 0; i < n; i++) {
		struct hd_function f = {0};
		f.name = hd_str_c(names[i]);
		struct hd_line ln = {hd_builder_intern_function(b, &f), 1, 0};
		locs[i] = hd_builder_intern_location(b, HD_NONE, 0x1000 + (uint64_t)ln.function,
						     false, &ln, 1);
	}
	hd_builder_add_sample(b, locs, (uint32_t)n, &v, NULL, 0);
}

static struct hd_builder *start(void)
{
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("inuse_space"), hd_str_c("bytes"));
	return b;
}

static struct hd_profile *finish(struct hd_builder *b)
{
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	return p;
}

static char *svg(const struct hd_profile *p, const struct hd_flame_options *o, size_t *len)
{
	char *out;
	assert_int_equal(hd_render_flame_svg(p, o, &out, len, NULL), HD_OK);
	return out;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	size_t nl = strlen(needle);
	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += nl;
	}
	return n;
}

/* Valid UTF-8 without the bytes XML 1.0 forbids (controls but \t \n \r). */
static void assert_xml_chars(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			assert_true(c >= 0x20 || c == '\n' || c == '\t' || c == '\r');
			assert_true(c != 0x7f);
			i++;
			continue;
		}
		size_t l = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		assert_true(c >= 0xc2 && c <= 0xf4);
		assert_true(i + l <= len);
		for (size_t k = 1; k < l; k++)
			assert_int_equal((unsigned char)s[i + k] & 0xc0, 0x80);
		i += l;
	}
}

static void test_hostile_names(void **state)
{
	(void)state;
	struct hd_builder *b = start();
	static const char *const evil[] = {
		"<script>alert(1)</script>", "a&b\"c'd", "ctl\x01\x1b[31m\x7f", "bad\xff\xfe\xc0\xaf",
		"]]><x/>", "surrogate\xed\xa0\x80", "main.main",
	};
	add(b, evil, 7, 1000);
	struct hd_profile *p = finish(b);
	size_t len;
	char *out = svg(p, NULL, &len);
	assert_int_equal(strlen(out), len);
	assert_xml_chars(out, len);
	/* the only script element is ours */
	assert_int_equal(count(out, "<script"), 1);
	assert_non_null(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(out, "a&amp;b&quot;c&#39;d"));
	assert_non_null(strstr(out, "ctl\\x01\\x1b[31m\\x7f"));
	assert_non_null(strstr(out, "bad\\xff\\xfe\\xc0\\xaf"));
	assert_non_null(strstr(out, "]]&gt;&lt;x/&gt;"));
	assert_non_null(strstr(out, "surrogate\\xed\\xa0\\x80"));
	assert_null(strstr(out, "<x/>"));
	hd_bytes_free(out);
	/* a hostile title too */
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.title = "</text><script>x</script>";
	out = svg(p, &o, &len);
	assert_int_equal(count(out, "<script"), 1);
	assert_non_null(strstr(out, "&lt;/text&gt;&lt;script&gt;"));
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_values_and_minwidth(void **state)
{
	(void)state;
	struct hd_builder *b = start();
	static const char *const s1[] = {"big", "main.main"};
	static const char *const s2[] = {"tiny", "main.main"};
	add(b, s1, 2, 9999);
	add(b, s2, 2, 1); /* 0.01% of the total: under the 0.05% default */
	struct hd_profile *p = finish(b);
	size_t len;
	char *out = svg(p, NULL, &len);
	/* exact value, binary-scaled form and percentage in the tooltip */
	assert_non_null(strstr(out, "<title>main.main\n10000 bytes (9.77kB), 100.00%</title>"));
	assert_non_null(strstr(out, "<title>big\n9999 bytes (9.76kB), 99.99%; self 9999 bytes"));
	assert_null(strstr(out, "<title>tiny"));
	assert_int_equal(count(out, "<g class=\"f\""), 3); /* all, main.main, big */
	hd_bytes_free(out);
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.min_width = 0.00001;
	out = svg(p, &o, &len);
	assert_non_null(strstr(out, "<title>tiny\n1 bytes, 0.01%"));
	assert_int_equal(count(out, "<g class=\"f\""), 4);
	/* deterministic */
	size_t len2;
	char *again = svg(p, &o, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(out, again, len);
	hd_bytes_free(out);
	hd_bytes_free(again);
	hd_profile_free(p);
}

static void test_max_frames_cap(void **state)
{
	(void)state;
	struct hd_builder *b = start();
	char names[300][16];
	for (int i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "fn%03d", i);
		const char *stack[2] = {names[i], "main.main"};
		add(b, stack, 2, 1000 + i);
	}
	struct hd_profile *p = finish(b);
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.max_frames = 50;
	size_t len;
	char *out = svg(p, &o, &len);
	/* root + at most 50 frames; the widest kept (fn299), the narrowest not */
	size_t n = count(out, "<g class=\"f\"");
	assert_true(n <= 51 && n >= 40);
	assert_non_null(strstr(out, "<title>fn299\n"));
	assert_null(strstr(out, "<title>fn000\n"));
	assert_non_null(strstr(out, "<title>main.main\n"));
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_differential(void **state)
{
	(void)state;
	struct hd_builder *b = start();
	static const char *const grow[] = {"grow", "main.main"};
	static const char *const shrink[] = {"shrink", "main.main"};
	add(b, grow, 2, 300);
	add(b, shrink, 2, -100);
	struct hd_profile *p = finish(b);
	size_t len;
	char *out = svg(p, NULL, &len);
	assert_non_null(strstr(out, "Differential Flame Graph"));
	assert_non_null(strstr(out, "<title>grow\nnet 300 bytes"));
	assert_non_null(strstr(out, "grew 300 bytes, shrank 0 bytes"));
	assert_non_null(strstr(out, "<title>shrink\nnet -100 bytes"));
	/* all growth: pure red; all shrinkage: pure blue */
	assert_non_null(strstr(out, "fill=\"rgb(255,65,65)\""));
	assert_non_null(strstr(out, "fill=\"rgb(65,65,255)\""));
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_errors(void **state)
{
	(void)state;
	struct hd_builder *b = start();
	static const char *const s[] = {"a", "main.main"};
	add(b, s, 2, 5);
	struct hd_profile *p = finish(b);
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.sample_index = 1;
	char *out;
	size_t len;
	assert_int_equal(hd_render_flame_svg(p, &o, &out, &len, NULL), HD_ERR_USAGE);
	assert_int_equal(hd_render_flame_svg(NULL, NULL, &out, &len, NULL), HD_ERR_USAGE);
	for (long n = 0;; n++) {
		hd_alloc_fail_after(n);
		enum hd_status st = hd_render_flame_svg(p, NULL, &out, &len, NULL);
		hd_alloc_fail_after(-1);
		if (st == HD_OK) {
			hd_bytes_free(out);
			break;
		}
		assert_int_equal(st, HD_ERR_NOMEM);
	}
	hd_profile_free(p);
}

/* ---- a profile large enough for threads ---- */

struct path_weight {
	uint64_t hash; /* of the path of frame names from the root */
	uint64_t width;
};

static int path_weight_cmp(const void *x, const void *y)
{
	const struct path_weight *a = x, *b = y;
	return a->hash < b->hash ? -1 : a->hash > b->hash;
}

/*
 * Nodes of the call tree at least `min` wide, counted the obvious way:
 * every prefix of every sample's path (names root first, inlined frames
 * after their caller) identified by a hash of the names, widths summed.
 */
static size_t oracle_wide_nodes(const struct hd_profile *p, const int64_t *weights,
				double min_width)
{
	size_t cap = p->n_sample_locs * 2 + 1, n = 0;
	struct path_weight *pw = malloc(cap * sizeof(*pw));
	assert_non_null(pw);
	uint64_t total = 0;
	for (uint64_t s = 0; s < p->n_samples; s++) {
		const struct hd_sample *sm = &p->samples[s];
		int64_t w = weights ? weights[s] : p->values[s];
		uint64_t mag = w < 0 ? (uint64_t)0 - (uint64_t)w : (uint64_t)w;
		total += mag;
		if (w == 0)
			continue;
		uint64_t h = 1469598103934665603ull;
		for (uint32_t k = sm->n_locs; k-- > 0;) {
			const struct hd_location *loc = &p->locations[p->sample_locs[sm->first_loc + k]];
			for (uint32_t l = loc->n_lines; l-- > 0;) {
				struct hd_str name =
					p->functions[p->lines[loc->first_line + l].function].name;
				for (size_t i = 0; i < name.len; i++)
					h = (h ^ (unsigned char)name.ptr[i]) * 1099511628211ull;
				h = (h ^ 0x100) * 1099511628211ull; /* end of name */
				assert_true(n < cap);
				pw[n++] = (struct path_weight){h, mag};
			}
		}
	}
	qsort(pw, n, sizeof(*pw), path_weight_cmp);
	uint64_t min = (uint64_t)ceil(min_width * (double)total);
	size_t wide = 0;
	for (size_t i = 0; i < n;) {
		uint64_t sum = 0;
		size_t j = i;
		for (; j < n && pw[j].hash == pw[i].hash; j++)
			sum += pw[j].width;
		wide += sum >= min;
		i = j;
	}
	free(pw);
	return wide;
}

static char *svg_threads(const struct hd_profile *p, const struct hd_flame_options *o,
			 unsigned threads, size_t *len)
{
	hd_set_threads(threads);
	char *out = svg(p, o, len);
	hd_set_threads(0);
	return out;
}

static void test_large_threads(void **state)
{
	(void)state;
	int64_t *weights;
	struct hd_profile *p = fx_profile(&weights);
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	struct hd_ftsrc src;
	assert_int_equal(hd_ftsrc_build(&src, p, &o, false, NULL), HD_OK);
	hd_set_threads(2);
	assert_int_equal(hd_ftthreads(&src), 2);
	hd_set_threads(0);
	hd_ftsrc_release(&src);

	/* weights whose sums overflow int64: no pruning (a parent's width may
	 * wrap below its child's), every node built */
	int64_t *huge = malloc(FX_SAMPLES * sizeof(*huge));
	assert_non_null(huge);
	for (uint32_t i = 0; i < FX_SAMPLES; i++)
		huge[i] = INT64_MAX / 3000 * (1 + i % 7) * (i % 5 ? 1 : -1);
	o.weights = huge;
	assert_int_equal(hd_ftsrc_build(&src, p, &o, false, NULL), HD_OK);
	assert_false(src.exact_widths);
	hd_ftsrc_release(&src);
	for (int variant = 0; variant < 6; variant++) {
		hd_flame_options_default(&o);
		o.lines = variant == 1;
		o.weights = variant == 2 || variant == 4 ? weights : variant == 5 ? huge : NULL;
		o.max_frames = variant == 3 || variant == 4 ? 1000000 : 10000;
		o.min_width = variant == 3 || variant == 4 ? 0.0002 : 0.0005;
		size_t len1, len;
		char *one = svg_threads(p, &o, 1, &len1);
		assert_xml_chars(one, len1);
		if (variant == 3 || variant == 4) {
			/* every node at least min_width wide is drawn, no other */
			size_t want = oracle_wide_nodes(p, o.weights, o.min_width);
			char drawn[64];
			snprintf(drawn, sizeof(drawn), "; %zu frames drawn", want);
			assert_non_null(strstr(one, drawn));
			assert_int_equal(count(one, "<g class=\"f\""), want + 1);
			assert_true(want > 2000);
		}
		for (unsigned t = 2; t <= 3; t++) {
			char *many = svg_threads(p, &o, t, &len);
			assert_int_equal(len, len1);
			assert_memory_equal(one, many, len);
			hd_bytes_free(many);
		}
		hd_bytes_free(one);
	}
	free(huge);
	free(weights);
	hd_profile_free(p);
}

/* A failing allocation in any thread, the caller's or a worker's, comes
 * back as HD_ERR_NOMEM without output (leaks: the ASan build). */
static void test_large_allocfail(void **state)
{
	(void)state;
	if (getenv("HD_TSAN_PASS")) /* allocation sweeps: the ASan pass's job */
		skip();
	int64_t *weights;
	struct hd_profile *p = fx_profile(&weights);
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.weights = weights;
	hd_set_threads(2);
	long n;
	for (n = 0;; n++) {
		char *out = NULL;
		size_t len;
		struct hd_error err = {0};
		hd_alloc_fail_after(n);
		enum hd_status st = hd_render_flame_svg(p, &o, &out, &len, &err);
		hd_alloc_fail_after(-1);
		if (st == HD_OK) {
			hd_bytes_free(out);
			break;
		}
		assert_int_equal(st, HD_ERR_NOMEM);
		assert_int_equal(err.code, HD_ERR_NOMEM);
		assert_null(out);
	}
	hd_set_threads(0);
	assert_true(n > 20);
	free(weights);
	hd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_values_and_minwidth),
		cmocka_unit_test(test_max_frames_cap),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_large_threads),
		cmocka_unit_test(test_large_allocfail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
