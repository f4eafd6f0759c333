/*
 * report.h - helpers shared by the report renderers (text.c, json.c):
 * value formatting in a report's unit, pprof's legend lines, and handing
 * a finished buffer to the caller.  Private to libheapdoc.
 */
#ifndef HD_RENDER_REPORT_H
#define HD_RENDER_REPORT_H

#include "agg/units.h"
#include "agg/view.h"

/* The chosen sample type's unit ("bytes"). */
struct hd_str hd_report_sample_unit(const struct hd_view *view);

/* report.go formatValue: ScaledLabel(value, sample unit, unit) into buf
 * (HD_UNIT_LABEL_MAX bytes). */
char *hd_report_value(char *buf, const struct hd_view *view, int64_t value, const char *unit);

/* report.go ProfileLabels: File, Build ID, comments, Type, Doc, Time,
 * Duration lines, each ending in a newline. */
void hd_report_profile_labels(struct hd_buf *b, const struct hd_view *view, const char *unit);

/* report.go reportLabels (not compact, not full headers): ProfileLabels,
 * Active filters, Showing nodes..., Dropped N nodes..., Showing top N...
 * With n_nodes and orig_count 0 the "Showing top" line is left out. */
void hd_report_labels(struct hd_buf *b, const struct hd_view *view, const char *unit,
		      int64_t shown, uint32_t n_nodes, uint32_t orig_count, uint32_t dropped,
		      int64_t dropped_cutoff);

/* Detaches b into *out_ret and *len_ret, or fails with HD_ERR_NOMEM when b
 * failed (b is released either way). */
enum hd_status hd_report_finish(struct hd_buf *b, char **out_ret, size_t *len_ret,
				struct hd_error *err);

#endif /* HD_RENDER_REPORT_H */
