/*
 * cmd_top.c - `heapdoc top PROFILE...`: pprof's -top report (the heaviest
 * functions, lines or files by flat or cum), byte for byte as `go tool
 * pprof -top` prints it, or as JSON with exact integers (--format=json).
 * Options are pprof's (report_opts.c); the work is hd_view_new(),
 * hd_view_top() and hd_render_top_text/json() in libheapdoc.
 */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "report_opts.h"

static void usage(FILE *f)
{
	hd_cli_report_usage(f,
		"usage: heapdoc top [OPTIONS] PROFILE...\n"
		"\n"
		"Lists the functions (or lines, files...) holding the most memory, exactly\n"
		"as `go tool pprof -top` does: flat (allocated right there), cum (there and\n"
		"in everything it calls), their share of the total, rows sorted by flat.\n"
		"Rows whose cum is below -nodefraction of the total are dropped and counted.\n"
		"\n",
		NULL);
}

static int render_top(struct hd_view *v, struct hd_cli_report *r, void *ctx,
		      struct hd_cli_output *out)
{
	(void)ctx;
	struct hd_top *top = NULL;
	struct hd_error err = {0};
	int rc = HD_EXIT_OK;
	out->free_text = hd_report_text_free;
	if (hd_view_top(v, &r->ropt, &top, &err) != HD_OK ||
	    (r->format == HD_CLI_FORMAT_JSON
		     ? hd_render_top_json(v, top, &out->text, &out->len, &err)
		     : hd_render_top_text(v, top, &out->text, &out->len, &err)) != HD_OK) {
		hd_cli_error("top: %s", err.msg);
		rc = HD_EXIT_ERROR;
	}
	hd_top_free(top);
	return rc;
}

int cmd_top(int argc, char **argv)
{
	return hd_cli_report_run(argc, argv, NULL, false, usage, NULL, render_top, NULL);
}
