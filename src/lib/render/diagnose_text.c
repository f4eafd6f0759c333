/*
 * diagnose_text.c - the incident view of a diagnosis: a header (snapshots,
 * publications, map implementation), then the top findings in a few lines
 * each - verdict, kind, what it holds, where, the owner, the source line
 * when known, the estimate, evidence and advice.  Every profile string is
 * terminal-escaped.  The JSON form (diagnose_json.c) carries the same facts.
 */
#include <math.h>
#include <stdio.h>

#include "common.h"
#include "render/diagnose_render.h"
#include "render/escape.h"

static void term(struct hd_buf *b, const char *s)
{
	if (s)
		hd_buf_put_terminal(b, s, strlen(s));
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void upper(char *dst, const char *src, size_t cap)
{
	size_t i = 0;
	for (; src[i] && i + 1 < cap; i++)
		dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
	dst[i] = '\0';
}

void hd_render_diagnosis_text(struct hd_buf *b, const struct hd_diagnosis *d,
			      const struct hd_diagnosis_render_options *o)
{
	char b1[32], b2[32];
	hd_buf_printf(b, "heapdoc diagnose: %zu profile%s", d->n_profiles, d->n_profiles == 1 ? "" : "s");
	if (d->n_profiles > 1)
		hd_buf_printf(b, " (%zu GC publication%s)", d->n_observations,
			      d->n_observations == 1 ? "" : "s");
	hd_buf_printf(b, ", in use %s, allocated %s\n",
		      hd_fmt_bytes(b1, sizeof(b1), (double)d->total_inuse_bytes),
		      hd_fmt_bytes(b2, sizeof(b2), (double)d->total_alloc_bytes));
	hd_buf_printf(b, "maps: %s", d->map_impl == HD_MAP_IMPL_NONE ? "implementation undecided" :
				     d->map_impl == HD_MAP_IMPL_SWISS ? "Swiss tables" : "classic buckets");
	if (d->map_impl_evidence) {
		hd_buf_append(b, " - ", 3);
		term(b, d->map_impl_evidence);
	}
	hd_buf_putc(b, '\n');
	for (size_t i = 0; i < d->n_notes; i++) {
		hd_buf_append(b, "note: ", 6);
		term(b, d->notes[i]);
		hd_buf_putc(b, '\n');
	}
	size_t n = d->n_findings;
	if (o->max_findings && n > o->max_findings)
		n = o->max_findings;
	for (size_t i = 0; i < n; i++) {
		const struct hd_finding *f = &d->findings[i];
		char verdict[16], kind[40];
		upper(verdict, hd_verdict_str(f->verdict), sizeof(verdict));
		if (f->map_impl != HD_MAP_IMPL_NONE)
			snprintf(kind, sizeof(kind), "%s (%s)", hd_kind_str(f->kind),
				 hd_map_impl_str(f->map_impl));
		else
			snprintf(kind, sizeof(kind), "%s", hd_kind_str(f->kind));
		double share = d->total_inuse_bytes > 0 ?
				       100.0 * (double)f->inuse_bytes / (double)d->total_inuse_bytes : 0;
		char pat[40] = "";
		if (f->pattern && *f->pattern && d->n_observations < 2)
			snprintf(pat, sizeof(pat), " (%s)", f->pattern);
		hd_buf_printf(b, "\n#%zu %s%s %s: in use %s (%.1f%%), allocated %s, confidence %.2f\n",
			      i + 1, verdict, pat, kind,
			      hd_fmt_bytes(b1, sizeof(b1), (double)f->inuse_bytes), share,
			      hd_fmt_bytes(b2, sizeof(b2), (double)f->alloc_bytes), f->confidence);
		hd_buf_append(b, "   at    ", 9);
		term(b, f->site.function);
		hd_buf_append(b, " (", 2);
		term(b, base_name(f->site.file));
		hd_buf_printf(b, ":%lld)\n", (long long)f->site.line);
		if (f->owner.function && f->site.function &&
		    strcmp(f->owner.function, f->site.function) != 0) {
			hd_buf_append(b, "   owner ", 9);
			term(b, f->owner.function);
			hd_buf_append(b, " (", 2);
			term(b, base_name(f->owner.file));
			hd_buf_printf(b, ":%lld)\n", (long long)f->owner.line);
		}
		if (f->source_line) {
			hd_buf_append(b, "   | ", 5);
			const char *s = f->source_line;
			while (*s == ' ' || *s == '\t')
				s++;
			term(b, s);
			hd_buf_putc(b, '\n');
		}
		if (f->estimate.summary) {
			hd_buf_append(b, "   = ", 5);
			term(b, f->estimate.summary);
			hd_buf_putc(b, '\n');
		}
		for (size_t k = 0; k < f->n_evidence; k++) {
			hd_buf_append(b, "   - ", 5);
			term(b, f->evidence[k]);
			hd_buf_putc(b, '\n');
		}
		for (size_t k = 0; k < f->n_advice; k++) {
			hd_buf_append(b, "   > ", 5);
			term(b, f->advice[k]);
			hd_buf_putc(b, '\n');
		}
	}
	size_t all = d->n_sites > d->n_findings ? d->n_sites : d->n_findings;
	if (n < all)
		hd_buf_printf(b, "\n(%zu more sites; --top=0 shows all)\n", all - n);
	size_t no = d->n_owners < 5 ? d->n_owners : 5;
	if (no)
		hd_buf_printf(b, "\nowners (their sites summed):\n");
	for (size_t i = 0; i < no; i++) {
		const struct hd_owner_summary *w = &d->owners[i];
		char verdict[16];
		upper(verdict, hd_verdict_str(w->verdict), sizeof(verdict));
		hd_buf_printf(b, "  %-9s in use %9s, allocated %9s, %zu site%s  ", verdict,
			      hd_fmt_bytes(b1, sizeof(b1), (double)w->inuse_bytes),
			      hd_fmt_bytes(b2, sizeof(b2), (double)w->alloc_bytes), w->n_sites,
			      w->n_sites == 1 ? " " : "s");
		term(b, w->function);
		hd_buf_putc(b, '\n');
	}
}
