/*
 * cmd_folded.c - `heapdoc folded PROFILE...`: folded stacks
 * (`root;caller;leaf VALUE`) for flamegraph.pl, inferno and speedscope;
 * with -base/-diff_base the two-column `stack BEFORE AFTER` form that
 * flamegraph.pl draws as a differential graph.  Every pprof report option
 * applies (report_opts.c); the rendering is hd_render_folded_view().
 */
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "report_opts.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: heapdoc folded [OPTIONS] PROFILE... [-o FILE]\n"
		"\n"
		"Prints the profile as folded stacks, one line per distinct stack:\n"
		"  main.main;main.load;bytes.(*Buffer).grow 1048576\n"
		"root first, frames separated by ';', the value of the chosen sample type\n"
		"last; lines sorted.  Feed it to flamegraph.pl, inferno-flamegraph or\n"
		"speedscope.  Several profiles are summed.  With -base/-diff_base each\n"
		"line is 'stack BEFORE AFTER' (difffolded.pl's format; flamegraph.pl draws\n"
		"it as a differential flame graph).  Bytes that are control characters,\n"
		"invalid UTF-8 or ';' in names are written as \\xNN.\n"
		"\n"
		"\n");
	hd_cli_report_help(f);
	fprintf(f,
		"(-nodecount, -nodefraction, -edgefraction, -unit, -cum and --format do not\n"
		"apply to folded stacks.)\n"
		"\n"
		"exit status: 0 written; 1 an input could not be read or the output\n"
		"written; 2 bad command line.\n");
}

static void free_bytes(char *text)
{
	hd_bytes_free(text);
}

static int render_folded(struct hd_view *v, struct hd_cli_report *r, void *ctx,
			 struct hd_cli_output *out)
{
	(void)r;
	(void)ctx;
	struct hd_error err = {0};
	out->free_text = free_bytes;
	if (hd_render_folded_view(v, NULL, &out->text, &out->len, &err) != HD_OK) {
		hd_cli_error("cannot fold the stacks: %s", err.msg);
		return HD_EXIT_ERROR;
	}
	return HD_EXIT_OK;
}

static bool prepare_folded(struct hd_cli_report *r)
{
	return hd_cli_report_no_divide_by(r, "folded");
}

int cmd_folded(int argc, char **argv)
{
	return hd_cli_report_run(argc, argv, NULL, false, usage, prepare_folded, render_folded,
				 NULL);
}
