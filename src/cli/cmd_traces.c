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
	fprintf(f,
		"usage: heapdoc traces [OPTIONS] PROFILE...\n"
		"\n"
		"Prints every sample - its value, its labels (bytes: the object size) and its\n"
		"stack, leaf first, inlined frames marked (inline) - as `go tool pprof\n"
		"-traces` does.  -nodefraction and -nodecount do not apply.\n"
		"\n");
	hd_cli_report_help(f);
	fprintf(f,
		"\n"
		"exit status: 0 success; 1 an input could not be read or decoded, or the\n"
		"output written; 2 bad command line.\n");
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
	struct hd_error err = {0};
	out->free_text = hd_report_text_free;
	if ((r->format == HD_CLI_FORMAT_JSON
		     ? hd_render_traces_json(v, &out->text, &out->len, &err)
		     : hd_render_traces_text(v, &out->text, &out->len, &err)) != HD_OK) {
		hd_cli_error("traces: %s", err.msg);
		return HD_EXIT_ERROR;
	}
	return HD_EXIT_OK;
}

int cmd_traces(int argc, char **argv)
{
	return hd_cli_report_run(argc, argv, NULL, false, usage, prepare_traces, render_traces,
				 NULL);
}
