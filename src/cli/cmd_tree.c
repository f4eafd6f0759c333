/*
 * cmd_tree.c - `heapdoc tree PROFILE...`: every row of the trimmed graph
 * with its callers and callees and the weight of each call edge, as `go
 * tool pprof -tree` prints it (or JSON): peek of every node, but trimmed
 * as pprof trims this report (-nodecount 80 by default, -nodefraction,
 * -edgefraction).  Options: report_opts.c; work: hd_view_tree() and
 * hd_render_peek_*().
 */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "report_opts.h"

static void usage(FILE *f)
{
	hd_cli_report_usage(f,
		"usage: heapdoc tree [OPTIONS] PROFILE...\n"
		"\n"
		"The call graph as text, as `go tool pprof -tree` prints it: for each row\n"
		"of the graph, who calls it and what it calls, with the memory flowing\n"
		"along each call.  Trimmed as pprof trims this report: -nodecount defaults\n"
		"to 80, rows below -nodefraction and call edges below -edgefraction are\n"
		"left out (a call edge across dropped rows is kept); -trim=false keeps all.\n"
		"\n",
		NULL);
}

static int render_tree(struct hd_view *v, struct hd_cli_report *r, void *ctx,
		       struct hd_cli_output *out)
{
	(void)ctx;
	struct hd_peek *pk = NULL;
	struct hd_error err = {0};
	int rc = HD_EXIT_OK;
	out->free_text = hd_report_text_free;
	if (hd_view_tree(v, &r->ropt, &pk, &err) != HD_OK ||
	    (r->format == HD_CLI_FORMAT_JSON
		     ? hd_render_peek_json(v, pk, &out->text, &out->len, &err)
		     : hd_render_peek_text(v, pk, &out->text, &out->len, &err)) != HD_OK) {
		hd_cli_error("tree: %s", err.msg);
		rc = HD_EXIT_ERROR;
	}
	hd_peek_free(pk);
	return rc;
}

int cmd_tree(int argc, char **argv)
{
	return hd_cli_report_run(argc, argv, NULL, false, usage, NULL, render_tree, NULL);
}
