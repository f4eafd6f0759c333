/*
 * cmd_peek.c - `heapdoc peek REGEX PROFILE...`: the callers and callees of
 * every function (line, file...) whose name matches REGEX, with the weight
 * of each call edge, as `go tool pprof -peek REGEX` prints them (or JSON).
 * Options: report_opts.c; work: hd_view_peek() and hd_render_peek_*().
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report_opts.h"

static void usage(FILE *f)
{
	hd_cli_report_usage(f,
		"usage: heapdoc peek [OPTIONS] REGEX PROFILE...\n"
		"\n"
		"For each row whose name matches REGEX (a regular expression, unanchored),\n"
		"prints who calls it and what it calls, with the memory flowing along each\n"
		"call, as `go tool pprof -peek REGEX` does.  No rows are trimmed.\n"
		"\n",
		"\n"
		"exit status: 0 success; 1 an input could not be read or decoded, the output\n"
		"written, or nothing matched REGEX; 2 bad command line.\n");
}

static int render_peek(struct hd_view *v, struct hd_cli_report *r, void *ctx,
		       struct hd_cli_output *out)
{
	(void)ctx;
	const char *regex = r->args[0];
	struct hd_peek *pk = NULL;
	struct hd_error err = {0};
	int rc = HD_EXIT_OK;
	out->free_text = hd_report_text_free;
	enum hd_status st = hd_view_peek(v, &r->ropt, regex, &pk, &err);
	int done = hd_cli_regex_status("peek", st, &err, st == HD_OK && pk->n_entries > 0, regex);
	if (done >= 0) {
		rc = done;
	} else if ((r->format == HD_CLI_FORMAT_JSON
			    ? hd_render_peek_json(v, pk, &out->text, &out->len, &err)
			    : hd_render_peek_text(v, pk, &out->text, &out->len, &err)) != HD_OK) {
		hd_cli_error("peek: %s", err.msg);
		rc = HD_EXIT_ERROR;
	}
	hd_peek_free(pk);
	return rc;
}

int cmd_peek(int argc, char **argv)
{
	return hd_cli_report_run(argc, argv, NULL, true, usage, NULL, render_peek, NULL);
}
