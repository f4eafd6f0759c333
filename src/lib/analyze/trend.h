/*
 * trend.h - private helpers shared by the trend renderers
 * (src/lib/render/trend_text.c, trend_json.c).  The public trend API - series
 * analysis, per-site report, MemStats - is in include/heapdoc/heapdoc.h;
 * docs/internals/trend.md explains the module.
 */
#ifndef HD_ANALYZE_TREND_H
#define HD_ANALYZE_TREND_H

#include "common.h"

/* "6.3 MiB", "512 B", "-1.5 GiB": binary units, one decimal above KiB. */
void hd_trend_fmt_bytes(char *out, size_t cap, double bytes);

/* unix ns -> "2026-03-01 10:15:02.250 UTC"; "unknown time" for 0. */
void hd_trend_fmt_time(char *out, size_t cap, int64_t nanos);

/* minutes -> "42s", "17.2 min", "3.5 h", "2.1 days". */
void hd_trend_fmt_minutes(char *out, size_t cap, double minutes);

/*
 * Untrusted names (from the profile) into b: terminal-safe (control bytes,
 * DEL and invalid UTF-8 as \xNN), or as a quoted JSON string (invalid
 * UTF-8 bytes as \ufffd).  Written here, not with render/escape.h, so the
 * trend renderers stand alone; the rules are the same.
 */
void hd_trend_put_terminal(struct hd_buf *b, const char *s);
void hd_trend_put_json(struct hd_buf *b, const char *s);

/* The two renderers behind hd_trend_render(), appending to b. */
enum hd_status hd_trend_render_text_buf(const struct hd_trend_report *r,
					const struct hd_trend_render_options *o, struct hd_buf *b);
enum hd_status hd_trend_render_json_buf(const struct hd_trend_report *r,
					const struct hd_trend_render_options *o, struct hd_buf *b);

#endif /* HD_ANALYZE_TREND_H */
