/*
 * cmd_tags.c - `heapdoc tags PROFILE...`: each label key with the share of
 * the profile its values carry, as `go tool pprof -tags` prints it (or
 * JSON).  For a Go heap profile that is the size histogram of the sampled
 * objects (the "bytes" label).  The filters (-focus, -tagfocus, ...) apply;
 * granularity and trimming do not matter.  Options: report_opts.c; work:
 * hd_view_new() and hd_render_tags_text/json().
 */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "report_opts.h"

static void usage(FILE *f)
{
	hd_cli_report_usage(f,
		"usage: heapdoc tags [OPTIONS] PROFILE...\n"
		"\n"
		"For each label key of the samples, its total and each value's share of the\n"
		"profile, as `go tool pprof -tags` prints them.  In a Go heap profile the\n"
		"\"bytes\" label is the object size, so this is the size histogram of the\n"
		"sampled objects: -tags -focus=F shows which sizes F allocates.\n"
		"Numeric values are scaled to -unit; values that print the same are one\n"
		"entry (JSON keeps the exact numbers).  -nodecount, -nodefraction and the\n"
		"granularity do not apply.\n"
		"\n",
		NULL);
}

static int render_tags(struct hd_view *v, struct hd_cli_report *r, void *ctx,
		       struct hd_cli_output *out)
{
	(void)ctx;
	return hd_cli_render_view(v, r, "tags", hd_render_tags_text, hd_render_tags_json, out);
}

int cmd_tags(int argc, char **argv)
{
	return hd_cli_report_run(argc, argv, NULL, false, usage, NULL, render_tags, NULL);
}
