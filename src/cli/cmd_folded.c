/*
 * cmd_folded.c - `heapdoc folded PROFILE...`: folded stacks
 * (`root;caller;leaf VALUE`) for flamegraph.pl, inferno and speedscope;
 * with -base/-diff_base the two-column `stack BEFORE AFTER` form that
 * flamegraph.pl draws as a differential graph.  Options are shared with
 * `heapdoc flame` (cmd_flame.c); the rendering is hd_render_folded().
 */
#include <stdio.h>

#include "cli.h"
#include "cmd_merge.h"
#include "commands.h"

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
		"options:\n"
		"  -o, --output FILE      output file (default stdout); written atomically\n"
		"  -sample_index NAME|N   sample type (default: pprof's, inuse_space for heap)\n"
		"  -inuse_space -inuse_objects -alloc_space -alloc_objects\n"
		"  -lines                 one frame per function and line (default: function)\n"
		"  -noinlines             fold inlined frames into their caller\n"
		"  -base FILE             subtract FILE (repeatable)\n"
		"  -diff_base FILE        subtract FILE, labelled as base (repeatable)\n"
		"  -normalize             scale the sources to the bases' totals first\n"
		"  --max-input SIZE --max-decompressed SIZE   input limits (default 1GiB)\n"
		"\n"
		"exit status: 0 written; 1 an input could not be read or the output\n"
		"written; 2 bad command line.\n");
}

int cmd_folded(int argc, char **argv)
{
	struct hd_cli_stack_opts o;
	int rc = hd_cli_parse_stack_opts(argc, argv, false, &o, usage);
	if (rc >= 0) {
		hd_cli_stack_opts_release(&o);
		return rc;
	}
	rc = HD_EXIT_ERROR;
	struct hd_profile *p = hd_cli_stack_load(&o);
	if (p) {
		char *text;
		size_t len;
		struct hd_error err = {0};
		if (hd_render_folded(p, &o.flame, &text, &len, &err) != HD_OK) {
			hd_cli_error("cannot fold the stacks: %s", err.msg);
		} else {
			if (hd_cli_write_output(o.output ? o.output : "-", text, len))
				rc = HD_EXIT_OK;
			hd_bytes_free(text);
		}
		hd_profile_free(p);
	}
	hd_cli_stack_opts_release(&o);
	return rc == HD_EXIT_OK ? hd_cli_finish(rc) : rc;
}
