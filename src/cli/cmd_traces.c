/*
 * cmd_traces.c - `heapdoc traces PROFILE...`: every sample with its value,
 * labels and full stack, as `go tool pprof -traces` prints them (or JSON).
 * The filters (-focus, -tagfocus, ...) and granularity apply; trimming
 * does not.  Options: report_opts.c; work: hd_view_new() and
 * hd_render_traces_text/json().
 */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "report_opts.h"

static void usage(FILE *f)
{
	hd_cli_report_usage(f,
		"usage: heapdoc traces [OPTIONS] PROFILE...\n"
		"\n"
		"Prints every sample - its value, its labels (bytes: the object size) and its\n"
		"stack, leaf first, inlined frames marked (inline) - as `go tool pprof\n"
		"-traces` does.  -nodefraction and -nodecount do not apply.\n"
		"\n",
		NULL);
}

/* As pprof's printTraces: no trimPath on traces. */
static bool prepare_traces(struct hd_cli_report *r)
{
	r->ropt.raw_paths = true;
	return true;
}

static int render_traces(struct hd_view *v, struct hd_cli_report *r, void *ctx,
			 struct hd_cli_output *out)
{
	(void)ctx;
	return hd_cli_render_view(v, r, "traces", hd_render_traces_text, hd_render_traces_json, out);
}

int cmd_traces(int argc, char **argv)
{
	return hd_cli_report_run(argc, argv, NULL, false, usage, prepare_traces, render_traces,
				 NULL);
}
