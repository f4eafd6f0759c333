/*
 * legacy.h - private interface between the legacy heap text parser
 * (legacy_text.c) and its memory-map half (legacy_maps.c), which reads
 * the `--- Memory map: ---` / `MAPPED_LIBRARIES:` section and applies
 * pprof's mapping heuristics (profile/legacy_profile.go:
 * parseProcMapsFromScanner, massageMappings, remapMappingIDs).
 */
#ifndef HD_LEGACY_H
#define HD_LEGACY_H

#include "common.h"

struct hd_legacy_mapping {
	uint64_t start, limit, offset;
	struct hd_str file;     /* points into the input, or into `owned` */
	struct hd_str build_id;
};

struct hd_legacy_maps {
	struct hd_legacy_mapping *v;
	size_t n, cap;
	struct hd_buf owned; /* file names made by $attr substitution */
	bool fake;           /* the last mapping is pprof's fake [0, 2^64) */
};

/*
 * Parses the memory-map lines [from, end) (the lines after the sentinel)
 * into maps, then merges adjacent mappings and moves the main binary first
 * (massageMappings).  Unrecognized lines are skipped like pprof does.
 * Returns HD_OK, HD_ERR_NOMEM or HD_ERR_LIMIT.
 */
enum hd_status hd_legacy_maps_parse(struct hd_legacy_maps *maps, const uint8_t *from,
				    const uint8_t *end, uint64_t max_line,
				    struct hd_error *err);

/* pprof's remapMappingIDs heuristics that run before locations are mapped
 * (drop an initial /anon_hugepage, normalize a main binary at 0x400000). */
void hd_legacy_maps_fixup(struct hd_legacy_maps *maps);

/*
 * The index of the mapping holding `address` (remapMappingIDs), adding
 * pprof's fake [0, 2^64) mapping at the end when none does.  Address 0
 * gets HD_NONE.  Returns HD_NONE also when out of memory (*oom set).
 */
uint32_t hd_legacy_maps_find(struct hd_legacy_maps *maps, uint64_t address, bool *oom);

void hd_legacy_maps_release(struct hd_legacy_maps *maps);

#endif /* HD_LEGACY_H */
