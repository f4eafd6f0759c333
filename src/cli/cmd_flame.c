/*
 * cmd_flame.c - `heapdoc flame -o heap.svg PROFILE...`: an interactive,
 * self-contained SVG flame graph (differential with -base/-diff_base), and
 * the option parsing it shares with `heapdoc folded` (cmd_folded.c).  The
 * drawing is the library's (hd_render_flame_svg, render/svg.c); this file
 * parses options, loads profiles through cmd_merge.c and writes the file.
 * docs/internals/flame.md describes the graph.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_merge.h"
#include "commands.h"

enum {
	OPT_BASE = 256, OPT_DIFF_BASE, OPT_NORMALIZE, OPT_SAMPLE_INDEX, OPT_INUSE_SPACE,
	OPT_INUSE_OBJECTS, OPT_ALLOC_SPACE, OPT_ALLOC_OBJECTS, OPT_LINES, OPT_FUNCTIONS,
	OPT_NOINLINES, OPT_MAX_INPUT, OPT_MAX_DECOMP, OPT_MINWIDTH, OPT_MAX_FRAMES, OPT_TITLE,
	OPT_WIDTH,
};

int hd_cli_parse_stack_opts(int argc, char **argv, bool flame, struct hd_cli_stack_opts *o,
			    void (*usage)(FILE *))
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"base", required_argument, NULL, OPT_BASE},
		{"diff_base", required_argument, NULL, OPT_DIFF_BASE},
		{"normalize", no_argument, NULL, OPT_NORMALIZE},
		{"sample_index", required_argument, NULL, OPT_SAMPLE_INDEX},
		{"inuse_space", no_argument, NULL, OPT_INUSE_SPACE},
		{"inuse_objects", no_argument, NULL, OPT_INUSE_OBJECTS},
		{"alloc_space", no_argument, NULL, OPT_ALLOC_SPACE},
		{"alloc_objects", no_argument, NULL, OPT_ALLOC_OBJECTS},
		{"lines", no_argument, NULL, OPT_LINES},
		{"functions", no_argument, NULL, OPT_FUNCTIONS},
		{"noinlines", no_argument, NULL, OPT_NOINLINES},
		{"max-input", required_argument, NULL, OPT_MAX_INPUT},
		{"max-decompressed", required_argument, NULL, OPT_MAX_DECOMP},
		{"minwidth", required_argument, NULL, OPT_MINWIDTH},
		{"max-frames", required_argument, NULL, OPT_MAX_FRAMES},
		{"title", required_argument, NULL, OPT_TITLE},
		{"width", required_argument, NULL, OPT_WIDTH},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof(*o));
	hd_limits_default(&o->limits);
	hd_flame_options_default(&o->flame);
	o->bases_storage = calloc((size_t)argc + 1, sizeof(char *));
	if (!o->bases_storage) {
		hd_cli_error("out of memory");
		return HD_EXIT_ERROR;
	}
	bool has_base = false, has_diff = false;
	int c;
	unsigned long long size;
	char *end;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long_only(argc, argv, "o:h", opts, NULL)) != -1) {
		if (!flame && c >= OPT_MINWIDTH && c <= OPT_WIDTH)
			c = '?';
		switch (c) {
		case 'o': o->output = optarg; break;
		case OPT_BASE: has_base = true; o->bases_storage[o->src.n_bases++] = optarg; break;
		case OPT_DIFF_BASE:
			has_diff = true;
			o->bases_storage[o->src.n_bases++] = optarg;
			break;
		case OPT_NORMALIZE: o->src.normalize = true; break;
		case OPT_SAMPLE_INDEX: o->sample_index = optarg; break;
		case OPT_INUSE_SPACE: o->sample_index = "inuse_space"; break;
		case OPT_INUSE_OBJECTS: o->sample_index = "inuse_objects"; break;
		case OPT_ALLOC_SPACE: o->sample_index = "alloc_space"; break;
		case OPT_ALLOC_OBJECTS: o->sample_index = "alloc_objects"; break;
		case OPT_LINES: o->flame.lines = true; break;
		case OPT_FUNCTIONS: o->flame.lines = false; break;
		case OPT_NOINLINES: o->flame.noinlines = true; break;
		case OPT_MAX_INPUT:
		case OPT_MAX_DECOMP:
			if (!hd_cli_parse_size(optarg, &size) || size == 0) {
				hd_cli_error("invalid size '%s'", optarg);
				return HD_EXIT_USAGE;
			}
			if (c == OPT_MAX_INPUT)
				o->limits.max_input_bytes = size;
			else
				o->limits.max_decompressed_bytes = size;
			break;
		case OPT_MINWIDTH:
			/* a fraction, or a percentage with '%' (flamegraph.pl
			 * takes pixels; a fraction does not depend on --width) */
			errno = 0;
			o->flame.min_width = strtod(optarg, &end);
			if (end != optarg && *end == '%') {
				o->flame.min_width /= 100;
				end++;
			}
			if (errno || end == optarg || *end || !(o->flame.min_width > 0) ||
			    o->flame.min_width >= 1) {
				hd_cli_error("invalid --minwidth '%s' (a fraction like 0.001, or 0.1%%)",
					     optarg);
				return HD_EXIT_USAGE;
			}
			break;
		case OPT_MAX_FRAMES:
		case OPT_WIDTH: {
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || v == 0 || v > 1000000 ||
			    (c == OPT_WIDTH && v < 200)) {
				hd_cli_error("invalid --%s '%s'",
					     c == OPT_WIDTH ? "width" : "max-frames", optarg);
				return HD_EXIT_USAGE;
			}
			if (c == OPT_WIDTH)
				o->flame.width_px = (uint32_t)v;
			else
				o->flame.max_frames = (uint32_t)v;
			break;
		}
		case OPT_TITLE: o->flame.title = optarg; break;
		case 'h':
			usage(stdout);
			return hd_cli_finish(HD_EXIT_OK);
		default:
			hd_cli_error("%s: unknown or incomplete option '%s'", argv[0],
				     argv[optind - 1]);
			return HD_EXIT_USAGE;
		}
	}
	if (has_base && has_diff) {
		hd_cli_error("%s: -base and -diff_base cannot be used together", argv[0]);
		return HD_EXIT_USAGE;
	}
	if (o->src.normalize && o->src.n_bases == 0) {
		hd_cli_error("%s: -normalize needs -base or -diff_base", argv[0]);
		return HD_EXIT_USAGE;
	}
	if (optind >= argc) {
		hd_cli_error("%s: no profile given", argv[0]);
		return HD_EXIT_USAGE;
	}
	o->src.sources = (const char **)argv + optind;
	o->src.n_sources = (size_t)(argc - optind);
	o->src.bases = o->bases_storage;
	o->src.diff_base = has_diff;
	return -1;
}

struct hd_profile *hd_cli_stack_load(struct hd_cli_stack_opts *o)
{
	struct hd_profile *p = hd_cli_load_combined(&o->src, &o->limits);
	if (!p)
		return NULL;
	o->flame.sample_index = hd_profile_default_sample_index(p);
	if (o->sample_index) {
		char *end;
		long n = strtol(o->sample_index, &end, 10);
		int idx = hd_profile_sample_type_index(p, o->sample_index);
		if (idx < 0 && *end == '\0' && end != o->sample_index && n >= 0 &&
		    n < (long)p->n_sample_types)
			idx = (int)n;
		if (idx < 0) {
			hd_cli_error("sample type '%s' not in the profile (it has:%s%.*s%s)",
				     o->sample_index, p->n_sample_types ? " " : " none",
				     p->n_sample_types ? (int)p->sample_types[0].type.len : 0,
				     p->n_sample_types ? p->sample_types[0].type.ptr : "",
				     p->n_sample_types > 1 ? " ..." : "");
			hd_profile_free(p);
			return NULL;
		}
		o->flame.sample_index = idx;
	}
	return p;
}

void hd_cli_stack_opts_release(struct hd_cli_stack_opts *o)
{
	free(o->bases_storage);
	o->bases_storage = NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: heapdoc flame [OPTIONS] PROFILE... [-o heap.svg]\n"
		"\n"
		"Draws an interactive flame graph as one self-contained SVG file (inline\n"
		"script and style, no network): click a frame to zoom, 'Search' (or\n"
		"Ctrl-F) highlights frames matching a regular expression and shows their\n"
		"share, hovering shows the exact value and percentage.  Several profiles\n"
		"are summed.  With -base/-diff_base the graph is differential: a frame's\n"
		"width is growth + shrinkage, red for growth, blue for shrinkage.\n"
		"\n"
		"Size bound: frames narrower than --minwidth of the total are left out and\n"
		"at most --max-frames (default 10000) are drawn, so the file stays under\n"
		"3.5 KB per frame (35 MB at the default; typically 0.3 KB per frame)\n"
		"whatever the size of the profile.\n"
		"\n"
		"options:\n"
		"  -o, --output FILE      output file (default stdout); written atomically\n"
		"  -sample_index NAME|N   sample type (default: pprof's, inuse_space for heap)\n"
		"  -inuse_space -inuse_objects -alloc_space -alloc_objects\n"
		"  -lines                 one frame per function and line (default: function)\n"
		"  -noinlines             fold inlined frames into their caller\n"
		"  -base FILE             subtract FILE (repeatable)\n"
		"  -diff_base FILE        subtract FILE, percentages relative to it (repeatable)\n"
		"  -normalize             scale the sources to the bases' totals first\n"
		"  --minwidth F           leave out frames narrower than F of the total, a\n"
		"                         fraction or a percentage (default 0.0005 = 0.05%%)\n"
		"  --max-frames N         draw at most N frames, the widest (default 10000)\n"
		"  --title TEXT           title (default \"Flame Graph\")\n"
		"  --width PX             image width in pixels (default 1200)\n"
		"  --max-input SIZE --max-decompressed SIZE   input limits (default 1GiB)\n"
		"\n"
		"exit status: 0 written; 1 an input could not be read or the output\n"
		"written; 2 bad command line.\n");
}

int cmd_flame(int argc, char **argv)
{
	struct hd_cli_stack_opts o;
	int rc = hd_cli_parse_stack_opts(argc, argv, true, &o, usage);
	if (rc >= 0) {
		hd_cli_stack_opts_release(&o);
		return rc;
	}
	rc = HD_EXIT_ERROR;
	struct hd_profile *p = hd_cli_stack_load(&o);
	if (p) {
		char *svg;
		size_t len;
		struct hd_error err = {0};
		if (hd_render_flame_svg(p, &o.flame, &svg, &len, &err) != HD_OK) {
			hd_cli_error("cannot draw the flame graph: %s", err.msg);
		} else {
			if (hd_cli_write_output(o.output ? o.output : "-", svg, len))
				rc = HD_EXIT_OK;
			hd_bytes_free(svg);
		}
		hd_profile_free(p);
	}
	hd_cli_stack_opts_release(&o);
	return rc == HD_EXIT_OK ? hd_cli_finish(rc) : rc;
}
