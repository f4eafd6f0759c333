/*
 * tagfilter.h - pprof's -tagfocus/-tagignore (driver_focus.go
 * compileTagFilter, parseTagFilterRange; profile/filter.go
 * FilterSamplesByTag) for hd_view_new().  Private to libheapdoc.
 */
#ifndef HD_ANALYZE_TAGFILTER_H
#define HD_ANALYZE_TAGFILTER_H

#include "agg/view.h"

/* A numeric range "64kb", "1mb:2mb", ":4kb", "100:" parsed like pprof. */
struct hd_tag_range {
	enum { HD_RANGE_EQ, HD_RANGE_GE, HD_RANGE_LE, HD_RANGE_BETWEEN } kind;
	double lo, hi;     /* scaled to `unit` */
	char unit[32];     /* canonical unit of the first bound ("kB"), or as written */
};

/*
 * parseTagFilterRange: true and *range_ret when `filter` is one of the
 * range forms, false when pprof would treat it as a regular expression
 * instead.  A number that does not fit int64 gives HD_ERR_USAGE through
 * *status_ret (pprof panics there); *status_ret is HD_OK otherwise.
 */
bool hd_tag_range_parse(const char *filter, struct hd_tag_range *range_ret,
			enum hd_status *status_ret);

/* Whether value `v` of unit `unit` lies in the range (pprof's closures). */
bool hd_tag_range_match(const struct hd_tag_range *range, int64_t v, struct hd_str unit);

/*
 * Drops the view's samples that -tagfocus does not match or -tagignore
 * matches; sets HD_FILTER_TAGFOCUS/TAGIGNORE in view->unmatched when a
 * filter matched nothing.  Returns HD_OK, HD_ERR_REGEX, HD_ERR_USAGE or
 * HD_ERR_NOMEM.
 */
enum hd_status hd_filter_by_tag(struct hd_view *view, struct hd_error *err);

/*
 * -tagshow/-taghide (FilterTagsByName): replaces view->profile by a
 * profile derived in the view's arena whose kept samples carry only the
 * labels whose key -tagshow matches (every key when unset) and -taghide
 * does not; sets HD_FILTER_TAGSHOW/TAGHIDE in view->unmatched when an
 * expression matched no label key of a kept sample.  Returns HD_OK,
 * HD_ERR_REGEX or HD_ERR_NOMEM.
 */
enum hd_status hd_filter_tags_by_name(struct hd_view *view, struct hd_error *err);

#endif /* HD_ANALYZE_TAGFILTER_H */
