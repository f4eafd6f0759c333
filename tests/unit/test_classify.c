/*
 * test_classify.c - unit tests of src/lib/analyze/classify.c on synthetic
 * size histograms built from the forward model (gomodel.c): a slice growth
 * chain, a classic map's bucket arrays, a Swiss map that split into many
 * equal tables, a string rebuilt piece by piece, one large fixed size,
 * stdlib hints, the source-line classifier and the std-library test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analyze/classify.h"
#include "analyze/gomodel.h"

static size_t add(struct hd_cls_size *s, size_t n, uint64_t size, double alloc, double inuse)
{
	s[n].size = size;
	s[n].alloc_objects = alloc;
	s[n].alloc_bytes = alloc * (double)size;
	s[n].inuse_objects = inuse;
	s[n].inuse_bytes = inuse * (double)size;
	s[n].raw_alloc = alloc;
	return n + 1;
}

static void test_slice_chain(void **state)
{
	(void)state;
	/* []int64 appended to 1M elements on 1.22: only large steps sampled */
	struct hd_go_grow steps[128];
	size_t ns = hd_go_slice_chain(22, 8, true, 8u << 20, steps, 128);
	struct hd_cls_size s[HD_CLS_MAX_SIZES];
	size_t n = 0;
	for (size_t i = 0; i < ns; i++)
		if (steps[i].bytes >= 65536)
			n = add(s, n, steps[i].bytes, 1, i + 1 == ns);
	struct hd_cls_result r;
	hd_classify_site(s, n, 22, HD_CLS_HINT_NONE, HD_CLS_SRC_NONE, &r);
	assert_int_equal(r.kind, HD_KIND_SLICE);
	assert_true(r.chain);
	assert_true(r.unit_min <= 8 && r.unit_max >= 8);
	assert_true(r.confidence > 0.5);
}

static void test_classic_map(void **state)
{
	(void)state;
	struct hd_cls_size s[HD_CLS_MAX_SIZES];
	size_t n = 0;
	for (unsigned b = 10; b <= 16; b++)
		n = add(s, n, hd_go_classic_array_bytes(22, b, 144, true, NULL), 1, b == 16);
	n = add(s, n, 144, 2000, 0); /* overflow buckets */
	struct hd_cls_result r;
	hd_classify_site(s, n, 0, HD_CLS_HINT_NONE, HD_CLS_SRC_NONE, &r);
	assert_int_equal(r.kind, HD_KIND_MAP);
	assert_int_equal(r.map_impl, HD_MAP_IMPL_CLASSIC);
	/* 2^B buckets of 144 bytes = 2^(B+1) of 72: the range must hold the truth */
	assert_true(r.unit_min <= 144 && r.unit_max >= 144);
}

static void test_swiss_split(void **state)
{
	(void)state;
	struct hd_cls_size s[HD_CLS_MAX_SIZES];
	size_t n = 0;
	/* 18432-byte tables: 4000 allocated, 2200 live; a few growth arrays */
	n = add(s, n, 18432, 4000, 2200);
	n = add(s, n, 9472, 300, 0);
	struct hd_cls_result r;
	hd_classify_site(s, n, 0, HD_CLS_HINT_NONE, HD_CLS_SRC_NONE, &r);
	assert_int_equal(r.kind, HD_KIND_MAP);
	assert_int_equal(r.map_impl, HD_MAP_IMPL_SWISS);
	assert_true(r.swiss_split);
	assert_int_equal(r.swiss_table_bytes, 18432);
	assert_true(r.unit_min <= 136 && r.unit_max >= 136);
	/* the same sizes, all live and never freed: no split evidence */
	n = add(s, 0, 65536, 2000, 2000);
	hd_classify_site(s, n, 0, HD_CLS_HINT_NONE, HD_CLS_SRC_NONE, &r);
	assert_int_equal(r.kind, HD_KIND_SLICE); /* one large fixed size */
	assert_false(r.swiss_split);
}

static void test_string_concat_and_hints(void **state)
{
	(void)state;
	struct hd_cls_size s[HD_CLS_MAX_SIZES];
	size_t n = 0;
	for (unsigned c = 18; c <= 45; c++)
		n = add(s, n, hd_go_class_bytes(c), 100, 0);
	struct hd_cls_result r;
	hd_classify_site(s, n, 26, HD_CLS_HINT_NONE, HD_CLS_SRC_NONE, &r);
	assert_int_equal(r.kind, HD_KIND_STRING);
	assert_true(r.dense_classes);
	n = add(s, 0, 64, 1000, 1000);
	hd_classify_site(s, n, 26, HD_CLS_HINT_BUFFER, HD_CLS_SRC_NONE, &r);
	assert_int_equal(r.kind, HD_KIND_BUFFER);
	hd_classify_site(s, n, 26, HD_CLS_HINT_BUILDER, HD_CLS_SRC_NONE, &r);
	assert_int_equal(r.kind, HD_KIND_STRING);
	hd_classify_site(s, n, 26, HD_CLS_HINT_NONE, HD_CLS_SRC_NONE, &r);
	assert_int_equal(r.kind, HD_KIND_OBJECT);
	hd_classify_site(s, n, 26, HD_CLS_HINT_NONE, HD_CLS_SRC_STRING, &r);
	assert_int_equal(r.kind, HD_KIND_STRING);
	hd_classify_site(s, 0, 26, HD_CLS_HINT_NONE, HD_CLS_SRC_NONE, &r);
	assert_int_equal(r.kind, HD_KIND_OBJECT); /* no sizes: nothing to decide on */
}

static void test_source_and_std(void **state)
{
	(void)state;
	assert_int_equal(hd_classify_source_line("\ts = append(s, x) // SITE a"), HD_CLS_SRC_APPEND);
	assert_int_equal(hd_classify_source_line("m := make(map[int]int, n)"), HD_CLS_SRC_MAKE_MAP);
	assert_int_equal(hd_classify_source_line("b := make([]byte, 65536)"), HD_CLS_SRC_MAKE_SLICE);
	assert_int_equal(hd_classify_source_line("\tc.items[k] = v"), HD_CLS_SRC_MAP_ASSIGN);
	assert_int_equal(hd_classify_source_line("return \"a\" + b"), HD_CLS_SRC_STRING);
	assert_int_equal(hd_classify_source_line("x := 1 // append("), HD_CLS_SRC_NONE);
	assert_int_equal(hd_classify_source_line(NULL), HD_CLS_SRC_NONE);
	static const char *const std[] = {"bytes.growSlice", "runtime.mallocgc", "fmt.Fprintf",
					  "encoding/json.(*encodeState).marshal",
					  "internal/runtime/maps.newarray", "vendor/golang.org/x/net/x.F"};
	for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		assert_true(hd_is_std_function(std[i], strlen(std[i])));
	static const char *const user[] = {"main.AppendLog", "main.(*Cache).Put",
					   "github.com/a/b.F", "golang.org/x/sync/errgroup.(*Group).Go",
					   "example.com/m/internal/x.F", "myapp/internal/cache.(*C).Put",
					   "mainly.F", "command-line-arguments.F"};
	for (size_t i = 0; i < sizeof(user) / sizeof(user[0]); i++)
		assert_false(hd_is_std_function(user[i], strlen(user[i])));
	assert_int_equal(hd_classify_std_frame("bytes.(*Buffer).grow", 20), HD_CLS_HINT_BUFFER);
	assert_int_equal(hd_classify_std_frame("strings.(*Builder).grow", 23), HD_CLS_HINT_BUILDER);
	assert_int_equal(hd_classify_std_frame("strconv.Itoa", 12), HD_CLS_HINT_STRING);
	assert_int_equal(hd_classify_std_frame("container/list.(*List).insertValue", 34),
			 HD_CLS_HINT_OBJECT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slice_chain),
		cmocka_unit_test(test_classic_map),
		cmocka_unit_test(test_swiss_split),
		cmocka_unit_test(test_string_concat_and_hints),
		cmocka_unit_test(test_source_and_std),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
