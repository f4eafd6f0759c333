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
 * never from a name: gzip magic (1f 8b) -> inflate; then profile.proto; if
 * that fails and the data looks like text, the legacy heap text format.
 * `data` is not retained: the profile copies what it keeps.  `limits` may be
 * NULL for the defaults.
 * Returns HD_OK and *profile_ret, or HD_ERR_NOMEM, HD_ERR_LIMIT, HD_ERR_GZIP,
 * HD_ERR_PROTOBUF, HD_ERR_PROFILE, HD_ERR_LEGACY, HD_ERR_FORMAT.
 */
enum hd_status hd_profile_parse(const void *data, size_t len,
				const struct hd_limits *limits,
				struct hd_profile **profile_ret,
				struct hd_error *err);

/* Frees a profile and everything it owns. */
void hd_profile_free(struct hd_profile *profile);

/* Helpers on the model. */
const int64_t *hd_profile_sample_values(const struct hd_profile *p, uint64_t sample);
/* Index of the sample type named `name` ("inuse_space"), or -1. */
int hd_profile_sample_type_index(const struct hd_profile *p, const char *name);
/*
 * pprof's default sample type index: the type named by default_sample_type if
 * set and present, else the last sample type.
 */
int hd_profile_default_sample_index(const struct hd_profile *p);
/* Value of numeric label `key` of a sample into *num_ret; false if absent. */
bool hd_sample_num_label(const struct hd_profile *p, uint64_t sample,
			 const char *key, int64_t *num_ret);

/* ====== HD-SECTION: aggregate / report (owned by agg) ====== */

/* ====== HD-SECTION: combine / export (owned by merge) ====== */

/* ====== HD-SECTION: diagnose (owned by diagnose) ====== */

/* ====== HD-SECTION: trend (owned by trend) ====== */

#ifdef __cplusplus
}
#endif

#endif /* HEAPDOC_H */
