/*
 * cmd_flame.c - `heapdoc flame -o heap.svg PROFILE...`: an interactive,
 * self-contained SVG flame graph (differential with -base/-diff_base).
 * Every pprof report option applies (report_opts.c: sample type, filters,
 * granularity, several sources); the drawing is the library's
 * (hd_render_flame_svg_view, render/svg.c); this file adds the flame-only
 * options and writes the file.
 * docs/internals/flame.md describes the graph.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report_opts.h"

enum {
	OPT_MINWIDTH = HD_CLI_EXTRA_BASE, OPT_MAX_FRAMES, OPT_TITLE, OPT_WIDTH,
};

static const struct option flame_options[] = {
	{"minwidth", required_argument, NULL, OPT_MINWIDTH},
	{"max-frames", required_argument, NULL, OPT_MAX_FRAMES},
	{"title", required_argument, NULL, OPT_TITLE},
	{"width", required_argument, NULL, OPT_WIDTH},
	{NULL, 0, NULL, 0},
};

static bool flame_option(void *ctx, int val, const char *arg)
{
	struct hd_flame_options *o = ctx;
	char *end;
	errno = 0;
	switch (val) {
	case OPT_MINWIDTH:
		/* a fraction, or a percentage with '%' (flamegraph.pl takes
		 * pixels; a fraction does not depend on --width) */
		o->min_width = strtod(arg, &end);
		if (end != arg && *end == '%') {
			o->min_width /= 100;
			end++;
		}
		if (errno || end == arg || *end || !(o->min_width > 0) || o->min_width >= 1) {
			hd_cli_error("invalid --minwidth '%s' (a fraction like 0.001, or 0.1%%)", arg);
			return false;
		}
		return true;
	case OPT_MAX_FRAMES:
	case OPT_WIDTH: {
		unsigned long v = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || v == 0 || v > 1000000 ||
		    (val == OPT_WIDTH && v < 200)) {
			hd_cli_error("invalid --%s '%s'", val == OPT_WIDTH ? "width" : "max-frames",
				     arg);
			return false;
		}
		if (val == OPT_WIDTH)
			o->width_px = (uint32_t)v;
		else
			o->max_frames = (uint32_t)v;
		return true;
	}
	case OPT_TITLE:
		o->title = arg;
		return true;
	}
	return false;
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
		"flame graph options:\n"
		"  --minwidth F           leave out frames narrower than F of the total, a\n"
		"                         fraction or a percentage (default 0.0005 = 0.05%%)\n"
		"  --max-frames N         draw at most N frames, the widest (default 10000)\n"
		"  --title TEXT           title (default \"Flame Graph\")\n"
		"  --width PX             image width in pixels (default 1200)\n"
		"\n");
	hd_cli_report_help(f);
	fprintf(f,
		"(-nodecount, -nodefraction, -edgefraction, -unit, -cum and --format do not\n"
		"apply to flame graphs.)\n"
		"\n"
		"exit status: 0 written; 1 an input could not be read or the output\n"
		"written; 2 bad command line.\n");
}

static void free_bytes(char *text)
{
	hd_bytes_free(text);
}

static int render_flame(struct hd_view *v, struct hd_cli_report *r, void *ctx,
			struct hd_cli_output *out)
{
	(void)r;
	const struct hd_flame_options *fo = ctx;
	struct hd_error err = {0};
	out->free_text = free_bytes;
	if (hd_render_flame_svg_view(v, fo, &out->text, &out->len, &err) != HD_OK) {
		hd_cli_error("cannot draw the flame graph: %s", err.msg);
		return HD_EXIT_ERROR;
	}
	return HD_EXIT_OK;
}

static bool prepare_flame(struct hd_cli_report *r)
{
	return hd_cli_report_no_divide_by(r, "flame");
}

int cmd_flame(int argc, char **argv)
{
	struct hd_flame_options fo;
	hd_flame_options_default(&fo);
	const struct hd_cli_extra extra = {flame_options, flame_option, &fo};
	return hd_cli_report_run(argc, argv, &extra, false, usage, prepare_flame, render_flame,
				 &fo);
}
