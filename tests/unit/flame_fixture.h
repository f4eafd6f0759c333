/*
 * flame_fixture.h - a profile large enough for the flame graph and folded
 * renderers to go parallel (flame_part.c: more than 400k location
 * references), built in the test without Go: random walks over a fixed call
 * graph, like bench/gen's profiles, deterministic (own LCG).  Some
 * locations hold two lines (an inlined call), and the names include
 * prefixes of one another followed by bytes that sort between ' ' and ';'
 * ("f", "f.g", "f g", "f!"), the cases where folded output's order is not
 * simply the order of the names.  Shared by test_svg.c and test_folded.c.
 */
#ifndef HD_TEST_FLAME_FIXTURE_H
#define HD_TEST_FLAME_FIXTURE_H

#include "model/builder.h"

#define FX_FUNCS 1500
#define FX_LOCS 2500
#define FX_SAMPLES 12000

static uint64_t fx_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

/*
 * The walk favours a few callees per location so that the tree has wide
 * frames deep down (what the drawing threshold keeps) and a long tail of
 * narrow ones.  `weights_ret` (n_samples entries, malloc'ed) gets signed
 * weights for differential rendering: the sample value, negated for every
 * third sample.
 */
static struct hd_profile *fx_profile(int64_t **weights_ret)
{
	static const char *const tricky[] = {"f", "f.g", "f g", "f!", "f 1", "f;x", "g", "g\x01"};
	struct hd_builder *b;
	assert_int_equal(hd_builder_new(&b, NULL), HD_OK);
	hd_builder_add_sample_type(b, hd_str_c("inuse_space"), hd_str_c("bytes"));
	uint64_t seed = 42;
	uint32_t funcs[FX_FUNCS], locs[FX_LOCS];
	char name[64];
	for (uint32_t i = 0; i < FX_FUNCS; i++) {
		struct hd_function f = {0};
		if (i < HD_ARRAY_SIZE(tricky))
			snprintf(name, sizeof(name), "%s", tricky[i]);
		else
			snprintf(name, sizeof(name), "pkg%u.fn%u", i % 37, i);
		f.name = hd_str_c(name);
		f.filename = hd_str_c(i % 2 ? "a.go" : "b/c.go");
		funcs[i] = hd_builder_intern_function(b, &f);
	}
	for (uint32_t i = 0; i < FX_LOCS; i++) {
		struct hd_line lines[2];
		uint32_t n = fx_rand(&seed) % 10 == 0 ? 2 : 1;
		for (uint32_t k = 0; k < n; k++) {
			uint32_t fn = (uint32_t)(fx_rand(&seed) % 6 == 0 ? fx_rand(&seed) % 8
									   : fx_rand(&seed) % FX_FUNCS);
			lines[k] = (struct hd_line){funcs[fn], 10 + (int64_t)(fx_rand(&seed) % 5), 0};
		}
		locs[i] = hd_builder_intern_location(b, HD_NONE, 0x1000 + (uint64_t)i * 16, false,
						     lines, n);
	}
	int64_t *weights = malloc(FX_SAMPLES * sizeof(*weights));
	assert_non_null(weights);
	uint32_t stack[64], depth = 0;
	for (uint32_t s = 0; s < FX_SAMPLES; s++) {
		/* every fifth sample repeats the previous stack (its line sums
		 * both), or on every seventh its root half (a frame with self
		 * weight and children) */
		uint32_t cut = 0;
		if (s % 5 == 4) {
			cut = s % 7 == 0 ? depth / 2 : 0;
		} else {
			depth = 20 + (uint32_t)(fx_rand(&seed) % 45);
			uint32_t at = (uint32_t)(fx_rand(&seed) % 3);
			/* root first into stack[depth - 1 .. 0] (leaf first) */
			for (uint32_t d = 0; d < depth; d++) {
				stack[depth - 1 - d] = locs[at];
				uint64_t r = fx_rand(&seed);
				at = r % 8 < 7 ? (uint32_t)((at * 7 + r % 2 + 1) % FX_LOCS)
					       : (uint32_t)(r % FX_LOCS);
			}
		}
		int64_t v = 512 + (int64_t)(fx_rand(&seed) % 100000);
		weights[s] = s % 3 == 2 ? -v : v;
		hd_builder_add_sample(b, stack + cut, depth - cut, &v, NULL, 0);
	}
	struct hd_profile *p;
	assert_int_equal(hd_builder_finish(b, &p, NULL), HD_OK);
	*weights_ret = weights;
	return p;
}

#endif /* HD_TEST_FLAME_FIXTURE_H */
