/*
 * test_legacy.c - unit tests of the legacy heap text parser through
 * hd_profile_parse(): pprof's gobench/cppbench goldens (values, labels,
 * mappings, drop/keep frames), every header variant, the `#` symbol
 * comments (inlined frames, recursion, hidden runtime frames), MemStats,
 * memory maps, malformed lines with their line numbers, limits, a text
 * and a proto profile of the same moment giving the same samples, and the
 * allocation-failure sweep.
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

static enum hd_status parse_text(const char *text, const struct hd_limits *lim,
				 struct hd_profile **p, struct hd_error *err)
{
	memset(err, 0, sizeof(*err));
	*p = NULL;
	return hd_profile_parse(text, strlen(text), lim, p, err);
}

static struct hd_profile *must_parse(const char *text)
{
	struct hd_profile *p;
	struct hd_error err;
	enum hd_status st = parse_text(text, NULL, &p, &err);
	if (st)
		fail_msg("parse failed (%d): %s", st, err.msg);
	return p;
}

static void expect_error(const char *text, enum hd_status status, const char *needle)
{
	struct hd_profile *p;
	struct hd_error err;
	enum hd_status st = parse_text(text, NULL, &p, &err);
	if (st != status || !strstr(err.msg, needle))
		fail_msg("expected %d '%s', got %d: %s", status, needle, st, err.msg);
	assert_null(p);
}

static bool str_is(struct hd_str s, const char *c)
{
	return s.len == strlen(c) && memcmp(s.ptr, c, s.len) == 0;
}

static char *read_path(const char *path, size_t *len)
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
	d[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return d;
}

/* $HD_SHARED/corpus/<rel> or $HD_SRCDIR/<rel>; skips when absent. */
static char *read_input(const char *env, const char *fallback, const char *rel, size_t *len)
{
	const char *root = getenv(env);
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", root ? root : fallback, rel);
	char *d = read_path(path, len);
	if (!d) {
		print_message("%s not found; skipping\n", path);
		skip();
	}
	return d;
}

static const int64_t *values(const struct hd_profile *p, uint64_t i)
{
	return hd_profile_sample_values(p, i);
}

/* ---- pprof's goldens ---- */

static void test_gobench(void **state)
{
	(void)state;
	size_t len;
	char *d = read_input("HD_SHARED", "../shared", "corpus/pprof-legacy/gobench.heap", &len);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(hd_profile_parse(d, len, NULL, &p, &err), HD_OK);
	assert_int_equal(p->format, HD_FORMAT_LEGACY_HEAP);
	assert_int_equal(p->n_sample_types, 4);
	assert_true(str_is(p->sample_types[0].type, "alloc_objects"));
	assert_true(str_is(p->sample_types[3].type, "inuse_space"));
	assert_true(str_is(p->period_type.type, "space"));
	assert_int_equal(p->period, 524288);
	assert_int_equal(p->n_samples, 15);
	assert_int_equal(p->n_locations, 100);
	/* 1: 524288 [3: 1572864] -> 4 2488234 1 829411 (gobench.heap.string) */
	const int64_t *v = values(p, 0);
	assert_int_equal(v[0], 4);
	assert_int_equal(v[1], 2488234);
	assert_int_equal(v[2], 1);
	assert_int_equal(v[3], 829411);
	int64_t bytes;
	assert_true(hd_sample_num_label(p, 0, "bytes", &bytes));
	assert_int_equal(bytes, 524288);
	/* "1: 288 [2: 296] @" has no frames */
	assert_int_equal(p->samples[11].n_locs, 0);
	v = values(p, 11);
	assert_int_equal(v[0], 7085);
	assert_int_equal(v[1], 1048724);
	assert_int_equal(v[3], 524432);
	/* "0: 0 [1: 16]": inuse zero, bytes from the alloc pair */
	v = values(p, 14);
	assert_int_equal(v[0], 32768);
	assert_int_equal(v[2], 0);
	assert_true(hd_sample_num_label(p, 14, "bytes", &bytes));
	assert_int_equal(bytes, 16);
	/* addresses minus one, locations in order of appearance */
	assert_int_equal(p->locations[0].id, 1);
	assert_int_equal(p->locations[0].address, 0x420cee);
	assert_int_equal(p->locations[0].n_lines, 0);
	/* no memory map: pprof's fake mapping */
	assert_int_equal(p->n_mappings, 1);
	assert_int_equal(p->mappings[0].memory_start, 0);
	assert_true(p->mappings[0].memory_limit == UINT64_MAX);
	assert_int_equal(p->locations[99].mapping, 0);
	assert_true(hd_str_has_prefix(p->drop_frames, "calloc|cfree|malloc|free|"));
	assert_true(str_is(p->keep_frames, "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*"));
	assert_null(p->memstats);
	hd_profile_free(p);
	free(d);
}

static void test_cppbench(void **state)
{
	(void)state;
	size_t len;
	char *d = read_input("HD_SHARED", "../shared", "corpus/pprof-legacy/cppbench.heap", &len);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(hd_profile_parse(d, len, NULL, &p, &err), HD_OK);
	assert_int_equal(p->n_sample_types, 2);
	assert_true(str_is(p->sample_types[0].type, "objects"));
	assert_true(str_is(p->sample_types[1].type, "space"));
	assert_int_equal(p->period, 524288);
	const int64_t *v = values(p, 0);
	assert_int_equal(v[0], 57); /* heapz_v2: scaled with rate 524288 */
	assert_int_equal(v[1], 528909);
	assert_int_equal(p->n_mappings, 12);
	assert_true(str_is(p->mappings[0].filename, "/home/cppbench_server_main"));
	assert_int_equal(p->mappings[0].memory_start, 0x400000);
	assert_true(str_is(p->mappings[11].filename, "[vsyscall]"));
	assert_int_equal(p->locations[0].address, 0xc635c7);
	assert_int_equal(p->locations[0].mapping, 0);
	hd_profile_free(p);
	free(d);
}

/* ---- headers ---- */

static void test_header_variants(void **state)
{
	(void)state;
	struct hd_profile *p;
	/* heap_v2/N: period N, scaled */
	p = must_parse("heap profile: 1: 100 [2: 200] @ heap_v2/1000\n1: 100 [2: 200] @ 0x10\n");
	assert_int_equal(p->period, 1000);
	assert_int_equal(p->n_sample_types, 4);
	/* 2 objects of 100 bytes, rate 1000: scale 1/(1-e^-0.1) = 10.508 */
	assert_int_equal(values(p, 0)[0], 21);
	assert_int_equal(values(p, 0)[1], 2101);
	hd_profile_free(p);
	/* heapprofile: period 1, no scaling, two types when alloc = inuse */
	p = must_parse("heap profile: 1: 100 [1: 100] @ heapprofile\n1: 100 [1: 100] @ 0x10\n");
	assert_int_equal(p->period, 1);
	assert_int_equal(p->n_sample_types, 2);
	assert_int_equal(values(p, 0)[1], 100);
	hd_profile_free(p);
	/* alloc 0 counts as "no alloc" (pprof compares the strings) */
	p = must_parse("heap profile: 3: 300 [0: 0] @ heap/2\n3: 300 [0: 0] @ 0x10\n");
	assert_int_equal(p->n_sample_types, 2);
	assert_int_equal(p->period, 1);
	assert_int_equal(values(p, 0)[0], 3); /* rate 1: unscaled */
	hd_profile_free(p);
	/* growthz */
	p = must_parse("heap profile: 1: 8 [1: 8] @ growthz\n1: 8 [1: 8] @ 0x10\n");
	assert_int_equal(p->period, 1);
	hd_profile_free(p);
	/* leading text before the header on its line, CRLF lines */
	p = must_parse("xx heap profile:1:2[3:4]@heap/4\r\n 1: 2 [3: 4] @ 0x10 0x20\r\n");
	assert_int_equal(p->period, 2);
	assert_int_equal(p->n_samples, 1);
	assert_int_equal(p->samples[0].n_locs, 2);
	hd_profile_free(p);
	expect_error("heap profile: 1: 2 [3: 4] @ heapz/4\n", HD_ERR_LEGACY,
		     "line 1: unsupported heap profile kind 'heapz'");
	expect_error("heap profile: 1: 2 @ heap/4\n", HD_ERR_LEGACY,
		     "line 1: unrecognized heap profile header");
	expect_error("heap profile: 1: 2 [3: 4] @ heap/99999999999999999999\n", HD_ERR_LEGACY,
		     "period out of range");
}

/* ---- symbol comments and MemStats ---- */

static const char symbolized[] =
	"heap profile: 2: 64 [3: 96] @ heap/1048576\n"
	"1: 32 [2: 64] @ 0x1001 0x2001 0x2001 0x3001 0x4001\n"
	"#\t0x2000\tmain.inner+0x10\t\t/src/a.go:10\n"
	"#\t0x2000\tmain.outer+0x20\t\t/src/a.go:20\n"
	"#\t0x2000\tmain.inner+0x10\t\t/src/a.go:10\n"
	"#\t0x2000\tmain.outer+0x20\t\t/src/a.go:20\n"
	"#\t0x3000\tmain.caller+0x30\t/src/b.go:30\n"
	"\n"
	"1: 32 [1: 32] @ 0x1001 0x3001 0x5001 0x4001\n"
	"#\t0x3000\tmain.caller+0x30\t/src/b.go:30\n"
	"#\t0x5000\n"
	"\n"
	"\n"
	"# runtime.MemStats\n"
	"# Alloc = 123\n"
	"# PauseNs = [1 2 3]\n"
	"# NumGC = 2\n"
	"# DebugGC = false\n";

static void test_symbol_comments(void **state)
{
	(void)state;
	struct hd_profile *p = must_parse(symbolized);
	/* 0x1001 (a hidden runtime frame) and 0x4001 (goexit) have no comment:
	 * dropped.  0x5001 has an address-only comment: kept, no lines. */
	assert_int_equal(p->n_locations, 3);
	assert_int_equal(p->samples[0].n_locs, 3);
	assert_int_equal(p->samples[1].n_locs, 2);
	const struct hd_location *l = &p->locations[p->sample_locs[0]];
	assert_int_equal(l->address, 0x2000);
	assert_int_equal(l->n_lines, 2); /* recursion repeats, not more lines */
	const struct hd_line *inner = &p->lines[l->first_line];
	assert_true(str_is(p->functions[inner->function].name, "main.inner"));
	assert_true(str_is(p->functions[inner->function].filename, "/src/a.go"));
	assert_int_equal(inner->line, 10);
	assert_true(str_is(p->functions[inner[1].function].name, "main.outer"));
	assert_int_equal(inner[1].line, 20);
	assert_int_equal(p->sample_locs[1], p->sample_locs[0]);
	assert_int_equal(p->n_functions, 3); /* one per distinct name */
	const struct hd_location *caller = &p->locations[p->sample_locs[2]];
	assert_int_equal(caller->address, 0x3000);
	assert_true(str_is(p->functions[p->lines[caller->first_line].function].name, "main.caller"));
	const struct hd_location *bare = &p->locations[p->sample_locs[p->samples[1].first_loc + 1]];
	assert_int_equal(bare->address, 0x5000);
	assert_int_equal(bare->n_lines, 0);
	/* MemStats, in order */
	assert_int_equal(p->n_memstats, 4);
	assert_true(str_is(p->memstats[0].name, "Alloc"));
	assert_true(str_is(p->memstats[0].value, "123"));
	assert_true(str_is(p->memstats[1].name, "PauseNs"));
	assert_true(str_is(p->memstats[1].value, "[1 2 3]"));
	assert_true(str_is(p->memstats[3].value, "false"));
	hd_profile_free(p);
}

static void test_gzip_text(void **state)
{
	(void)state;
	size_t gz_len;
	uint8_t *gz = pbenc_gzip(symbolized, sizeof(symbolized) - 1, &gz_len);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(hd_profile_parse(gz, gz_len, NULL, &p, &err), HD_OK);
	assert_int_equal(p->format, HD_FORMAT_LEGACY_HEAP);
	assert_int_equal(p->n_samples, 2);
	hd_profile_free(p);
	free(gz);
}

static void test_memory_map(void **state)
{
	(void)state;
	struct hd_profile *p = must_parse(
		"heap profile: 1: 8 [1: 8] @ heap/2\n"
		"1: 8 [1: 8] @ 0x401001 0x700001 0x10\n"
		"MAPPED_LIBRARIES:\n"
		"I0102 12:00:00.000 123 main.cc:10] 00400000-00500000 r-xp 00000000 08:01 42    /bin/app\n"
		"00600000-00700000 rw-p 00000000 08:01 42 /bin/app\n"
		"00700000-00800000 r-xp 00000000 08:01 43 /lib/libc.so.6\n"
		"dir=/opt\n"
		"0x900000-0xa00000 $dir/tool (@10) abcdef\n");
	/* main binary first, libc second, the brief-format mapping third, the
	 * rw-p one skipped; address 0xf gets pprof's fake mapping last */
	assert_int_equal(p->n_mappings, 4);
	assert_true(str_is(p->mappings[0].filename, "/bin/app"));
	assert_true(str_is(p->mappings[1].filename, "/lib/libc.so.6"));
	assert_true(str_is(p->mappings[2].filename, "/opt/tool"));
	assert_int_equal(p->mappings[2].file_offset, 0x10);
	assert_true(str_is(p->mappings[2].build_id, "abcdef"));
	assert_true(p->mappings[3].memory_limit == UINT64_MAX);
	assert_int_equal(p->locations[0].mapping, 0);
	assert_int_equal(p->locations[1].mapping, 1);
	assert_int_equal(p->locations[2].mapping, 3);
	assert_int_equal(p->mappings[3].id, 4);
	hd_profile_free(p);
}

/* ---- malformed input ---- */

static void test_malformed(void **state)
{
	(void)state;
	expect_error("heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [1: 8] @ 0x10\nbogus line\n",
		     HD_ERR_LEGACY, "line 3: malformed sample line");
	expect_error("heap profile: 1: 8 [1: 8] @ heap/2\n\n0: 5 [1: 8] @ 0x10\n",
		     HD_ERR_LEGACY, "line 3: inuse count is 0 but inuse bytes is 5");
	expect_error("heap profile: 1: 8 [2: 9] @ heap/2\n1: 8 [0: 9] @ 0x10\n",
		     HD_ERR_LEGACY, "line 2: allocation count is 0 but allocation bytes is 9");
	expect_error("heap profile: 1: 8 [1: 8] @ heap/2\n1: 99999999999999999999 [1: 8] @ 0x10\n",
		     HD_ERR_LEGACY, "line 2: malformed sample: number out of range");
	expect_error("heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [1: 8] @ 0x12345678901234567\n",
		     HD_ERR_LEGACY, "line 2: address does not fit in 64 bits");
	expect_error("heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [1: 8] @ 0x10\n#\t0xzz\tf\tf.go:1\n",
		     HD_ERR_LEGACY, "line 3: malformed symbol comment");
	expect_error("heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [1: 8] @ 0x10\n#\t0xf\tmain.f+0x1\n",
		     HD_ERR_LEGACY, "line 3: malformed symbol comment (no file:line)");
	/* A sample line in the middle of junk is found like pprof's regexp. */
	struct hd_profile *p = must_parse("heap profile: 1: 8 [1: 8] @ heap/2\nx 12x 1: 8 [1: 8] @ 0x10 zz\n");
	assert_int_equal(p->n_samples, 1);
	assert_int_equal(p->samples[0].n_locs, 1);
	hd_profile_free(p);
}

static void test_limits(void **state)
{
	(void)state;
	const char *text = "heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [1: 8] @ 0x10 0x20 0x30\n"
			   "1: 8 [1: 8] @ 0x10\n";
	struct hd_limits lim;
	struct hd_profile *p;
	struct hd_error err;
	hd_limits_default(&lim);
	lim.max_samples = 1;
	assert_int_equal(parse_text(text, &lim, &p, &err), HD_ERR_LIMIT);
	hd_limits_default(&lim);
	lim.max_stack_depth = 2;
	assert_int_equal(parse_text(text, &lim, &p, &err), HD_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "line 2: more than 2 frames"));
	hd_limits_default(&lim);
	lim.max_line_bytes = 20;
	assert_int_equal(parse_text(text, &lim, &p, &err), HD_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "line 1 longer than 20 bytes"));
}

/*
 * Memory-map attributes ("attr=value", then "$attr" in later lines) are
 * substituted like pprof's strings.Replacer, but input picks the keys and
 * the values: a value that multiplies a line's length is refused at
 * --max-line, and many keys tried at many '$' positions at the work budget
 * (linear in the input), each in bounded time.
 */
static void test_memory_map_hostile_attrs(void **state)
{
	(void)state;
	const char *head = "heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [1: 8] @ 0x401001\n"
			   "MAPPED_LIBRARIES:\n";
	struct pbenc t;
	struct hd_limits lim;
	struct hd_profile *p = NULL;
	struct hd_error err;

	/* expansion: a 4 KiB value substituted 64 times in one line */
	pbenc_init(&t);
	pbenc_raw(&t, head, strlen(head));
	pbenc_raw(&t, "a=", 2);
	for (int i = 0; i < 4096; i++)
		pbenc_raw(&t, "x", 1);
	pbenc_raw(&t, "\n0x400000-0x500000 ", 20);
	for (int i = 0; i < 64; i++)
		pbenc_raw(&t, "$a", 2);
	pbenc_raw(&t, "\n", 1);
	hd_limits_default(&lim);
	lim.max_line_bytes = 65536;
	assert_int_equal(hd_profile_parse(t.data, t.len, &lim, &p, &err), HD_ERR_LIMIT);
	assert_null(p);
	assert_non_null(strstr(err.msg, "longer than 65536 bytes after attribute substitution"));
	pbenc_release(&t);

	/* work: 2,000 keys of 200 '$' each, then lines of '$' */
	pbenc_init(&t);
	pbenc_raw(&t, head, strlen(head));
	char key[256];
	for (int i = 0; i < 2000; i++) {
		memset(key, '$', 199);
		int n = snprintf(key + 199, sizeof(key) - 199, "%d=v\n", i);
		pbenc_raw(&t, key, 199 + (size_t)n);
	}
	char dollars[1024];
	memset(dollars, '$', sizeof(dollars) - 1);
	dollars[sizeof(dollars) - 1] = '\n';
	for (int i = 0; i < 512; i++)
		pbenc_raw(&t, dollars, sizeof(dollars));
	assert_int_equal(hd_profile_parse(t.data, t.len, NULL, &p, &err), HD_ERR_LIMIT);
	assert_null(p);
	assert_non_null(strstr(err.msg, "memory map attribute substitution exceeds its work budget"));
	pbenc_release(&t);
}

static void test_deep_stack_text(void **state)
{
	(void)state;
	enum { DEPTH = 200000 };
	struct pbenc t; /* used as a plain byte buffer */
	pbenc_init(&t);
	const char *h = "heap profile: 1: 8 [1: 8] @ heap/2\n1: 8 [1: 8] @";
	pbenc_raw(&t, h, strlen(h));
	char a[32];
	for (int i = 0; i < DEPTH; i++) {
		int n = snprintf(a, sizeof(a), " 0x%x", 0x1000 + i);
		pbenc_raw(&t, a, (size_t)n);
	}
	pbenc_raw(&t, "\n", 1);
	struct hd_profile *p;
	struct hd_error err;
	assert_int_equal(hd_profile_parse(t.data, t.len, NULL, &p, &err), HD_OK);
	assert_int_equal(p->samples[0].n_locs, DEPTH);
	assert_int_equal(p->n_locations, DEPTH);
	hd_profile_free(p);
	pbenc_release(&t);
}

/* ---- text and proto of the same moment ---- */

/* Function names of sample i's frames, leaf first, one string. */
static void stack_names(const struct hd_profile *p, uint64_t i, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	const struct hd_sample *s = &p->samples[i];
	for (uint32_t k = 0; k < s->n_locs; k++) {
		const struct hd_location *l = &p->locations[p->sample_locs[s->first_loc + k]];
		for (uint32_t j = 0; j < l->n_lines; j++) {
			struct hd_str n = p->functions[p->lines[l->first_line + j].function].name;
			int w = snprintf(out + o, cap - o, "%.*s;", (int)n.len, n.ptr);
			if (w > 0 && (size_t)w < cap - o)
				o += (size_t)w;
		}
	}
}

static void test_text_matches_proto(void **state)
{
	(void)state;
	size_t lt, lp;
	char *text = read_input("HD_SRCDIR", ".", "testdata/profiles/go1.26/cache_map/01.txt", &lt);
	char *proto = read_input("HD_SRCDIR", ".", "testdata/profiles/go1.26/cache_map/01.pb.gz", &lp);
	struct hd_profile *pt, *pp;
	struct hd_error err;
	assert_int_equal(hd_profile_parse(text, lt, NULL, &pt, &err), HD_OK);
	assert_int_equal(hd_profile_parse(proto, lp, NULL, &pp, &err), HD_OK);
	assert_true(pt->n_memstats > 20);
	char a[8192], b[8192];
	uint64_t matched = 0;
	for (uint64_t i = 0; i < pp->n_samples; i++) {
		const int64_t *v = values(pp, i);
		if (!v[0] && !v[1] && !v[2] && !v[3])
			continue;
		stack_names(pp, i, a, sizeof(a));
		bool found = false;
		for (uint64_t j = 0; j < pt->n_samples && !found; j++) {
			if (memcmp(values(pt, j), v, 4 * sizeof(*v)) != 0)
				continue;
			stack_names(pt, j, b, sizeof(b));
			found = strcmp(a, b) == 0;
		}
		if (!found)
			fail_msg("proto sample %llu (%s) has no twin in the text profile",
				 (unsigned long long)i, a);
		matched++;
	}
	assert_true(matched >= 3);
	hd_profile_free(pt);
	hd_profile_free(pp);
	free(text);
	free(proto);
}

/* ---- allocation failures ---- */

static void sweep(const char *data, size_t len)
{
	long n;
	struct hd_profile *p;
	struct hd_error err;
	for (n = 0;; n++) {
		hd_alloc_fail_after(n);
		enum hd_status st = hd_profile_parse(data, len, NULL, &p, &err);
		hd_alloc_fail_after(-1);
		if (st == HD_OK)
			break;
		if (st != HD_ERR_NOMEM)
			fail_msg("allocation %ld failing gave %d: %s", n, st, err.msg);
	}
	assert_true(n > 5);
	hd_profile_free(p);
}

static void test_alloc_failure_sweep(void **state)
{
	(void)state;
	sweep(symbolized, sizeof(symbolized) - 1);
	size_t len;
	char *d = read_input("HD_SHARED", "../shared", "corpus/pprof-legacy/cppbench.heap", &len);
	sweep(d, len);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gobench),
		cmocka_unit_test(test_cppbench),
		cmocka_unit_test(test_header_variants),
		cmocka_unit_test(test_symbol_comments),
		cmocka_unit_test(test_gzip_text),
		cmocka_unit_test(test_memory_map),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_memory_map_hostile_attrs),
		cmocka_unit_test(test_deep_stack_text),
		cmocka_unit_test(test_text_matches_proto),
		cmocka_unit_test(test_alloc_failure_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
