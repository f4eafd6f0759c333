/*
 * diagnose_int.h - what diagnose.c (sites, owners, verdicts) and advice.c
 * (estimates, evidence and advice sentences) share.  Private to the analyze
 * layer; the public model is struct hd_diagnosis in heapdoc.h.  See
 * docs/internals/diagnose.md.
 */
#ifndef HD_DIAGNOSE_INT_H
#define HD_DIAGNOSE_INT_H

#include "common.h"
#include "analyze/classify.h"

/* Everything advice.c needs to write one finding's words. */
struct hd_diag_site_facts {
	const struct hd_cls_result *cls;
	const struct hd_cls_size *sizes; /* as classified, by size descending */
	size_t n_sizes;
	int64_t period;
	size_t n_observations; /* distinct GC publications in the series */
	bool has_std_leaf;     /* standard-library frames between site and owner */
	const char *std_leaf;  /* the innermost of them */
};

/* Appends a formatted, arena-owned string to a growable list. */
struct hd_strlist {
	const char **items;
	size_t n, cap;
	bool failed;
};

void hd_strlist_add(struct hd_strlist *l, struct hd_arena *arena, const char *fmt, ...)
	HD_PRINTF(3, 4);
void hd_strlist_release(struct hd_strlist *l);


/*
 * Fills f->estimate, f->evidence and f->advice (and the size roles) from the
 * classification and the finding's numbers.  Strings go into `arena`.
 */
void hd_diag_explain(struct hd_finding *f, const struct hd_diag_site_facts *facts,
		     struct hd_arena *arena, struct hd_strlist *evidence,
		     struct hd_strlist *advice);

#endif /* HD_DIAGNOSE_INT_H */
