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

int cmd_traces(int argc, char **argv)
{
	struct hd_cli_report r;
	int rc = hd_cli_report_parse(argc, argv, NULL, false, &r, usage);
	if (rc >= 0) {
		hd_cli_report_release(&r);
		return rc;
	}
	rc = HD_EXIT_ERROR;
	r.ropt.raw_paths = true; /* as pprof's printTraces: no trimPath */
	struct hd_profile *p = hd_cli_report_load(&r);
	struct hd_view *v = p ? hd_cli_report_view(&r, p, &rc) : NULL;
	if (v) {
		struct hd_error err = {0};
		char *text = NULL;
		size_t len = 0;
		rc = HD_EXIT_ERROR;
		if ((r.format == HD_CLI_FORMAT_JSON ? hd_render_traces_json(v, &text, &len, &err)
						    : hd_render_traces_text(v, &text, &len, &err)) != HD_OK)
			hd_cli_error("traces: %s", err.msg);
		else if (hd_cli_report_write(&r, text, len))
			rc = HD_EXIT_OK;
		hd_report_text_free(text);
		hd_view_free(v);
	}
	hd_profile_free(p);
	hd_cli_report_release(&r);
	return rc == HD_EXIT_OK ? hd_cli_finish(rc) : rc;
}
