/*
 * fuzz_pipeline.c - libFuzzer target: the whole pipeline on one input,
 * decode -> aggregate -> render, through the public API only.  The first
 * byte chooses options (sample index, line granularity, no inlines); the
 * rest is a profile in any format.  Every renderer runs on what decoded:
 * folded stacks and the SVG flame graph (each checked for what the header
 * promises: no raw control bytes or unescaped '<' from names), and the
 * proto writer, whose output must decode again to a profile with the same
 * number of sample types.  Renderers added to the public API are added here
 * (docs/internals/fuzzing.md).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Control bytes other than \n and \t never reach an output. */
static void check_no_controls(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		FUZZ_CHECK(!(c < 0x20 && c != '\n' && c != '\t' && c != '\r') && c != 0x7f);
	}
}

static void run_renderers(const struct hd_profile *p, uint8_t opt)
{
	struct hd_flame_options fo;
	hd_flame_options_default(&fo);
	fo.sample_index = p->n_sample_types ? (int)(opt % (p->n_sample_types + 1)) - 1 : -1;
	fo.lines = opt & 0x10;
	fo.noinlines = opt & 0x20;
	fo.max_frames = 200;
	char *out = NULL;
	size_t len = 0;
	struct hd_error err;
	if (hd_render_folded(p, &fo, &out, &len, &err) == HD_OK) {
		FUZZ_CHECK(out != NULL && out[len] == '\0');
		check_no_controls(out, len);
		hd_bytes_free(out);
	}
	out = NULL;
	if (hd_render_flame_svg(p, &fo, &out, &len, &err) == HD_OK) {
		FUZZ_CHECK(out != NULL && out[len] == '\0');
		check_no_controls(out, len);
		FUZZ_CHECK(strstr(out, "<script>alert") == NULL);
		hd_bytes_free(out);
	}
	void *pb = NULL;
	if (hd_profile_write_proto(p, (opt & 0x40) != 0, &pb, &len, &err) == HD_OK) {
		struct hd_profile *again = fuzz_parse(pb, len);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(again->n_sample_types == p->n_sample_types);
		FUZZ_CHECK(again->n_samples <= p->n_samples);
		hd_profile_free(again);
		hd_bytes_free(pb);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint8_t opt = data[0];
	struct hd_profile *p = fuzz_parse(data + 1, size - 1);
	if (!p)
		return 0;
	run_renderers(p, opt);
	hd_profile_free(p);
	return 0;
}
