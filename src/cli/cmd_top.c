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
	fprintf(f,
		"usage: heapdoc top [OPTIONS] PROFILE...\n"
		"\n"
		"Lists the functions (or lines, files...) holding the most memory, exactly\n"
		"as `go tool pprof -top` does: flat (allocated right there), cum (there and\n"
		"in everything it calls), their share of the total, rows sorted by flat.\n"
		"Rows whose cum is below -nodefraction of the total are dropped and counted.\n"
		"\n");
	hd_cli_report_help(f);
	fprintf(f,
		"\n"
		"exit status: 0 success; 1 an input could not be read or decoded, or the\n"
		"output written; 2 bad command line (options, regexps, sample index).\n");
}

int cmd_top(int argc, char **argv)
{
	struct hd_cli_report r;
	int rc = hd_cli_report_parse(argc, argv, NULL, false, &r, usage);
	if (rc >= 0) {
		hd_cli_report_release(&r);
		return rc;
	}
	rc = HD_EXIT_ERROR;
	struct hd_profile *p = hd_cli_report_load(&r);
	struct hd_view *v = p ? hd_cli_report_view(&r, p, &rc) : NULL;
	if (v) {
		struct hd_top *top = NULL;
		struct hd_error err = {0};
		char *text = NULL;
		size_t len = 0;
		rc = HD_EXIT_ERROR;
		if (hd_view_top(v, &r.ropt, &top, &err) != HD_OK ||
		    (r.format == HD_CLI_FORMAT_JSON ? hd_render_top_json(v, top, &text, &len, &err)
						     : hd_render_top_text(v, top, &text, &len, &err)) != HD_OK)
			hd_cli_error("top: %s", err.msg);
		else if (hd_cli_report_write(&r, text, len))
			rc = HD_EXIT_OK;
		hd_report_text_free(text);
		hd_top_free(top);
		hd_view_free(v);
	}
	hd_profile_free(p);
	hd_cli_report_release(&r);
	return rc == HD_EXIT_OK ? hd_cli_finish(rc) : rc;
}
