/*
 * test_folded.c - unit tests of hd_render_folded (src/lib/render/folded.c
 * and the call tree of flame_tree.c): exact folded text for a small
 * profile, inline frames as frames of their own, -noinlines, -lines, the
 * two-column differential form, caller-supplied weights, escaping of ';',
 * control bytes and invalid UTF-8 in names, rendering from an agg view
 * (filters applied), and the error paths.  On a profile large enough to go
 * parallel (flame_fixture.h): the output equals an independent folding
 * (paths as strings, summed, sorted) and is the same for 1, 2 and 3
 * threads; allocation failures in worker threads come back as
 * HD_ERR_NOMEM.
 */
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

/*
 * Profile with one type inuse_space and samples given as stacks of
 * "leaf;...;root"; a location of the form "a+b" holds two lines (a inlined
 * into b).  Values per sample from `values`.
 */
static struct hd_profile *make(const char *const *stacks, const int64_t *values, size_t n)
{
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("inuse_space"), hd_str_c("bytes"));
	for (size_t s = 0; s < n; s++) {
		uint32_t locs[32], nl = 0;
		char *copy = strdup(stacks[s]);
		char *save = NULL;
		for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
			struct hd_line lines[4];
			uint32_t nlines = 0;
			char *save2 = NULL;
			for (char *fn = strtok_r(tok, "+", &save2); fn; fn = strtok_r(NULL, "+", &save2)) {
				struct hd_function f = {0};
				f.name = hd_str_c(fn);
				f.filename = hd_str_c("x.go");
				lines[nlines].function = hd_builder_intern_function(b, &f);
				lines[nlines].line = 10 + (int64_t)nlines;
				lines[nlines].column = 0;
				nlines++;
			}
			uint64_t addr = 0x1000 + nl;
			locs[nl] = hd_builder_intern_location(b, HD_NONE, addr, false, lines, nlines);
			nl++;
		}
		free(copy);
		hd_builder_add_sample(b, locs, nl, &values[s], NULL, 0);
	}
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	return p;
}

static char *folded(const struct hd_profile *p, const struct hd_flame_options *o)
{
	char *out;
	size_t len;
	assert_int_equal(hd_render_folded(p, o, &out, &len, NULL), HD_OK);
	assert_int_equal(strlen(out), len);
	return out;
}

static void test_basic(void **state)
{
	(void)state;
	static const char *const stacks[] = {
		"malloc;main.f;main.main",
		"malloc;main.f;main.main",
		"main.g;main.main",
		"main.main",
		"malloc;main.f;main.main",
		"x;main.main",
	};
	static const int64_t values[] = {100, 20, 7, 3, 1, 0};
	struct hd_profile *p = make(stacks, values, 6);
	char *out = folded(p, NULL);
	assert_string_equal(out, "main.main 3\n"
				 "main.main;main.f;malloc 121\n"
				 "main.main;main.g 7\n");
	hd_bytes_free(out);
	/* caller weights replace the values (a filter zeroed two samples) */
	static const int64_t w[] = {0, 0, 7, 3, 1, 5};
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.weights = w;
	out = folded(p, &o);
	assert_string_equal(out, "main.main 3\n"
				 "main.main;main.f;malloc 1\n"
				 "main.main;main.g 7\n"
				 "main.main;x 5\n");
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_inline_lines_noinlines(void **state)
{
	(void)state;
	static const char *const stacks[] = {"make+main.f;main.main"};
	static const int64_t values[] = {64};
	struct hd_profile *p = make(stacks, values, 1);
	char *out = folded(p, NULL);
	assert_string_equal(out, "main.main;main.f;make 64\n");
	hd_bytes_free(out);
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.noinlines = true;
	out = folded(p, &o);
	assert_string_equal(out, "main.main;main.f 64\n");
	hd_bytes_free(out);
	o.noinlines = false;
	o.lines = true;
	out = folded(p, &o);
	assert_string_equal(out, "main.main x.go:10;main.f x.go:11;make x.go:10 64\n");
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_diff_two_columns(void **state)
{
	(void)state;
	static const char *const stacks[] = {"a;main.main", "a;main.main", "b;main.main",
					     "c;main.main"};
	/* a grew by 10 but the base part is a separate sample: both shown */
	static const int64_t values[] = {30, -20, -5, 8};
	struct hd_profile *p = make(stacks, values, 4);
	char *out = folded(p, NULL);
	assert_string_equal(out, "main.main;a 20 30\n"
				 "main.main;b 5 0\n"
				 "main.main;c 0 8\n");
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_escaping(void **state)
{
	(void)state;
	static const char *const stacks[] = {"semi;colon;main.main"};
	static const int64_t values[] = {1};
	struct hd_profile *p = make(stacks, values, 1);
	hd_profile_free(p);
	/* names with ';', a control byte, invalid UTF-8 and valid UTF-8 */
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("inuse_space"), hd_str_c("bytes"));
	static const char *names[] = {"a;b", "esc\x1b[31m", "bad\xff\xc3", "caf\xc3\xa9"};
	uint32_t locs[4];
	for (int i = 0; i < 4; i++) {
		struct hd_function f = {0};
		f.name = hd_str_c(names[i]);
		struct hd_line ln = {hd_builder_intern_function(b, &f), 1, 0};
		locs[i] = hd_builder_add_location(b, HD_NONE, 0x10 + (uint64_t)i, false, &ln, 1);
	}
	int64_t v = 9;
	hd_builder_add_sample(b, locs, 4, &v, NULL, 0);
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	char *out = folded(p, NULL);
	assert_string_equal(out, "caf\xc3\xa9;bad\\xff\\xc3;esc\\x1b[31m;a\\x3bb 9\n");
	hd_bytes_free(out);
	hd_profile_free(p);
}

static void test_view(void **state)
{
	(void)state;
	static const char *const stacks[] = {"malloc;main.f;main.main", "main.g;main.main",
					     "malloc;main.h;main.main"};
	static const int64_t values[] = {100, 7, -30};
	struct hd_profile *p = make(stacks, values, 3);
	struct hd_report_options ro;
	hd_report_options_default(&ro);
	ro.focus = "malloc";
	ro.hide = "main\\.main";
	struct hd_view *v;
	assert_int_equal(hd_view_new(p, &ro, &v, NULL), HD_OK);
	char *out;
	size_t len;
	assert_int_equal(hd_render_folded_view(v, NULL, &out, &len, NULL), HD_OK);
	/* main.g filtered out by -focus, main.main hidden; diff form (a
	 * negative weight) */
	assert_string_equal(out, "main.f;malloc 0 100\n"
				 "main.h;malloc 30 0\n");
	hd_bytes_free(out);
	char *svg;
	assert_int_equal(hd_render_flame_svg_view(v, NULL, &svg, &len, NULL), HD_OK);
	assert_non_null(strstr(svg, "<title>main.f\nnet 100 bytes"));
	assert_null(strstr(svg, "<title>main.g"));
	hd_bytes_free(svg);
	hd_view_free(v);
	assert_int_equal(hd_render_folded_view(NULL, NULL, &out, &len, NULL), HD_ERR_USAGE);
	hd_profile_free(p);
}

static void test_errors(void **state)
{
	(void)state;
	static const char *const stacks[] = {"a;main.main"};
	static const int64_t values[] = {1};
	struct hd_profile *p = make(stacks, values, 1);
	struct hd_flame_options o;
	hd_flame_options_default(&o);
	o.sample_index = 3;
	char *out;
	size_t len;
	struct hd_error err = {0};
	assert_int_equal(hd_render_folded(p, &o, &out, &len, &err), HD_ERR_USAGE);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(hd_render_folded(NULL, NULL, &out, &len, &err), HD_ERR_USAGE);
	for (long n = 0;; n++) {
		hd_alloc_fail_after(n);
		enum hd_status st = hd_render_folded(p, NULL, &out, &len, NULL);
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

/* Appends a name as folded output escapes it (the fixture's names are
 * ASCII: control bytes and ';' become \xNN). */
static void oracle_name(struct hd_buf *b, struct hd_str s)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c < 0x20 || c == 0x7f || c == ';')
			hd_buf_printf(b, "\\x%02x", c);
		else
			hd_buf_putc(b, (char)c);
	}
}

struct oracle_path {
	size_t off, len;
	int64_t w;
};

static _Thread_local const char *oracle_base;

static int oracle_path_cmp(const void *x, const void *y)
{
	const struct oracle_path *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(oracle_base + a->off, oracle_base + b->off, n);
	return c ? c : a->len < b->len ? -1 : a->len > b->len;
}

static int oracle_line_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * Folded text computed the obvious way: every sample's path as a string
 * (root first, inlined frames after their caller), equal paths summed by
 * sign, lines sorted with strcmp.
 */
static char *oracle_folded(const struct hd_profile *p, const int64_t *weights, bool noinlines)
{
	struct hd_buf text = HD_BUF_INIT;
	struct oracle_path *paths = calloc(p->n_samples + 1, sizeof(*paths));
	assert_non_null(paths);
	size_t n = 0;
	bool diff = false;
	for (uint64_t s = 0; s < p->n_samples; s++) {
		const struct hd_sample *sm = &p->samples[s];
		int64_t w = weights ? weights[s] : p->values[s * p->n_sample_types];
		if (w == 0)
			continue;
		diff |= w < 0;
		size_t off = text.len;
		for (uint32_t k = sm->n_locs; k-- > 0;) {
			const struct hd_location *loc = &p->locations[p->sample_locs[sm->first_loc + k]];
			uint32_t last = noinlines ? loc->n_lines - 1 : 0;
			for (uint32_t l = loc->n_lines; l-- > last;) {
				const struct hd_line *ln = &p->lines[loc->first_line + l];
				if (text.len > off)
					hd_buf_putc(&text, ';');
				oracle_name(&text, p->functions[ln->function].name);
			}
		}
		paths[n++] = (struct oracle_path){off, text.len - off, w};
	}
	assert_false(text.failed);
	oracle_base = text.data;
	qsort(paths, n, sizeof(*paths), oracle_path_cmp);
	char **lines = calloc(n + 1, sizeof(*lines));
	assert_non_null(lines);
	size_t n_lines = 0;
	for (size_t i = 0; i < n;) {
		uint64_t pos = 0, neg = 0;
		size_t j = i;
		for (; j < n && oracle_path_cmp(&paths[i], &paths[j]) == 0; j++) {
			if (paths[j].w > 0)
				pos += (uint64_t)paths[j].w;
			else
				neg += (uint64_t)0 - (uint64_t)paths[j].w;
		}
		struct hd_buf line = HD_BUF_INIT;
		hd_buf_append(&line, text.data + paths[i].off, paths[i].len);
		if (diff)
			hd_buf_printf(&line, " %lld %lld", (long long)neg, (long long)pos);
		else
			hd_buf_printf(&line, " %lld", (long long)pos);
		lines[n_lines++] = hd_buf_detach(&line, NULL);
		i = j;
	}
	qsort(lines, n_lines, sizeof(*lines), oracle_line_cmp);
	struct hd_buf out = HD_BUF_INIT;
	for (size_t i = 0; i < n_lines; i++) {
		hd_buf_append(&out, lines[i], strlen(lines[i]));
		hd_buf_putc(&out, '\n');
		hd_free(lines[i]);
	}
	free(lines);
	free(paths);
	hd_buf_release(&text);
	return hd_buf_detach(&out, NULL);
}

static char *folded_threads(const struct hd_profile *p, const struct hd_flame_options *o,
			    unsigned threads)
{
	hd_set_threads(threads);
	char *out = folded(p, o);
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

	/* the fixture does cross the threshold: two threads are used */
	struct hd_ftsrc src;
	assert_int_equal(hd_ftsrc_build(&src, p, &o, true, NULL), HD_OK);
	hd_set_threads(2);
	assert_int_equal(hd_ftthreads(&src), 2);
	hd_set_threads(1);
	assert_int_equal(hd_ftthreads(&src), 1);
	hd_set_threads(0);
	hd_ftsrc_release(&src);

	for (int variant = 0; variant < 4; variant++) {
		hd_flame_options_default(&o);
		o.lines = variant == 1;
		o.noinlines = variant == 2;
		o.weights = variant == 3 ? weights : NULL;
		char *one = folded_threads(p, &o, 1);
		if (variant != 1) {
			char *want = oracle_folded(p, o.weights, o.noinlines);
			assert_string_equal(one, want);
			hd_free(want);
		}
		/* names that are prefixes of others, followed by bytes between
		 * ' ' and ';', did reach the output */
		if (!o.lines) {
			assert_non_null(strstr(one, ";f;"));
			assert_non_null(strstr(one, ";f.g;"));
			assert_non_null(strstr(one, ";f g;"));
			assert_non_null(strstr(one, ";f!;"));
		}
		for (unsigned t = 2; t <= 3; t++) {
			char *many = folded_threads(p, &o, t);
			assert_string_equal(one, many);
			hd_bytes_free(many);
		}
		hd_bytes_free(one);
	}
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
	hd_set_threads(2);
	long n;
	for (n = 0;; n++) {
		char *out = NULL;
		size_t len;
		struct hd_error err = {0};
		hd_alloc_fail_after(n);
		enum hd_status st = hd_render_folded(p, NULL, &out, &len, &err);
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
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_inline_lines_noinlines),
		cmocka_unit_test(test_diff_two_columns),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_large_threads),
		cmocka_unit_test(test_large_allocfail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
