/*
 * diagnose_md.c - a diagnosis as a Markdown report (for a ticket or a pull
 * request): a summary table of the findings, then one section per finding
 * with evidence and advice.  Profile strings are escaped for Markdown
 * (backticks, pipes, angle brackets) after terminal-safe escaping of
 * control bytes.  Same facts as the JSON form.
 */
#include <stdio.h>

#include "common.h"
#include "render/diagnose_render.h"
#include "render/escape.h"

/* Control bytes escaped, then Markdown/HTML metacharacters neutralised. */
static void md(struct hd_buf *b, const char *s)
{
	if (!s)
		return;
	struct hd_buf t = HD_BUF_INIT;
	hd_buf_put_terminal(&t, s, strlen(s));
	for (size_t i = 0; i < t.len; i++) {
		char c = t.data[i];
		if (c == '|' || c == '`' || c == '*' || c == '_' || c == '[' || c == ']' ||
		    c == '#' || c == '\\')
			hd_buf_putc(b, '\\');
		if (c == '<')
			hd_buf_append(b, "&lt;", 4);
		else if (c == '>')
			hd_buf_append(b, "&gt;", 4);
		else if (c == '&')
			hd_buf_append(b, "&amp;", 5);
		else
			hd_buf_putc(b, c);
	}
	if (t.failed)
		b->failed = true;
	hd_buf_release(&t);
}

void hd_render_diagnosis_markdown(struct hd_buf *b, const struct hd_diagnosis *d,
				  const struct hd_diagnosis_render_options *o)
{
	char b1[32], b2[32];
	hd_buf_printf(b, "# heapdoc diagnosis\n\n%zu profile%s, %zu GC publication%s; in use %s, "
		      "allocated %s.\n\n",
		      d->n_profiles, d->n_profiles == 1 ? "" : "s", d->n_observations,
		      d->n_observations == 1 ? "" : "s",
		      hd_fmt_bytes(b1, sizeof(b1), (double)d->total_inuse_bytes),
		      hd_fmt_bytes(b2, sizeof(b2), (double)d->total_alloc_bytes));
	hd_buf_printf(b, "**Maps:** %s", d->map_impl == HD_MAP_IMPL_NONE ? "undecided" :
				     d->map_impl == HD_MAP_IMPL_SWISS ? "Swiss tables" : "classic buckets");
	if (d->map_impl_evidence) {
		hd_buf_append(b, " - ", 3);
		md(b, d->map_impl_evidence);
	}
	hd_buf_append(b, "\n\n", 2);
	for (size_t i = 0; i < d->n_notes; i++) {
		hd_buf_append(b, "> ", 2);
		md(b, d->notes[i]);
		hd_buf_append(b, "\n\n", 2);
	}
	size_t n = d->n_findings;
	if (o->max_findings && n > o->max_findings)
		n = o->max_findings;
	hd_buf_printf(b, "%s", "| # | verdict | kind | in use | allocated | site | owner |\n"
			       "|---|---|---|---:|---:|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		const struct hd_finding *f = &d->findings[i];
		hd_buf_printf(b, "| %zu | %s | %s%s%s%s | %s | %s | ", i + 1, hd_verdict_str(f->verdict),
			      hd_kind_str(f->kind), f->map_impl ? " (" : "",
			      hd_map_impl_str(f->map_impl), f->map_impl ? ")" : "",
			      hd_fmt_bytes(b1, sizeof(b1), (double)f->inuse_bytes),
			      hd_fmt_bytes(b2, sizeof(b2), (double)f->alloc_bytes));
		md(b, f->site.function);
		hd_buf_append(b, " | ", 3);
		md(b, f->owner.function);
		hd_buf_append(b, " |\n", 3);
	}
	for (size_t i = 0; i < n; i++) {
		const struct hd_finding *f = &d->findings[i];
		hd_buf_printf(b, "\n## %zu. ", i + 1);
		md(b, f->site.function);
		hd_buf_printf(b, " - %s %s\n\n", hd_verdict_str(f->verdict), hd_kind_str(f->kind));
		hd_buf_append(b, "Site: ", 6);
		md(b, f->site.file);
		hd_buf_printf(b, ":%lld; owner: ", (long long)f->site.line);
		md(b, f->owner.function);
		hd_buf_printf(b, "; confidence %.2f.\n\n", f->confidence);
		if (f->source_line) {
			hd_buf_append(b, "Source: ", 8);
			md(b, f->source_line);
			hd_buf_append(b, "\n\n", 2);
		}
		if (f->estimate.summary) {
			hd_buf_append(b, "**Estimate:** ", 14);
			md(b, f->estimate.summary);
			hd_buf_append(b, "\n\n", 2);
		}
		if (f->n_evidence)
			hd_buf_append(b, "Evidence:\n\n", 11);
		for (size_t k = 0; k < f->n_evidence; k++) {
			hd_buf_append(b, "- ", 2);
			md(b, f->evidence[k]);
			hd_buf_putc(b, '\n');
		}
		if (f->n_advice)
			hd_buf_append(b, "\nAdvice:\n\n", 10);
		for (size_t k = 0; k < f->n_advice; k++) {
			hd_buf_append(b, "- ", 2);
			md(b, f->advice[k]);
			hd_buf_putc(b, '\n');
		}
	}
}
