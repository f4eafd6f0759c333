/*
 * cmd_merge.h - what cmd_merge.c offers the other report commands: loading
 * several sources and -base/-diff_base profiles into one profile exactly as
 * `go tool pprof` does (internal/driver/fetch.go), folding in one file at
 * a time while a few of the next ones are decoded on the other cores, so
 * memory stays bounded by the merged result plus a few inputs, and writing
 * a profile atomically (temp file + rename).
 */
#ifndef HD_CMD_MERGE_H
#define HD_CMD_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "heapdoc/heapdoc.h"

struct hd_cli_sources {
	const char **sources; /* profiles to sum */
	size_t n_sources;
	const char **bases;   /* -base / -diff_base files, subtracted */
	size_t n_bases;
	bool diff_base;       /* the bases came from -diff_base */
	bool normalize;       /* -normalize */
};

/*
 * Loads and combines the sources and bases.  One source and no base: the
 * decoded profile as is (pprof does not merge then).  Prints a one-line
 * error naming the first file, in command-line order, that could not be
 * read, decoded or merged, and returns NULL; the result and the error are
 * the same for every --threads value.
 */
struct hd_profile *hd_cli_load_combined(const struct hd_cli_sources *src,
					const struct hd_limits *limits);

/*
 * Writes profile.proto (gzip unless `raw`) to `path`, or stdout for "-",
 * through a temporary file in the same directory and a rename, so a failed
 * write leaves nothing behind.  Prints the error and returns false on
 * failure.
 */
bool hd_cli_write_profile(const struct hd_profile *profile, const char *path, bool raw);

/* Writes `len` bytes to `path` ("-" = stdout) atomically like above. */
bool hd_cli_write_output(const char *path, const void *data, size_t len);

#endif /* HD_CMD_MERGE_H */
