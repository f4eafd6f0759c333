/*
 * heapdoc.h - the one public header of libheapdoc, and its manual.
 *
 * libheapdoc reads Go heap profiles (profile.proto, gzip-compressed or raw,
 * and the legacy `debug=1` text format), builds an immutable, arena-owned
 * model of each, aggregates it exactly the way `go tool pprof` does, and
 * analyses it (container kind, growth verdicts, trends).  The library never
 * prints, never exits, never reads argv and never touches the network: the
 * heapdoc program (src/cli) does those things on top of this header only.
 *
 * Conventions, for every function below unless it says otherwise:
 *  - functions return enum hd_status; HD_OK (0) is success;
 *  - results come back through pointers whose names end in `_ret`, which are
 *    written only on success;
 *  - `err` may be NULL; when it is not, a failed call fills it with the
 *    status code, a one-line lower-case message without trailing period, and
 *    (where it makes sense) the byte offset in the input;
 *  - free-like functions accept NULL;
 *  - objects are not thread-safe, but distinct objects may be used from
 *    distinct threads at the same time; an hd_profile is immutable after
 *    decoding and may be read from any number of threads.
 *
 * The pipeline and the module map are described in docs/DESIGN.md.
 */
#ifndef HEAPDOC_H
#define HEAPDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HD_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------------
 * Status codes and errors
 * ------------------------------------------------------------------------ */

enum hd_status {
	HD_OK = 0,
	HD_ERR_NOMEM,      /* an allocation failed */
	HD_ERR_LIMIT,      /* input exceeds a configured limit (struct hd_limits) */
	HD_ERR_GZIP,       /* corrupt or truncated gzip stream */
	HD_ERR_PROTOBUF,   /* malformed protobuf wire data */
	HD_ERR_PROFILE,    /* well-formed protobuf, invalid profile (ids, counts) */
	HD_ERR_LEGACY,     /* malformed legacy text profile */
	HD_ERR_FORMAT,     /* not a profile at all (empty, HTML page, ...) */
	HD_ERR_IO,         /* read or write failed */
	HD_ERR_USAGE,      /* invalid argument or option value */
	HD_ERR_REGEX,      /* a regular expression did not compile */
	HD_ERR_INCOMPATIBLE, /* profiles cannot be combined (sample types) */
	HD_ERR_HTTP,       /* reserved for network front ends */
	HD_ERR_INTERNAL    /* a bug in libheapdoc */
};

#define HD_ERROR_MSG_MAX 256

struct hd_error {
	enum hd_status code;
	char msg[HD_ERROR_MSG_MAX]; /* NUL-terminated, lower case, no period */
	uint64_t offset;            /* byte offset in the input, if has_offset */
	bool has_offset;
};

/* A short static description of a status code ("out of memory", ...). */
const char *hd_status_str(enum hd_status status);

/* ------------------------------------------------------------------------
 * Limits on untrusted input
 * ------------------------------------------------------------------------ */

/*
 * Every size that comes from input is capped.  Fill with hd_limits_default()
 * and change what you need.  A value of 0 means "use the default".
 */
struct hd_limits {
	uint64_t max_input_bytes;        /* compressed/raw input, default 1 GiB */
	uint64_t max_decompressed_bytes; /* inflated size, default 1 GiB */
	uint64_t max_samples;            /* default 100 million */
	uint64_t max_stack_depth;        /* frames per sample, default 1 million */
	uint64_t max_string_bytes;       /* one string, default 64 MiB */
	uint64_t max_line_bytes;         /* one legacy text line, default 64 MiB */
};

void hd_limits_default(struct hd_limits *limits);

/* ------------------------------------------------------------------------
 * Threads
 * ------------------------------------------------------------------------ */

/*
 * The library may split the passes over a large profile (decoding,
 * aggregation, flame graph building) and the decoding of several inputs
 * over worker threads.  hd_set_threads(n) caps the number of threads any
 * one call uses, the calling thread included: 1 never creates a thread,
 * 0 (the default) means one per online CPU.  Results are identical for
 * every setting.  Process-wide; set it before profiles are processed
 * (reading it is thread-safe, changing it while another thread works is
 * not).  Every other hd_ function may be called from several threads at
 * once on distinct objects; an object is used by one thread at a time.
 */
void hd_set_threads(unsigned n);

/* The number of threads a call may use now (>= 1): the cap set with
 * hd_set_threads(), or the number of online CPUs when that is 0. */
unsigned hd_threads(void);

/* ------------------------------------------------------------------------
 * The profile model (decode -> model)
 * ------------------------------------------------------------------------ */

/* A string slice.  Not NUL-terminated; owned by the profile it came from. */
struct hd_str {
	const char *ptr;
	size_t len;
};

/* "no index": used where a profile field refers to nothing (id 0). */
#define HD_NONE UINT32_MAX

struct hd_value_type {
	struct hd_str type; /* "inuse_space" */
	struct hd_str unit; /* "bytes" */
};

struct hd_mapping {
	uint64_t id;
	uint64_t memory_start;
	uint64_t memory_limit;
	uint64_t file_offset;
	struct hd_str filename;
	struct hd_str build_id;
	bool has_functions;
	bool has_filenames;
	bool has_line_numbers;
	bool has_inline_frames;
};

struct hd_function {
	uint64_t id;
	struct hd_str name;
	struct hd_str system_name;
	struct hd_str filename;
	int64_t start_line;
};

/* One frame of a location: a function and a line in it. */
struct hd_line {
	uint32_t function; /* index into hd_profile.functions, or HD_NONE */
	int64_t line;
	int64_t column;
};

/*
 * A location: a program counter expanded into frames.  Its lines are
 * profile->lines[first_line .. first_line + n_lines); lines[first_line] is
 * the innermost frame (an inlined callee), the last one is the outermost
 * caller - the order of profile.proto.
 */
struct hd_location {
	uint64_t id;
	uint64_t address;
	uint32_t mapping; /* index into hd_profile.mappings, or HD_NONE */
	uint32_t first_line;
	uint32_t n_lines;
	bool is_folded;
};

/* A sample label: string (is_num false) or numeric (is_num true). */
struct hd_label {
	struct hd_str key;
	struct hd_str str;      /* string labels */
	int64_t num;            /* numeric labels */
	struct hd_str num_unit; /* numeric labels; empty when the profile gave none */
	bool is_num;
};

/*
 * A sample.  Its stack is profile->sample_locs[first_loc .. first_loc +
 * n_locs), location indices, leaf first.  Its values are
 * profile->values[index * n_sample_types ...] where index is the sample's
 * position in profile->samples.  Its labels are profile->labels[first_label
 * .. first_label + n_labels).
 */
struct hd_sample {
	uint64_t first_loc;
	uint64_t first_label;
	uint32_t n_locs;
	uint32_t n_labels;
};

/* A "# Name = value" line of the runtime.MemStats section of a text profile. */
struct hd_memstat {
	struct hd_str name;  /* "HeapInuse" */
	struct hd_str value; /* "12345" or "[1 2 3]" for PauseNs */
};

enum hd_format {
	HD_FORMAT_PROTO = 0,     /* raw profile.proto */
	HD_FORMAT_PROTO_GZIP,    /* gzip-compressed profile.proto */
	HD_FORMAT_LEGACY_HEAP,   /* `heap profile: ... @ heap/N` text */
	HD_FORMAT_BUILT          /* made by libheapdoc (merge, diff, ...) */
};

struct hd_arena; /* opaque; see hd_profile_free() */

/*
 * A decoded profile.  Read-only for users: every array and string is owned by
 * the profile's arena and lives until hd_profile_free().  IDs of the file are
 * kept in the `id` fields; references between entities are dense indices.
 */
struct hd_profile {
	struct hd_value_type *sample_types;
	uint32_t n_sample_types;

	struct hd_sample *samples;
	uint64_t n_samples;
	int64_t *values; /* n_samples * n_sample_types */

	uint32_t *sample_locs; /* location indices, leaf first per sample */
	uint64_t n_sample_locs;

	struct hd_label *labels;
	uint64_t n_labels;

	struct hd_location *locations;
	uint32_t n_locations;
	struct hd_line *lines;
	uint32_t n_lines;
	struct hd_function *functions;
	uint32_t n_functions;
	struct hd_mapping *mappings;
	uint32_t n_mappings;

	struct hd_str drop_frames; /* regex source, empty if none */
	struct hd_str keep_frames;
	struct hd_str *comments;
	uint32_t n_comments;
	struct hd_str default_sample_type; /* empty if unset */
	struct hd_str doc_url;

	struct hd_value_type period_type;
	int64_t period;
	int64_t time_nanos;     /* 0 if unknown */
	int64_t duration_nanos;

	enum hd_format format;
	struct hd_memstat *memstats; /* legacy text only; else NULL */
	uint32_t n_memstats;

	struct hd_arena *arena;
};

/*
 * Decodes a profile from memory.  The format is detected from the content,
 * never from a name: gzip magic (1f 8b) -> inflate (one or more members,
 * at most limits->max_decompressed_bytes; a plausible ISIZE trailer above
 * it is refused before inflating); then profile.proto; if that fails and
 * the first line holds "heap profile:", the legacy heap text format
 * (debug=1, heapz_v2, heapprofile, growthz).  Validation is pprof's
 * (postDecode + CheckValid): value count = sample type count, no id 0, no
 * duplicate ids, every referenced location/function id and string index
 * exists, string_table[0] empty, one time_nanos (a second one means
 * concatenated profiles); labels with str, num and num_unit all 0 are
 * dropped; a location's mapping_id naming no mapping leaves it unmapped.
 * `data` is not retained: the profile copies what it keeps.  `limits` may
 * be NULL, and any 0 field means its default.
 * Returns HD_OK and *profile_ret (free with hd_profile_free()), or:
 *  HD_ERR_FORMAT   empty input, an HTML page, JSON, other text ("looks
 *                  like ...");
 *  HD_ERR_GZIP     corrupt or truncated gzip (offset of the bad member);
 *  HD_ERR_PROTOBUF malformed wire data (offset of the bad field);
 *  HD_ERR_PROFILE  well-formed protobuf breaking a pprof rule;
 *  HD_ERR_LEGACY   a malformed text line ("line N: ...");
 *  HD_ERR_LIMIT    a struct hd_limits cap exceeded;
 *  HD_ERR_NOMEM    out of memory (nothing leaks);
 *  HD_ERR_USAGE    profile_ret NULL, or data NULL with len > 0.
 * Thread safety: may be called from several threads at once.
 */
enum hd_status hd_profile_parse(const void *data, size_t len,
				const struct hd_limits *limits,
				struct hd_profile **profile_ret,
				struct hd_error *err);

/* Frees a profile and everything it owns. */
void hd_profile_free(struct hd_profile *profile);

/* Helpers on the model. */
const int64_t *hd_profile_sample_values(const struct hd_profile *p, uint64_t sample);
/*
 * Index of the sample type named `name` ("inuse_space"), or -1.  Like
 * pprof's SampleIndexByName, "inuse_X" also finds a type named "X" (the
 * two-type legacy profiles call them "objects" and "space").
 */
int hd_profile_sample_type_index(const struct hd_profile *p, const char *name);
/*
 * pprof's default sample type index: the type named by default_sample_type if
 * set and present, else the last sample type.
 */
int hd_profile_default_sample_index(const struct hd_profile *p);
/*
 * -sample_index as pprof resolves it: NULL or "" gives the default above;
 * a decimal integer (strconv.Atoi's syntax) an index; anything else a type
 * name as hd_profile_sample_type_index() finds it.  Returns HD_OK and
 * *index_ret, or HD_ERR_USAGE with pprof's message ("sample_index \"x\"
 * must be one of: [alloc_objects ...]", "... is outside the range [0..3]",
 * "profile has no samples"), or HD_ERR_NOMEM.
 */
enum hd_status hd_profile_resolve_sample_index(const struct hd_profile *p, const char *want,
					       uint32_t *index_ret, struct hd_error *err);
/* Value of numeric label `key` of a sample into *num_ret; false if absent. */
bool hd_sample_num_label(const struct hd_profile *p, uint64_t sample,
			 const char *key, int64_t *num_ret);

/* ====== HD-SECTION: aggregate / report (owned by agg) ====== */

/*
 * Reports the way `go tool pprof` computes them: -top, -traces, -peek, and
 * the filters every report shares.  The work happens in two steps:
 *
 *   1. hd_view_new() applies pprof's source-side processing to a profile -
 *      choose the sample type, compute the report total, prune
 *      drop_frames/keep_frames, apply -focus/-ignore/-hide/-show/-show_from/
 *      -tagfocus/-tagignore/-prune_from, then aggregate locations at the
 *      chosen granularity into nodes (one node per inline frame) - and keeps
 *      the surviving samples as stacks of node ids.  Folded stacks, flame
 *      graphs and diagnose reuse a view to get exactly pprof's filtering.
 *   2. hd_view_top() / hd_view_peek() build pprof's graph from a view (flat
 *      and cum per node, -nodefraction/-nodecount trimming, edges), and the
 *      hd_render_*() functions print it as pprof does, or as JSON.
 *
 * docs/internals/aggregate.md explains each rule and the pprof source it
 * follows.  Every function here is thread-safe on distinct objects; a view
 * is read-only after hd_view_new() and may be shared between threads.
 */

/* Node identity (pprof's -functions, -filefunctions, -files, -lines, -addresses). */
enum hd_granularity {
	HD_GRANULARITY_FUNCTIONS = 0, /* default */
	HD_GRANULARITY_FILEFUNCTIONS,
	HD_GRANULARITY_FILES,
	HD_GRANULARITY_LINES,
	HD_GRANULARITY_ADDRESSES
};

enum hd_sort_order {
	HD_SORT_FLAT = 0, /* flat, then name, then cum (pprof's default) */
	HD_SORT_CUM       /* cum, then name, then flat (-cum) */
};

/*
 * Options of a report, with pprof's names and defaults.  Fill with
 * hd_report_options_default() and change what you need.  Strings are
 * borrowed: they must stay valid until hd_view_new() returns (the view
 * copies what it keeps).  NULL or "" means "not set".
 */
struct hd_report_options {
	/* -sample_index: a type name ("inuse_space"; "inuse_" may be left off
	 * for profiles whose types are "space"/"objects"), or a decimal index.
	 * NULL = pprof's default: default_sample_type if present, else the
	 * last type. */
	const char *sample_index;
	bool mean;                  /* -mean: divide by value 0 (alloc_objects in Go heap profiles) */
	enum hd_granularity granularity;
	bool noinlines;             /* -noinlines: only the outermost frame of each location */
	int nodecount;              /* -nodecount: keep the N heaviest nodes; <= 0 = all (top's default) */
	double nodefraction;        /* -nodefraction: drop nodes with |cum| below this share; 0.005 */
	double edgefraction;        /* -edgefraction: drop edges below this share; 0.001 */
	bool trim;                  /* -trim=false: no node/edge trimming at all; default true */
	enum hd_sort_order sort;    /* -flat (default) / -cum */
	bool drop_negative;         /* -drop_negative: leave out nodes with negative values */
	bool all_frames;            /* -all_frames: ignore the profile's drop_frames/keep_frames */
	/* Keep Bazel's /proc/self/cwd/ prefixes in file names.  pprof strips
	 * them in graph reports (top, peek) but not in -traces; set it for
	 * traces to match.  It also turns -trim_path and -source_path off. */
	bool raw_paths;
	/* pprof's ObjNames (set for -list): every node keeps its object file
	 * and its function's start line, not only nameless ones. */
	bool obj_names;
	/* -trim_path: ':'-separated prefixes removed from file names in graph
	 * reports (the first that matches; a '/' is added to each that lacks
	 * one), before the /proc/self/cwd/ ones.  -source_path: ':'-separated
	 * directories; when -trim_path is not set, a file name containing
	 * "/<last element of a directory>/" loses everything up to and
	 * including it (the first directory that matches).  pprof's report.go
	 * trimPath; file names show with -files, -lines, -filefunctions. */
	const char *trim_path;
	const char *source_path;
	/* Regular expressions (PCRE2 with Go-like semantics: unanchored, UTF-8,
	 * `$` only at the end), matched against function names and file names
	 * of each frame (and the mapping's file), as pprof does. */
	const char *focus;          /* keep samples with a frame matching */
	const char *ignore;         /* drop samples with a frame matching */
	const char *hide;           /* remove matching frames from stacks */
	const char *show;           /* keep only matching frames */
	const char *show_from;      /* drop frames above the root-most match */
	const char *prune_from;     /* drop frames below the leaf-most match */
	/* Label filters: "key=VALUE" or "VALUE".  VALUE is a numeric range with
	 * optional unit ("64kb", "1mb:2mb", ":4kb", "100:") matched against
	 * numeric labels, else a comma-separated list of regular expressions
	 * matched against string labels ("key:value" when no key is given). */
	const char *tagfocus;
	const char *tagignore;
	/* -tagroot / -tagleaf: comma-separated label keys.  Before any filter,
	 * every sample gets one pseudo frame per key, named by the sample's
	 * values of that label joined by commas (numbers scaled to -unit like
	 * pprof's labels; "" when it has none) in a file named after the key:
	 * -tagroot's first key becomes the new root, -tagleaf's last key the
	 * new leaf (pprof's addLabelNodes). */
	const char *tagroot;
	const char *tagleaf;
	/* -tagshow / -taghide: regular expressions matched against label keys,
	 * applied after -tagfocus/-tagignore: a kept sample loses every label
	 * (string or numeric) whose key -tagshow does not match or -taghide
	 * matches (pprof's FilterTagsByName).  It changes what -traces prints
	 * and what merge -o writes, never which samples are kept. */
	const char *tagshow;
	const char *taghide;
	/* -relative_percentages: percentages (and the total) of the samples
	 * the filters kept, not of the whole profile. */
	bool relative_percentages;
	/* -divide_by: every value shown is multiplied by 1/divide_by and
	 * truncated to an integer, as pprof's Ratio (its percentages do not
	 * change); ignored unless 1/divide_by is positive and not 1 - 0 (the
	 * default) means not set. */
	double divide_by;
	/* -unit: output unit for values: "minimum" (default; pprof's choice
	 * from the smallest value shown), "auto" (per value), or a unit such
	 * as "B", "kB", "MB", "GB", "s", "ms". */
	const char *unit;
};

/* pprof's defaults: functions granularity, nodefraction 0.005,
 * edgefraction 0.001, trim on, flat sort, unit "minimum", nothing else set. */
void hd_report_options_default(struct hd_report_options *options);

/* A node of a view: one entity of the chosen granularity. */
struct hd_node {
	struct hd_str name;    /* function name; empty at -files or when unknown */
	struct hd_str file;    /* source file (cleaned like Go's filepath.Clean);
				  empty at -functions granularity */
	int64_t line;          /* -lines / -addresses, else 0 */
	int64_t column;        /* -addresses only, when the profile has columns */
	uint64_t address;      /* -addresses, else 0 */
	struct hd_str objfile; /* mapping file, set only when name is empty
				  (or with obj_names) */
	int64_t start_line;    /* function start line, set only when name is
				  empty (or with obj_names) */
	struct hd_str label;   /* what pprof prints: "[address ]name[ file:line]",
				  "file", "[objfile]" or "<unknown>" (raw bytes:
				  escape before printing) */
};

/* Filters (bits) that matched no sample: pprof warns "Focus expression
 * matched no samples" and so on.  See hd_view_summary.unmatched. */
enum {
	HD_FILTER_FOCUS = 1 << 0,
	HD_FILTER_IGNORE = 1 << 1,
	HD_FILTER_HIDE = 1 << 2,
	HD_FILTER_SHOW = 1 << 3,
	HD_FILTER_SHOW_FROM = 1 << 4,
	HD_FILTER_TAGFOCUS = 1 << 5,
	HD_FILTER_TAGIGNORE = 1 << 6,
	HD_FILTER_TAGROOT = 1 << 7, /* no sample has a label of a -tagroot key */
	HD_FILTER_TAGLEAF = 1 << 8,
	HD_FILTER_TAGSHOW = 1 << 9, /* no kept sample has a label key it matches */
	HD_FILTER_TAGHIDE = 1 << 10
};

struct hd_view;

struct hd_view_summary {
	uint32_t sample_index;   /* the sample type chosen */
	struct hd_str sample_type; /* "inuse_space" */
	struct hd_str sample_unit; /* "bytes" */
	/* The report total, pprof's percentage denominator: the sum of |value|
	 * over every sample before -focus and friends (samples with empty
	 * stacks included; with -relative_percentages, over the samples the
	 * filters kept); when samples are labelled pprof::base=true (a
	 * -diff_base merge) and their sum is not 0, the sum over those only. */
	int64_t total;
	uint64_t n_samples;      /* samples kept by the filters (zero values included) */
	uint32_t n_nodes;        /* distinct nodes referenced by the locations */
	uint32_t max_frames;     /* the deepest kept sample, in frames */
	unsigned unmatched;      /* HD_FILTER_* bits of filters that matched no sample */
};

/*
 * Builds a view of `profile` under `options` (NULL = defaults).
 *  profile: read only; must outlive the view.
 * Returns HD_OK and *view_ret (free with hd_view_free()); HD_ERR_USAGE for a
 * bad sample index ("sample_index \"x\" must be one of: [...]", "... is
 * outside the range [0..N]"), a profile without sample types, a malformed
 * tag filter or a bad option value; HD_ERR_REGEX when a regular expression
 * does not compile (the message names the option); HD_ERR_NOMEM.
 * Invalid drop_frames/keep_frames in the profile are ignored, as in pprof.
 */
enum hd_status hd_view_new(const struct hd_profile *profile,
			   const struct hd_report_options *options,
			   struct hd_view **view_ret, struct hd_error *err);

void hd_view_free(struct hd_view *view);

void hd_view_summary(const struct hd_view *view, struct hd_view_summary *summary_ret);

/* Node `id` (0 <= id < n_nodes) of the view; NULL when out of range. */
const struct hd_node *hd_view_node(const struct hd_view *view, uint32_t id);

/* A kept sample: where it is in the profile, its weight, its depth. */
struct hd_view_sample {
	uint64_t sample;  /* index into profile->samples (labels, all values) */
	int64_t value;    /* value at the chosen sample index */
	int64_t divisor;  /* with -mean: value 0, else 0 */
	uint32_t n_frames;
};

/* One frame of a kept sample's stack. */
struct hd_view_frame {
	uint32_t node;
	bool inlined;     /* an inlined call: not the outermost frame of its location */
};

/*
 * Sample i (0 <= i < n_samples) of the view.  hd_view_sample() fills
 * *sample_ret and returns false when i is out of range.
 * hd_view_sample_frames() writes up to `cap` frames of its stack, leaf
 * first, after every filter (hidden frames removed, pruned stacks cut) and
 * returns the number of frames the stack has (a cap of summary.max_frames
 * always suffices).
 */
bool hd_view_sample(const struct hd_view *view, uint64_t i, struct hd_view_sample *sample_ret);
uint32_t hd_view_sample_frames(const struct hd_view *view, uint64_t i,
			       struct hd_view_frame *frames, uint32_t cap);

/*
 * Per-sample weights after the filters, for consumers that walk the
 * profile themselves (hd_flame_options.weights): weights_ret[s] is the
 * chosen value of profile sample s when the filters kept it, else 0.
 * Stack edits (-hide, -show, -prune_from, drop_frames) are not expressed by
 * weights; use hd_view_sample_frames() to get them.
 * weights_ret must hold profile->n_samples entries.
 */
void hd_view_weights(const struct hd_view *view, int64_t *weights_ret);

/* ---- -top ---- */

struct hd_top_row {
	uint32_t node;        /* hd_view_node() */
	int64_t flat, cum;    /* with -mean, divided by the divisor sums */
	bool inlined;         /* pprof's " (inline)": every call into it shown is inlined */
	bool partial_inline;  /* pprof's " (partial-inline)": some calls are */
};

struct hd_top {
	struct hd_top_row *rows; /* sorted as pprof sorts them */
	uint32_t n_rows;
	int64_t total;           /* the report total (hd_view_summary) */
	int64_t shown;           /* sum of the rows' flat ("Showing nodes accounting for") */
	uint32_t dropped_nodes;  /* nodes below the -nodefraction cutoff */
	int64_t dropped_cutoff;  /* what pprof prints in "Dropped N nodes (cum <= X)" */
	uint32_t orig_count;     /* nodes before -nodecount (= n_rows without it) */
	const char *unit;        /* the output unit chosen ("MB"; "" for counts) */
};

/*
 * pprof's text report graph (report.go TextItems over newTrimmedGraph).
 *  options: for nodecount, nodefraction, edgefraction, trim, sort,
 *      drop_negative and unit; NULL = those the view was made with.
 * Returns HD_OK and *top_ret (free with hd_top_free()), or HD_ERR_NOMEM.
 */
enum hd_status hd_view_top(const struct hd_view *view, const struct hd_report_options *options,
			   struct hd_top **top_ret, struct hd_error *err);
void hd_top_free(struct hd_top *top);

/* ---- -peek ---- */

struct hd_peek_edge {
	uint32_t node;    /* the caller (in callers) or the callee (in callees) */
	int64_t weight;   /* counted once per sample */
	bool inlined;     /* every call along this edge was inlined */
	bool residual;    /* the edge skips frames left out of the graph */
};

struct hd_peek_entry {
	uint32_t node;
	int64_t flat, cum;
	struct hd_peek_edge *callers; /* sorted by |weight| desc, then names */
	uint32_t n_callers;
	struct hd_peek_edge *callees;
	uint32_t n_callees;
};

struct hd_peek {
	struct hd_peek_entry *entries; /* nodes whose label matches, in top order */
	uint32_t n_entries;            /* 0: nothing matched (pprof errors out) */
	int64_t total;
	int64_t shown;                 /* flat sum over every node of the graph */
	const char *unit;
	/* The graph's trimming, as in struct hd_top (tree only; peek does
	 * not trim: n_nodes == orig_count, nothing dropped). */
	uint32_t n_nodes, orig_count, dropped_nodes;
	int64_t dropped_cutoff;
};

/*
 * pprof's -peek: callers and callees of the nodes whose label matches
 * `regex` (no trimming, as pprof's peek).  options as for hd_view_top().
 * Returns HD_OK and *peek_ret (free with hd_peek_free()), HD_ERR_REGEX,
 * HD_ERR_NOMEM.
 */
enum hd_status hd_view_peek(const struct hd_view *view, const struct hd_report_options *options,
			    const char *regex, struct hd_peek **peek_ret, struct hd_error *err);
void hd_peek_free(struct hd_peek *peek);

/*
 * pprof's -tree: the same entries for every node of the trimmed graph
 * (-nodefraction, -edgefraction, and -nodecount, whose default - a
 * negative value - is pprof's 80 for this report; -trim=false keeps all),
 * each with its callers and callees in the graph rebuilt from the kept
 * nodes, edges below the -edgefraction cutoff left out.  Rendered by
 * hd_render_peek_text/json.  Returns HD_OK and *peek_ret, HD_ERR_NOMEM.
 */
enum hd_status hd_view_tree(const struct hd_view *view, const struct hd_report_options *options,
			    struct hd_peek **peek_ret, struct hd_error *err);

/*
 * pprof's -list (source.go printSource) without the files: for each
 * function whose name matches `regex` (name order) and each of its source
 * files (name order), the flat and cum of its nodes there, the lines to
 * show (from the function's start line - with the view's obj_names, as
 * pprof's -list sets it - else five before the first sampled line, at
 * least 1, to five after the last) and each sampled line's sums.  The view
 * must be at line granularity, as pprof's -list forces.  A function without any file is
 * one entry with an empty file ("No source information").  n_files 0:
 * nothing matched (pprof errors out).  Returns HD_OK and *list_ret (free
 * with hd_list_free()), HD_ERR_REGEX, HD_ERR_NOMEM.
 */
struct hd_list_line {
	int64_t line;
	int64_t flat, cum;
};

struct hd_list_file {
	struct hd_str function;
	struct hd_str file; /* the node's (after -trim_path); empty: no source */
	int64_t flat, cum;
	int64_t start, end; /* lines to show, inclusive */
	struct hd_list_line *lines; /* sampled lines, ascending */
	uint32_t n_lines;
};

struct hd_list {
	struct hd_list_file *files;
	uint32_t n_files;
	int64_t total;
};

enum hd_status hd_view_list(const struct hd_view *view, const struct hd_report_options *options,
			    const char *regex, struct hd_list **list_ret, struct hd_error *err);
void hd_list_free(struct hd_list *list);

/*
 * Paths as pprof treats them.  hd_path_clean: Go's filepath.Clean for
 * '/'-separated paths into out (len + 2 bytes), returning its length.
 * hd_path_trim: pprof's trimPath (report package): with no trim_path, the
 * first source_path directory whose last element occurs in the path as
 * "/elem/" cuts everything up to it; else the first trim_path prefix, or
 * /proc/self/cwd/, is removed.  Both lists ':'-separated, NULL or "" for
 * none.  Returns the offset of the remaining suffix of path.
 */
size_t hd_path_clean(char *out, const char *path, size_t len);
size_t hd_path_trim(const char *path, size_t len, const char *trim_path, const char *source_path);

/* ---- rendering ---- */

/*
 * pprof's text for -top (report.go printText), -traces (printTraces) and
 * -peek and -tree (printTree): legend lines (File/Build ID/comments/Type/Doc/Time/
 * Duration, then Active filters, Showing nodes..., Dropped N nodes...), the
 * header and one line per row, values scaled to the unit chosen.  Names are
 * escaped for the terminal (control bytes, ESC, invalid UTF-8 as \xNN), so
 * ordinary profiles print byte for byte as `go tool pprof`.
 * JSON for -top: {"sample_type", "unit", "total", "shown", "dropped_nodes",
 * "dropped_cutoff", "granularity", "rows": [{"name", "file", "line",
 * "address", "display", "inline", "partial_inline", "flat", "cum"}]} with
 * exact integer values.  JSON for -traces: {"sample_type", "unit", "total",
 * "samples": [{"value", "labels": {...}, "num_labels": {...}, "frames":
 * [{"display", "name", "file", "line", "inline"}]}]}.  JSON for -peek and
 * -tree: {"sample_type", "unit", "total", "shown", "dropped_nodes",
 * "dropped_cutoff", "orig_count", "entries": [{"display", "flat", "cum",
 * "callers": [{"display", "weight", "inline"}], "callees": [...]}]}.
 * *out_ret is NUL-terminated, *len_ret bytes long; free it with
 * hd_report_text_free().  Return HD_OK, HD_ERR_NOMEM, HD_ERR_USAGE (NULL).
 */
enum hd_status hd_render_top_text(const struct hd_view *view, const struct hd_top *top,
				  char **out_ret, size_t *len_ret, struct hd_error *err);
enum hd_status hd_render_top_json(const struct hd_view *view, const struct hd_top *top,
				  char **out_ret, size_t *len_ret, struct hd_error *err);
enum hd_status hd_render_traces_text(const struct hd_view *view, char **out_ret,
				     size_t *len_ret, struct hd_error *err);
enum hd_status hd_render_traces_json(const struct hd_view *view, char **out_ret,
				     size_t *len_ret, struct hd_error *err);
enum hd_status hd_render_peek_text(const struct hd_view *view, const struct hd_peek *peek,
				   char **out_ret, size_t *len_ret, struct hd_error *err);
enum hd_status hd_render_peek_json(const struct hd_view *view, const struct hd_peek *peek,
				   char **out_ret, size_t *len_ret, struct hd_error *err);
void hd_report_text_free(char *text);

/*
 * Line `line` (from 1) of source file `file` as -list reads it: returns 1
 * with the line, without its newline, in *text_ret / *len_ret (valid until
 * the next call); 0 when the file has no such line; -1 when the file
 * cannot be read, with the message in *text_ret.  Line 0 asks only whether
 * an earlier call found the file unreadable (-1) or not (0), without
 * reading it.  The library does no I/O: the CLI finds files as pprof does
 * (-source_path, -trim_path).
 */
typedef int (*hd_list_source_fn)(void *ctx, const char *file, int64_t line,
				 const char **text_ret, size_t *len_ret);

/*
 * pprof's -list text: "Total: T", then per entry "ROUTINE ======... F in
 * FILE", its flat and cum with cum's share of the total, and each source
 * line from start to end (stopping at the file's last line) as "FLAT CUM
 * LINE:text", "." for zero; " Error: MESSAGE" when the file cannot be
 * read.  Values use -unit as given ("minimum": each value on its own).
 * Source lines are escaped for the terminal, tabs kept.
 */
enum hd_status hd_render_list_text(const struct hd_view *view, const struct hd_list *list,
				   hd_list_source_fn source, void *ctx, char **out_ret,
				   size_t *len_ret, struct hd_error *err);
/* JSON of the same: {"sample_type", "unit", "total", "granularity",
 * "routines": [{"function", "file", "flat", "cum", "lines": [{"line",
 * "flat", "cum"}]}]}, the sampled lines only, no source text. */
enum hd_status hd_render_list_json(const struct hd_view *view, const struct hd_list *list,
				   char **out_ret, size_t *len_ret, struct hd_error *err);

/*
 * pprof's -tags (report.go printTags): for each label key of the view's
 * samples (keys in byte order, an empty line after each), its total and
 * each value's sum with its share of the report total, values by |sum|
 * descending, laid out as pprof's tabwriter does.  Numeric values print
 * as ScaledLabel in the key's unit and -unit ("8kB"), and values printing
 * the same are one entry.  Samples count with their value (-mean does not
 * divide it, as in pprof).  A profile without labels gives an empty text.
 * JSON: {"sample_type", "unit", "total", "tags": [{"key", "total",
 * "values": [{"num", "unit", "value"} or {"str", "value"}]}]}: numeric
 * values exact, one entry per number, numbers first among equal sums.
 * Returns as the renderers above.
 */
enum hd_status hd_render_tags_text(const struct hd_view *view, char **out_ret, size_t *len_ret,
				   struct hd_error *err);
enum hd_status hd_render_tags_json(const struct hd_view *view, char **out_ret, size_t *len_ret,
				   struct hd_error *err);

/*
 * Escaping untrusted strings (profile names) for display, snprintf-style:
 * writes at most cap bytes (NUL included) to dst (which may be NULL when
 * cap is 0) and returns the length of the whole escaped text, or
 * (size_t)-1 when memory ran out.
 *  hd_escape_terminal: printable UTF-8 unchanged; C0/C1 controls, DEL,
 *      bidi overrides and invalid UTF-8 bytes as \xNN.
 *  hd_escape_json: the contents of a JSON string, quotes included; invalid
 *      UTF-8 bytes become \ufffd (as Go's encoding/json).
 *  hd_escape_xml: XML text/attribute: & < > " ' as entities, bytes XML
 *      cannot hold as \xNN.
 */
size_t hd_escape_terminal(char *dst, size_t cap, const char *s, size_t len);
size_t hd_escape_json(char *dst, size_t cap, const char *s, size_t len);
size_t hd_escape_xml(char *dst, size_t cap, const char *s, size_t len);

/* ====== HD-SECTION: combine / export (owned by merge) ====== */

/*
 * Combining profiles the way `go tool pprof` does (profile/merge.go Merge,
 * internal/driver/fetch.go): samples with the same key - the merged
 * locations plus every string and numeric label (so the Go `bytes` label
 * keeps differently sized objects apart) - are summed; samples whose values
 * are all zero are dropped, as pprof's Merge drops them; locations are
 * identified by (address - mapping start, mapping, lines, is_folded),
 * functions by (name, system name, file, start line), mappings by (rounded
 * size, offset, build id or file).  Sample types are intersected by type
 * name in the order of the first input (CompatibilizeSampleTypes); an empty
 * intersection, different units for one type or different period types
 * fail with HD_ERR_INCOMPATIBLE.  Headers: time = pprof's earliest, duration
 * summed, period the largest, comments de-duplicated in order, default
 * sample type / doc url the first non-empty, drop/keep frames and period
 * type of the first input.  docs/internals/merge.md has the details.
 *
 * Note: pprof does not merge when it reads ONE profile and no base, so it
 * keeps that profile's zero samples; callers wanting the same should use the
 * decoded profile itself in that case.
 */
struct hd_merge_input {
	const struct hd_profile *profile;
	/* Multiply every value by this, rounding half away from zero (pprof's
	 * Profile.Scale; -1 for a base).  1 leaves values untouched. */
	double scale;
	/* Optional: one factor per sample type of `profile`, overriding `scale`
	 * (pprof's ScaleN, used with hd_profile_normalize_scales()).  Like
	 * ScaleN, a sample is dropped when every value whose factor is not 1
	 * rounds to 0.  NULL to use `scale`. */
	const double *scales;
	/* Label every sample of this input pprof::base=true (replacing any
	 * pprof::base label), as `-diff_base` does: reports then use the total
	 * of these samples as the percentage denominator. */
	bool diff_base;
};

/*
 * Merges n >= 1 inputs, in order, into a new profile (format
 * HD_FORMAT_BUILT) that owns all its memory: the inputs may be freed as soon
 * as this returns.  IDs in the result are dense, 1..N, in order of first
 * use.
 * Returns HD_OK and *merged_ret (free with hd_profile_free()), or
 * HD_ERR_USAGE (n == 0, NULL input, a non-finite scale), HD_ERR_INCOMPATIBLE
 * (see above; the message names both sample type lists), HD_ERR_NOMEM,
 * HD_ERR_LIMIT (more than 2^32-2 merged locations, functions or mappings).
 * Thread safety: reads the inputs only; may run concurrently on distinct
 * outputs.
 */
enum hd_status hd_profile_merge(const struct hd_merge_input *inputs, size_t n,
				struct hd_profile **merged_ret, struct hd_error *err);

/*
 * Incremental form of hd_profile_merge(), for merging many profiles in
 * memory bounded by the merged result plus one input: decode a profile,
 * hd_merger_add() it, free it, decode the next.  hd_merger_add() copies all
 * it keeps (strings included).  The result is identical to hd_profile_merge()
 * on the same inputs in the same order.
 * hd_merger_new: HD_OK and *merger_ret, or HD_ERR_NOMEM.
 * hd_merger_add: HD_OK, or the errors of hd_profile_merge(); after an error
 *   the merger may only be freed.
 * hd_merger_finish: HD_OK and *merged_ret, HD_ERR_USAGE if nothing was
 *   added, HD_ERR_NOMEM; the merger may only be freed afterwards.
 * hd_merger_free: frees the merger (not a profile it returned); NULL ok.
 * Thread safety: one merger per thread.
 */
struct hd_merger;
enum hd_status hd_merger_new(struct hd_merger **merger_ret, struct hd_error *err);
enum hd_status hd_merger_add(struct hd_merger *merger, const struct hd_merge_input *input,
			     struct hd_error *err);
enum hd_status hd_merger_finish(struct hd_merger *merger, struct hd_profile **merged_ret,
				struct hd_error *err);
void hd_merger_free(struct hd_merger *merger);

/*
 * Ordered loading for merges of many inputs: an hd_loader reads and decodes
 * inputs 0..n_inputs-1 (hd_profile_parse() with `limits`) on up to
 * `max_threads` threads, the caller's included (0 = hd_threads()), and
 * hands them out strictly in input order, so folding each into an
 * hd_merger as it comes gives the sequential result while later inputs are
 * decoded on the other cores.  At most threads + 1 inputs are decoded
 * ahead of the caller, so memory stays bounded by a few inputs.  Threads
 * start only when the inputs are large enough to pay for them (the average
 * size of the inputs read so far times the number left reaches about
 * 1 MiB); with one thread none is ever created.  Each decode may itself
 * use hd_threads() threads: a caller that wants at most N threads in all
 * passes max_threads N and sets hd_set_threads(1) while the loader lives
 * (what the heapdoc program does).
 * `read(ctx, i, &data, &len, err)` fetches input i's bytes into a buffer
 * from malloc() (the loader free()s it) and returns HD_OK, or an error
 * status with err filled in; it is called at most once per input, from any
 * of the threads, so it must be thread-safe.
 * hd_loader_new: HD_OK and *loader_ret, HD_ERR_NOMEM, HD_ERR_USAGE (NULL
 *   read or loader_ret), HD_ERR_INTERNAL (no mutex).
 * hd_loader_next: HD_OK and the next input's profile in *profile_ret (the
 *   caller frees it); or that input's error (read's, or hd_profile_parse's:
 *   HD_ERR_NOMEM when any allocation for it failed) - the first failing
 *   input in input order, whatever the threads did after it, and the loader
 *   may only be freed afterwards; HD_ERR_USAGE when all inputs were handed
 *   out.
 * hd_loader_free: stops and joins the threads, frees every profile not
 *   handed out; NULL ok.
 * Thread safety: one loader is used by one caller thread.
 */
struct hd_loader;
typedef enum hd_status (*hd_loader_read_fn)(void *ctx, size_t index, void **data_ret,
					    size_t *len_ret, struct hd_error *err);
enum hd_status hd_loader_new(size_t n_inputs, hd_loader_read_fn read, void *ctx,
			     const struct hd_limits *limits, unsigned max_threads,
			     struct hd_loader **loader_ret, struct hd_error *err);
enum hd_status hd_loader_next(struct hd_loader *loader, struct hd_profile **profile_ret,
			      struct hd_error *err);
void hd_loader_free(struct hd_loader *loader);

/*
 * pprof's Normalize (`-normalize`): for each sample type i of `source`,
 * scales_ret[i] = (sum of base's values of type i) / (sum of source's), or 0
 * when the source sum is 0.  Pass the scales as hd_merge_input.scales for
 * the source.  scales_ret must hold source->n_sample_types doubles.
 * Returns HD_OK, or HD_ERR_INCOMPATIBLE when the two profiles' sample types
 * or period types differ (pprof's compatible()), HD_ERR_USAGE on NULL.
 */
/*
 * A new profile with only the samples of `profile` whose keep[] flag is
 * non-zero (keep holds profile->n_samples flags: e.g. the samples an
 * hd_view kept after -focus/-ignore/-tagfocus/-tagignore), with pprof's
 * stack edits applied when `edits` sets them (only its hide, show,
 * show_from, prune_from, tagshow and taghide are read; NULL = none): lines matching -hide
 * removed and, with -show, only matching lines kept (locations left empty
 * drop out of stacks, emptied samples are dropped); -show_from cuts each
 * stack above its root-most match (samples without one are dropped);
 * -prune_from drops the callees of the leaf-most match; -tagshow/-taghide
 * leave each kept sample only the labels whose key -tagshow matches and
 * -taghide does not - pprof's FilterSamplesByName, ShowFrom,
 * FilterTagsByName and PruneFrom, in that order.  The result
 * is compacted like a merge of that one profile: zero samples and whatever
 * only dropped samples referenced are left out, ids are dense.
 * Returns HD_OK and *selected_ret (hd_profile_free()), HD_ERR_USAGE on
 * NULL, HD_ERR_REGEX (the message names the option), HD_ERR_NOMEM.
 */
enum hd_status hd_profile_select(const struct hd_profile *profile, const uint8_t *keep,
				 const struct hd_report_options *edits,
				 struct hd_profile **selected_ret, struct hd_error *err);

/*
 * -divide_by on a profile to be written (pprof's printProto): every value
 * becomes int64(float64(v) / divide_by), as the reports show it; nothing
 * changes unless 1/divide_by is positive and not 1.  In place.
 */
void hd_profile_divide_values(struct hd_profile *profile, double divide_by);

enum hd_status hd_profile_normalize_scales(const struct hd_profile *source,
					   const struct hd_profile *base, double *scales_ret,
					   struct hd_error *err);

/*
 * Encodes a profile as profile.proto, gzip-compressed when `gzip` is true
 * (what `go tool pprof`, Pyroscope and Parca read), following pprof's
 * encoder (profile/encode.go): same field order, repeated scalars packed
 * when there are more than 2, string table built in pprof's order, labels
 * in pprof's order (string labels by key, then numeric labels by key).  IDs
 * are renumbered densely (index + 1).  Deterministic: the same profile gives
 * the same bytes (the gzip header carries no time or name).
 * Returns HD_OK with *data_ret (free with hd_bytes_free()) and *len_ret, or
 * HD_ERR_NOMEM, HD_ERR_USAGE (NULL profile), HD_ERR_INTERNAL (compressor).
 * Thread safety: reads the profile only.
 */
enum hd_status hd_profile_write_proto(const struct hd_profile *profile, bool gzip,
				      void **data_ret, size_t *len_ret, struct hd_error *err);

/* Frees a buffer returned by the export and render functions of this section. */
void hd_bytes_free(void *data);

/*
 * Flame graphs and folded stacks.  Both build a call tree from the samples:
 * one frame per line of each location, root (outermost caller) to leaf,
 * inline frames as frames of their own; frames are identified by function
 * name (by name and file:line with `lines`).  A sample's weight is its value
 * of the chosen sample type, or weights[sample] when `weights` is given (for
 * callers that filtered samples).  When any weight is negative (a profile
 * merged with a base) the output is differential: each frame carries the
 * growth (positive weights) and the shrinkage (negative weights) apart.
 */
struct hd_flame_options {
	int sample_index;        /* index into sample_types; -1 = pprof's default */
	const int64_t *weights;  /* NULL, or n_samples weights */
	bool lines;              /* frame = function and file:line */
	bool noinlines;          /* only the outermost line of each location */
	/* SVG only: */
	double min_width;        /* frames narrower than this fraction of the
				    total are left out, like flamegraph.pl's
				    --minwidth; 0 = default 0.0005 */
	uint32_t max_frames;     /* at most this many rectangles; 0 = 10000 */
	uint32_t width_px;       /* image width, 0 = 1200 */
	const char *title;       /* NULL = "Flame Graph" (escaped) */
	const char *subtitle;    /* NULL = none (escaped) */
};

/* Fills `options` with the defaults above. */
void hd_flame_options_default(struct hd_flame_options *options);

/*
 * Folded stacks, one line per distinct stack with a non-zero value:
 * `root;caller;leaf VALUE\n`, lines sorted bytewise (flamegraph.pl, inferno
 * and speedscope read it).  For a differential profile each line is
 * `stack BEFORE AFTER` (the magnitudes of the negative and positive weights),
 * the two-column format of flamegraph.pl's difffolded.pl.  Frame names have
 * control bytes, invalid UTF-8 and ';' written as \xNN.
 * Returns HD_OK with *out_ret (free with hd_bytes_free(); NUL-terminated)
 * and *len_ret, or HD_ERR_NOMEM, HD_ERR_USAGE (bad sample index, NULL).
 */
enum hd_status hd_render_folded(const struct hd_profile *profile,
				const struct hd_flame_options *options, char **out_ret,
				size_t *len_ret, struct hd_error *err);

/*
 * A self-contained interactive SVG flame graph (inline CSS and JavaScript,
 * no network): click a frame to zoom, Search (regex) highlights matches and
 * shows the matched percentage, each frame's tooltip gives its exact value
 * and percentage of the total.  Names are XML-escaped; bytes XML 1.0 cannot
 * hold (controls, invalid UTF-8) are shown as \xNN; tooltips keep at most
 * 300 bytes of a name, with "...".  At most max_frames rectangles are drawn
 * (the widest; children are never kept without their parent), so the file
 * stays under about max_frames * 3.5 KB whatever the profile size (Go
 * profiles: about 0.3 KB per frame).  Differential
 * profiles are coloured by growth (red) and shrinkage (blue); a frame's
 * width is then growth + shrinkage, like pprof's diff flame graph.
 * Returns like hd_render_folded().
 */
enum hd_status hd_render_flame_svg(const struct hd_profile *profile,
				   const struct hd_flame_options *options, char **out_ret,
				   size_t *len_ret, struct hd_error *err);

/*
 * The same two outputs from a view (hd_view_new() of the aggregate
 * section), so that every pprof option applies exactly as in top/traces:
 * the sample type, -focus/-ignore/-hide/-show/-show_from/-prune_from,
 * -tagfocus/-tagignore, drop_frames pruning, and the granularity (frames
 * are the view's nodes, named by their pprof label: function name, "name
 * file:line" at -lines, ...).  Percentages use the view's total (pprof's:
 * the base total after -diff_base).  Of `options` only min_width,
 * max_frames, width_px, title and subtitle are used (NULL = defaults);
 * the view must stay alive during the call.  Returns like
 * hd_render_folded().
 */
enum hd_status hd_render_folded_view(const struct hd_view *view,
				     const struct hd_flame_options *options, char **out_ret,
				     size_t *len_ret, struct hd_error *err);
enum hd_status hd_render_flame_svg_view(const struct hd_view *view,
					const struct hd_flame_options *options, char **out_ret,
					size_t *len_ret, struct hd_error *err);

/* ====== HD-SECTION: diagnose (owned by diagnose) ====== */

/*
 * Diagnosis: which container holds the memory, is it growing, what to do.
 * A heap profile says which function allocated, not whether the memory is a
 * map's bucket array, a slice's backing array or a bytes.Buffer: runtime/
 * pprof hides every leading runtime.* (1.24+: internal/runtime/...) frame.
 * hd_diagnose() recovers it from what the profile does keep - the
 * allocating line and the exact size of each sampled object (the `bytes`
 * label; per-record size in text profiles) - matched against the Go
 * runtime's own growth rules (size classes, growslice, classic bucket
 * arrays, Swiss-table groups), and from how in-use and allocated bytes
 * relate over one or several snapshots.  docs/internals/diagnose.md and
 * docs/internals/gomodel.md describe the rules.
 */

/* What kind of container a site's memory is. */
enum hd_kind {
	HD_KIND_UNKNOWN = 0, /* the evidence does not decide */
	HD_KIND_MAP,
	HD_KIND_SLICE,
	HD_KIND_BUFFER,      /* bytes.Buffer, bufio and similar growable byte buffers */
	HD_KIND_STRING,      /* strings: concatenation, strings.Builder, conversions, fmt */
	HD_KIND_OBJECT       /* plain objects of one size (new(T), &T{}, small make) */
};

enum hd_map_impl {
	HD_MAP_IMPL_NONE = 0, /* not a map, or not known */
	HD_MAP_IMPL_CLASSIC,  /* bucket maps, Go <= 1.23 */
	HD_MAP_IMPL_SWISS     /* Swiss tables, Go >= 1.24 */
};

enum hd_verdict {
	HD_VERDICT_RETAINED = 0, /* one profile: most of what was allocated is still in use */
	HD_VERDICT_TRANSIENT,    /* allocated and freed: in-use stays near zero */
	HD_VERDICT_GROWING,      /* several snapshots: in-use keeps rising */
	HD_VERDICT_STABLE,       /* several snapshots: in-use holds its level */
	HD_VERDICT_SHRINKING     /* several snapshots: in-use keeps falling */
};

/* "unknown", "map", ... / "classic", "swiss", "" / "retained", ... (static) */
const char *hd_kind_str(enum hd_kind kind);
const char *hd_map_impl_str(enum hd_map_impl impl);
const char *hd_verdict_str(enum hd_verdict verdict);

/*
 * Supplies a source line (the CLI reads files under --source-root; the
 * library does no I/O).  hd_diagnose() uses it as extra evidence of the
 * kind (`append(`, `make(map`, string `+`); the renderers quote it.  Returns a
 * NUL-terminated line without its newline, valid until the next call, or
 * NULL when unavailable.
 */
typedef const char *(*hd_source_line_fn)(void *ctx, const char *file, int64_t line);

struct hd_diagnose_options {
	/*
	 * Go version the profiles come from, as the minor number (22 for
	 * go1.22); 0 = infer map implementation and growth rules from the size
	 * signatures.  Values below 17 are treated as 17, above 26 as 26.
	 */
	int go_minor;
	/* Keep at most this many findings (the largest); 0 = all. */
	size_t max_findings;
	/* Drop sites holding less than this fraction of both totals; default 0 (keep all). */
	double min_fraction;
	/* NULL, or a source-line supplier (see hd_source_line_fn) and its context. */
	hd_source_line_fn source_line;
	void *source_ctx;
};

void hd_diagnose_options_default(struct hd_diagnose_options *options);

/*
 * Parses a Go version ("1.22", "go1.22", "go1.24.3", "22") into the minor
 * number for hd_diagnose_options.go_minor; -1 if it is not one.
 */
int hd_go_version_parse(const char *version);

/* A frame: function, file, line.  Strings are NUL-terminated, owned by the diagnosis. */
struct hd_frame {
	const char *function;
	const char *file;
	int64_t line;
};

/* One object size seen at a site (last snapshot; values as the profile scales them). */
struct hd_size_row {
	uint64_t size;
	int64_t alloc_objects, alloc_bytes, inuse_objects, inuse_bytes;
	/* how the size was explained: "bucket array B=12", "growth step cap 848", "" */
	const char *role;
};

/* What the evidence says the user cares about; fields are 0 when unknown. */
struct hd_estimate {
	const char *unit;       /* "entries", "elements", "bytes", "objects" or "" */
	uint64_t count_min;     /* live units in the largest container (or all objects) */
	uint64_t count_max;
	uint64_t unit_size_min; /* bytes per unit: key+value (maps), element (slices), object */
	uint64_t unit_size_max;
	uint64_t containers;    /* how many such containers are live (estimate) */
	uint64_t growth_steps;  /* growth steps from empty to the largest size seen */
	uint64_t largest_bytes; /* the largest object size at the site */
	uint64_t prealloc_n;    /* slices: the n to pass to make([]T, 0, n); maps: the hint */
	int64_t savings_bytes;  /* allocation that preallocation/reuse would avoid */
	const char *summary;    /* one sentence, e.g. "map with 6.5k-13k entries ..." */
};

struct hd_finding {
	struct hd_frame site;  /* leaf frame: where the allocation happens */
	struct hd_frame owner; /* first frame outside the standard library and runtime */
	const char **stack;    /* function names, leaf first, of the heaviest stack */
	size_t n_stack;
	enum hd_kind kind;
	enum hd_map_impl map_impl;
	enum hd_verdict verdict;
	const char *pattern;   /* single profile: "burst" / "accumulation" / ""; see manual */
	/* last snapshot's values */
	int64_t inuse_bytes, alloc_bytes, inuse_objects, alloc_objects;
	int64_t *series;       /* inuse_bytes per snapshot, in snapshot order */
	size_t n_series;
	/* trend figures when several snapshots; 0 otherwise */
	double slope_bytes_per_min, r2;
	bool has_trend;
	struct hd_size_row *sizes; /* by size descending */
	size_t n_sizes;
	struct hd_estimate estimate;
	const char **evidence; /* sentences a reader can check against the numbers */
	size_t n_evidence;
	const char **advice;
	size_t n_advice;
	double confidence;     /* 0..1, in the kind */
	const char *source_line; /* the site's source line from the supplier, or NULL */
};

/* All sites of one owner together: its verdict over the series. */
struct hd_owner_summary {
	const char *function;  /* the owner's function name */
	size_t n_sites;        /* allocation sites it owns */
	int64_t inuse_bytes, alloc_bytes; /* last snapshot, summed over its sites */
	int64_t *series;       /* in-use bytes per snapshot, summed */
	size_t n_series;
	enum hd_verdict verdict;
	double slope_bytes_per_min; /* when several publications; else 0 */
};

/* One input profile as diagnosed. */
struct hd_diagnosed_profile {
	const char *path;  /* as given (may be NULL) */
	int64_t time_nanos;
	int64_t period;
	uint32_t epoch;    /* GC publication; equal epochs = same data */
};

struct hd_diagnosis {
	enum hd_map_impl map_impl; /* NONE when not decided */
	const char *map_impl_evidence;
	int go_minor;              /* as given, or 0 */
	struct hd_diagnosed_profile *profiles; /* in snapshot order */
	size_t n_profiles;
	size_t n_observations;     /* distinct GC publications among them */
	const char **notes;        /* profile-wide remarks (sampling period, ...) */
	size_t n_notes;
	struct hd_finding *findings; /* ranked: in-use bytes, then allocated, then name */
	size_t n_findings;
	size_t n_sites;            /* sites found, before max_findings/min_fraction */
	int64_t total_inuse_bytes, total_alloc_bytes; /* last snapshot */
	/* every owner (not only those of the kept findings), ranked like findings */
	struct hd_owner_summary *owners;
	size_t n_owners;
	struct hd_arena *arena;
};

/*
 * Diagnoses one profile or a series of snapshots of one process.
 *  profiles, n: decoded heap profiles (n >= 1); they must carry the Go heap
 *      sample types (alloc_objects, alloc_space, inuse_objects, inuse_space).
 *      They are ordered by time_nanos when every one has a time, else kept
 *      in the order given.  Only read; not retained.
 *  paths: NULL, or n names reported back in hd_diagnosis.profiles (copied).
 *  options: NULL for the defaults.
 *  diagnosis_ret: on success, a diagnosis owning all its memory; free it
 *      with hd_diagnosis_free().
 * Returns HD_OK; HD_ERR_USAGE for n == 0 or a NULL profile; HD_ERR_PROFILE
 * when a profile lacks the heap sample types ("not a heap profile");
 * HD_ERR_NOMEM.  Thread-safe for distinct outputs.
 */
enum hd_status hd_diagnose(const struct hd_profile *const *profiles, size_t n,
			   const char *const *paths, const struct hd_diagnose_options *options,
			   struct hd_diagnosis **diagnosis_ret, struct hd_error *err);

void hd_diagnosis_free(struct hd_diagnosis *diagnosis);

enum hd_diagnosis_format {
	HD_DIAG_TEXT = 0,
	HD_DIAG_JSON,
	HD_DIAG_MARKDOWN
};

struct hd_diagnosis_render_options {
	size_t max_findings;       /* text/markdown: findings shown; 0 = all */
};

/*
 * Renders a diagnosis.  JSON follows the contract in docs/internals/
 * diagnose.md (one object: go, profiles, findings); text is the incident
 * view; markdown a report.  Untrusted names are escaped.  *out_ret is
 * NUL-terminated, *len_ret bytes long, and must be released with free().
 * Returns HD_OK, HD_ERR_USAGE (bad format), HD_ERR_NOMEM.
 */
enum hd_status hd_diagnosis_render(const struct hd_diagnosis *diagnosis,
				   enum hd_diagnosis_format format,
				   const struct hd_diagnosis_render_options *options,
				   char **out_ret, size_t *len_ret, struct hd_error *err);

/* ====== HD-SECTION: trend (owned by trend) ====== */

/*
 * Series analysis: is a quantity (a site's inuse_space over a series of heap
 * snapshots) growing, stable, shrinking or transient, how fast, since when,
 * and when will it reach a limit?  Pure computation on caller-provided
 * points: no allocation, no I/O; safe to call from any thread.  The module
 * and its thresholds are described in docs/internals/trend.md.
 *
 * A heap profile only changes when a garbage collection publishes new data
 * (GO-RUNTIME-FACTS 5.2/5.3): several snapshots taken between two GCs are one
 * observation, not evidence of stability.  Each point therefore carries the
 * `epoch` of the publication it shows (hd_trend_epochs() computes it for a
 * profile series); consecutive points with the same epoch and the same value
 * are collapsed into one observation, timed at the first of them.
 */
enum hd_trend_verdict {
	HD_TREND_UNKNOWN = 0, /* fewer than two observations: no trend can be told */
	HD_TREND_STABLE,      /* no significant net change, or growth has stopped */
	HD_TREND_GROWING,     /* keeps growing: net rise, good linear fit, still rising */
	HD_TREND_SHRINKING,   /* keeps falling */
	HD_TREND_TRANSIENT    /* rose, then gave back at least half of the rise */
};

/* "unknown", "stable", "growing", "shrinking", "transient" (static). */
const char *hd_trend_verdict_str(enum hd_trend_verdict verdict);

/* One snapshot's value of a series. */
struct hd_trend_point {
	int64_t time_nanos; /* when the snapshot was taken, unix ns; 0 = unknown */
	int64_t value;      /* e.g. inuse_space bytes */
	/*
	 * The heap-profile publication (GC cycle) the value comes from: equal
	 * epochs on consecutive points mean "no GC in between".  Use the
	 * output of hd_trend_epochs(), or the point's index when unknown (then
	 * nothing is collapsed).  Caution: all-zero epochs make every run of
	 * equal consecutive values one observation.
	 */
	uint32_t epoch;
};

/*
 * Thresholds.  Fill with hd_trend_options_default() and change what you
 * need.  A change is significant when it is at least
 * max(min_change_bytes, min_change_fraction * largest |value|).
 */
struct hd_trend_options {
	uint64_t min_change_bytes;  /* default 1 MiB (two default sampling periods) */
	double min_change_fraction; /* default 0.05 */
	double min_r2;              /* fit quality for growing/shrinking, default 0.6 */
	/*
	 * Growth slower than this (bytes per minute, >= 0) is not "growing"
	 * (--min-growth).  Default 0.  Ignored when the points have no times.
	 */
	double min_growth_bytes_per_min;
	/*
	 * Project when a growing series reaches this many bytes; 0 = no
	 * projection.  hd_trend_series_analyze() projects the series itself;
	 * hd_trend_analyze() projects the process total (see there).
	 */
	uint64_t limit_bytes;
};

void hd_trend_options_default(struct hd_trend_options *options);

/* What hd_trend_series_analyze() found. */
struct hd_trend_series {
	enum hd_trend_verdict verdict;
	uint32_t n_points;       /* points given */
	uint32_t n_observations; /* after collapsing same-epoch runs */
	/*
	 * true when every point had a time (and times never decrease): the
	 * x axis is minutes since the first point; otherwise the x axis is the
	 * point index and the *_per_min fields hold per-snapshot rates.
	 */
	bool timed;
	double slope_bytes_per_min;  /* least-squares slope over all observations */
	double r2;                   /* its coefficient of determination, 0..1 (1 if flat) */
	double recent_slope_bytes_per_min; /* over the last half (>= 2) of the observations */
	double growth_slope_bytes_per_min; /* from growth_start on; 0 unless growing */
	double growth_r2;
	int64_t first_value, last_value, min_value, max_value;
	/*
	 * Index (into the points given) of the first snapshot of the growth
	 * that is still going on - the one after the series was last at its
	 * minimum - and its time; HD_NONE / 0 unless verdict is growing.
	 */
	uint32_t growth_start;
	int64_t growth_start_time_nanos;
	/*
	 * Growing, timed and options->limit_bytes set: minutes from the last
	 * point until the series reaches the limit at growth_slope (0 when it
	 * already has), and that moment in unix ns.
	 */
	bool has_projection;
	double minutes_to_limit;
	int64_t limit_time_nanos;
	/* 0..1: grows with the number of observations and, for growing or shrinking, with r2. */
	double confidence;
};

/*
 * Analyses one series.
 *  points, n_points: the snapshots in time order (n_points >= 1; at most
 *      UINT32_MAX); not retained.
 *  options: thresholds; NULL for the defaults.
 *  result_ret: filled on success.
 *  observations_ret: NULL, or an array of n_points entries that receives,
 *      for each observation, the index of its first point
 *      (result_ret->n_observations entries are written).
 * Returns HD_OK; HD_ERR_USAGE for no points, times that decrease, or an
 * option out of range (min_r2 outside 0..1, a negative or NaN threshold);
 * HD_ERR_LIMIT for more than UINT32_MAX points.  Allocates nothing;
 * thread-safe.
 */
enum hd_status hd_trend_series_analyze(const struct hd_trend_point *points, size_t n_points,
				       const struct hd_trend_options *options,
				       struct hd_trend_series *result_ret,
				       uint32_t *observations_ret, struct hd_error *err);

/*
 * Publication epochs of a profile series (in time order): epochs_ret[0] = 0,
 * and epochs_ret[i] = epochs_ret[i-1] when profile i has the same sample
 * types and the same per-type totals (sum of every sample value) as profile
 * i-1 - no GC published new data between them - else epochs_ret[i-1] + 1.
 * (alloc_* totals only grow between publications, so equal totals mean the
 * same publication.)  Returns HD_OK, or HD_ERR_USAGE for n == 0 or a NULL
 * profile.  Allocates nothing; profiles are only read.
 */
enum hd_status hd_trend_epochs(const struct hd_profile *const *profiles, size_t n,
			       uint32_t *epochs_ret, struct hd_error *err);


/*
 * Trend over a series of heap profiles: per allocation site and per owner,
 * inuse_space per snapshot, analysed with hd_trend_series_analyze() after
 * collapsing the snapshots no GC changed (hd_trend_epochs()).
 *
 * Grouping: the site is the leaf frame (innermost function, file, line of
 * the sample's first location); the owner is the first frame, leaf to root,
 * whose function is outside the Go standard library and runtime (its
 * package path's first element has no dot and is not "main"), else the
 * leaf.  This is the grouping `heapdoc diagnose` documents.
 */

/* One snapshot of the series. */
struct hd_trend_snapshot {
	const struct hd_profile *profile; /* only read; must outlive the call */
	int64_t time_nanos;               /* when taken; 0 = profile->time_nanos */
	const char *name;                 /* path or label for messages/output; may be NULL */
};

/* One site or owner over the series. */
struct hd_trend_row {
	struct hd_frame site;  /* leaf frame (for owner rows: the owner frame) */
	struct hd_frame owner; /* owner frame */
	const char **stack;    /* site rows: function names, leaf first, of the heaviest stack */
	size_t n_stack;
	int64_t *series;       /* the sample type's value per snapshot (n_snapshots) */
	/* last snapshot, when the profiles have the Go heap sample types; else 0 */
	int64_t inuse_bytes, alloc_bytes, inuse_objects, alloc_objects;
	struct hd_trend_series trend;
	/*
	 * With options->limit_bytes: minutes until the process total reaches
	 * the limit if this row keeps growing at its growth slope and the rest
	 * stays (growing rows only).
	 */
	bool has_projection;
	double minutes_to_limit;
	/*
	 * Site rows: what hd_diagnose() says of the same site (same leaf frame,
	 * and owner for standard-library leaves) - container kind, map
	 * implementation, the estimate's one-line summary ("" when none), its
	 * evidence and advice sentences.  HD_KIND_UNKNOWN / NULL / 0 when
	 * diagnose has no finding for it or could not run (profiles without
	 * the Go heap sample types).
	 */
	enum hd_kind kind;
	enum hd_map_impl map_impl;
	const char *summary;
	const char **evidence;
	size_t n_evidence;
	const char **advice;
	size_t n_advice;
};

struct hd_trend_report {
	size_t n_snapshots;
	const char **names;      /* per snapshot, as given (NULL entries allowed) */
	int64_t *times;          /* per snapshot, unix ns or 0 */
	uint32_t *epochs;        /* per snapshot, see hd_trend_epochs() */
	size_t n_observations;   /* distinct publications */
	const char *sample_type; /* "inuse_space" */
	int64_t *totals;         /* sum of the sample type per snapshot */
	struct hd_trend_series total; /* its analysis, projected to limit_bytes */
	uint64_t limit_bytes;    /* as given in the options */
	/* ranked: growing first by growth slope, then by last value; ties by name, file, line */
	struct hd_trend_row *sites;
	size_t n_sites;
	struct hd_trend_row *owners;
	size_t n_owners;
	struct hd_arena *arena;
};

/*
 * Analyses a series of snapshots.
 *  snaps, n: in time order (n >= 1).  Sites whose value is 0 in every
 *      snapshot are left out.
 *  options: thresholds and limit; NULL for the defaults.
 *  sample_type: the value to follow, by name; NULL for "inuse_space" (or,
 *      when a profile lacks it, pprof's default sample type of the first).
 *  report_ret: on success a report owning all its memory (strings are
 *      copied); free with hd_trend_report_free().
 * Returns HD_OK; HD_ERR_USAGE (n == 0, a NULL profile, times decreasing,
 * bad options); HD_ERR_INCOMPATIBLE (a profile lacks the sample type);
 * HD_ERR_NOMEM.  Thread-safe for distinct reports.
 */
enum hd_status hd_trend_analyze(const struct hd_trend_snapshot *snaps, size_t n,
				const struct hd_trend_options *options, const char *sample_type,
				struct hd_trend_report **report_ret, struct hd_error *err);

void hd_trend_report_free(struct hd_trend_report *report);

/*
 * runtime.MemStats of a debug=1 text profile (the "# runtime.MemStats"
 * section), as numbers.  Fields the profile lacks (older Go) stay 0 with
 * their has_ flag false.
 */
struct hd_memstats {
	uint64_t alloc, total_alloc, sys, mallocs, frees;
	uint64_t heap_alloc, heap_sys, heap_idle, heap_inuse, heap_released, heap_objects;
	uint64_t stack_inuse, stack_sys, mspan_inuse, mspan_sys, mcache_inuse, mcache_sys;
	uint64_t buck_hash_sys, gc_sys, other_sys, next_gc, last_gc_nanos;
	uint64_t num_gc, num_forced_gc;
	double gc_cpu_fraction;
	uint64_t max_rss;
	bool has_max_rss;
};

/*
 * Reads profile->memstats.  Returns HD_OK; HD_ERR_FORMAT when the profile
 * has no MemStats section (proto profiles never do); HD_ERR_LEGACY when a
 * required field (Sys, HeapSys, HeapIdle, HeapInuse, HeapReleased,
 * HeapAlloc) is missing or a number is malformed.  Allocates nothing.
 */
enum hd_status hd_memstats_read(const struct hd_profile *profile, struct hd_memstats *ret,
				struct hd_error *err);

/* One part of the memory the process obtained from the OS. */
struct hd_memstats_part {
	const char *name;    /* "live heap objects", ... (static) */
	const char *source;  /* the MemStats arithmetic, "HeapAlloc" ... (static) */
	uint64_t bytes;
	bool resident;       /* counts toward RSS (false: returned to the OS) */
	const char *why;     /* one sentence on what it is and what to do (static) */
};

#define HD_MEMSTATS_PARTS 7

/*
 * Splits Sys into what holds it, so the gap between an RSS-like number and
 * a profile's inuse_space is explained: live heap objects (HeapAlloc),
 * fragmentation in in-use spans (HeapInuse - HeapAlloc), free heap kept by
 * the runtime (HeapIdle - HeapReleased), memory returned to the OS
 * (HeapReleased), goroutine stacks (StackSys), runtime metadata (MSpanSys +
 * MCacheSys + BuckHashSys + GCSys + OtherSys), and what the heap profile
 * does not show of HeapAlloc (HeapAlloc - inuse_space: objects allocated
 * since the last GC and sampling error; only when inuse_space >= 0).
 * parts must hold HD_MEMSTATS_PARTS entries; *n_ret receives how many were
 * written, largest first (ties by name).  Pure; thread-safe.
 */
void hd_memstats_breakdown(const struct hd_memstats *m, int64_t inuse_space,
			   struct hd_memstats_part *parts, size_t *n_ret);

enum hd_trend_format {
	HD_TREND_TEXT = 0,
	HD_TREND_JSON
};

struct hd_trend_render_options {
	size_t max_rows;    /* text: rows shown per table; 0 = all */
	bool show_owners;   /* text: the per-owner table too (JSON always has both) */
	/* NULL, or the MemStats of the last snapshot, rendered with the breakdown */
	const struct hd_memstats *memstats;
	const char *memstats_name; /* which file they came from, for the text */
};

/*
 * Renders a trend report.  Text: the verdict on the total, then the sites
 * (and owners) ranked, with series, slope, r2 and projection.  JSON
 * extends the diagnose contract: {"profiles": [...], "sample_type",
 * "total": {...}, "findings": [{"scope": "site"|"owner", "site", "owner",
 * "stack", "verdict", "inuse_bytes", ..., "series", "slope_bytes_per_min",
 * "r2", ...}], "memstats": {...}|null} - docs/internals/trend.md has every
 * field.  Untrusted names are escaped.  *out_ret is NUL-terminated, *len_ret
 * bytes, released with free().  Returns HD_OK, HD_ERR_USAGE (bad format),
 * HD_ERR_NOMEM.
 */
enum hd_status hd_trend_render(const struct hd_trend_report *report, enum hd_trend_format format,
			       const struct hd_trend_render_options *options, char **out_ret,
			       size_t *len_ret, struct hd_error *err);

#ifdef __cplusplus
}
#endif

#endif /* HEAPDOC_H */
