/*
 * gunzip.c - inflates gzip-compressed profiles with libdeflate, bounded by
 * a decompressed-size limit.  Handles multi-member streams the way Go's
 * compress/gzip reader does (members are concatenated; anything after the
 * last member that is not another member is an error).  It does not know
 * what the bytes are; parse.c decides that.  See docs/internals/decode.md.
 *
 * Fast path: the ISIZE trailer (size of the last member mod 2^32) is the
 * size hint; for the usual single-member file it is exact, so the output
 * goes straight into the profile's arena in one libdeflate call.  Anything
 * else (several members, a wrong or wrapped ISIZE) takes the slow path: a
 * heap buffer doubled up to the limit, copied into the arena at the end.
 */
#include <libdeflate.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "decode/decode.h"
#include "parts.h"

/* DEFLATE cannot expand more than 1032:1 (a 258-byte match per 2 bits);
 * a trailer announcing more than that is not the real size. */
#define MAX_DEFLATE_RATIO 1032u
#define GZIP_MIN_MEMBER 18u /* 10-byte header + 8-byte trailer */
#define SLOW_MIN_CAP ((size_t)64 * 1024)

/*
 * The fast path's output is fresh memory: every 4 KiB page of it costs
 * the inflater a page fault (a zeroed page from the kernel), about a fifth
 * of inflating 125 MB.  With a second thread allowed, that thread faults
 * the pages in ahead of the inflater (MADV_POPULATE_WRITE, Linux 5.14:
 * pages become present and writable, no byte is written, so it cannot
 * disturb what the inflater already wrote); where the call is not
 * supported it stops at once and the inflater faults as before.
 */
#define PREFAULT_MIN ((size_t)8 << 20)
#define PREFAULT_STEP ((size_t)2 << 20)

struct inflate_job {
	struct libdeflate_decompressor *d;
	const uint8_t *in;
	size_t in_len;
	uint8_t *out;
	size_t out_cap;
	size_t in_used, out_used;
	enum libdeflate_result r;
};

static void inflate_or_prefault(void *arg, unsigned part)
{
	struct inflate_job *j = arg;
	if (part == 0) {
		j->r = libdeflate_gzip_decompress_ex(j->d, j->in, j->in_len, j->out, j->out_cap,
						     &j->in_used, &j->out_used);
		return;
	}
#ifdef MADV_POPULATE_WRITE
	long page = sysconf(_SC_PAGESIZE);
	if (page <= 0)
		return;
	uintptr_t from = ((uintptr_t)j->out + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	uintptr_t to = ((uintptr_t)j->out + j->out_cap) & ~((uintptr_t)page - 1);
	for (uintptr_t at = from; at < to; at += PREFAULT_STEP) {
		size_t n = to - at < PREFAULT_STEP ? to - at : PREFAULT_STEP;
		if (madvise((void *)at, n, MADV_POPULATE_WRITE) != 0)
			return;
	}
#endif
}

/*
 * Explains why libdeflate rejected the member at `in`: parses the header
 * and inflates the raw DEFLATE body to tell a truncated stream from a bad
 * CRC or size.  Only runs on the error path.
 */
static enum hd_status explain_bad_member(struct libdeflate_decompressor *d,
					 const uint8_t *in, size_t in_len,
					 uint64_t base, uint8_t *scratch,
					 size_t scratch_len, struct hd_error *err)
{
	if (in_len < 10)
		return hd_error_set_at(err, HD_ERR_GZIP, base,
				       "truncated gzip header");
	if (in[0] != 0x1f || in[1] != 0x8b)
		return hd_error_set_at(err, HD_ERR_GZIP, base, "bad gzip magic");
	if (in[2] != 8)
		return hd_error_set_at(err, HD_ERR_GZIP, base,
				       "unsupported gzip compression method %u", in[2]);
	unsigned flags = in[3];
	size_t pos = 10;
	if (flags & 0x04) { /* FEXTRA */
		if (in_len - pos < 2)
			return hd_error_set_at(err, HD_ERR_GZIP, base, "truncated gzip header");
		size_t xlen = (size_t)in[pos] | ((size_t)in[pos + 1] << 8);
		pos += 2;
		if (in_len - pos < xlen)
			return hd_error_set_at(err, HD_ERR_GZIP, base, "truncated gzip header");
		pos += xlen;
	}
	for (unsigned bit = 0x08; bit <= 0x10; bit <<= 1) { /* FNAME, FCOMMENT */
		if (!(flags & bit))
			continue;
		const uint8_t *z = memchr(in + pos, 0, in_len - pos);
		if (!z)
			return hd_error_set_at(err, HD_ERR_GZIP, base, "truncated gzip header");
		pos = (size_t)(z - in) + 1;
	}
	if (flags & 0x02) { /* FHCRC */
		if (in_len - pos < 2)
			return hd_error_set_at(err, HD_ERR_GZIP, base, "truncated gzip header");
		pos += 2;
	}
	size_t body_used = 0, out_used = 0;
	enum libdeflate_result r = libdeflate_deflate_decompress_ex(
		d, in + pos, in_len - pos, scratch, scratch_len, &body_used, &out_used);
	if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
		return hd_error_set_at(err, HD_ERR_GZIP, base,
				       "corrupt gzip data (size does not match trailer)");
	if (r != LIBDEFLATE_SUCCESS)
		return hd_error_set_at(err, HD_ERR_GZIP, base + pos,
				       "corrupt or truncated deflate data");
	pos += body_used;
	if (in_len - pos < 8)
		return hd_error_set_at(err, HD_ERR_GZIP, base + pos,
				       "truncated gzip data (trailer missing)");
	uint32_t crc = (uint32_t)in[pos] | (uint32_t)in[pos + 1] << 8 |
		       (uint32_t)in[pos + 2] << 16 | (uint32_t)in[pos + 3] << 24;
	if (crc != libdeflate_crc32(0, scratch, out_used))
		return hd_error_set_at(err, HD_ERR_GZIP, base + pos, "gzip crc mismatch");
	return hd_error_set_at(err, HD_ERR_GZIP, base + pos + 4, "gzip size mismatch");
}

static enum hd_status limit_error(struct hd_error *err, uint64_t max_out)
{
	return hd_error_set(err, HD_ERR_LIMIT,
			    "decompressed size exceeds the limit of %llu bytes "
			    "(see --max-decompressed)",
			    (unsigned long long)max_out);
}

/*
 * Counts the bytes the gzip members at `in` inflate to, with zlib in a fixed
 * window, stopping as soon as the count passes max_out.  Returns HD_OK and
 * the count, HD_ERR_LIMIT (error filled) past the limit, or HD_ERR_GZIP
 * without filling err when zlib rejects the data (the caller explains it).
 * Stops quietly at trailing bytes that are not another member; the caller
 * reports those.
 */
static enum hd_status count_inflated(const uint8_t *in, size_t in_len,
				     size_t max_out, size_t *total_ret,
				     struct hd_error *err)
{
	uint8_t *window = hd_malloc(SLOW_MIN_CAP);
	if (!window)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory inflating gzip data");
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	enum hd_status st = HD_OK;
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		hd_free(window);
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory inflating gzip data");
	}
	size_t pos = 0;
	uint64_t total = 0;
	while (pos < in_len) {
		if (in_len - pos < 2 || in[pos] != 0x1f || in[pos + 1] != 0x8b)
			break;
		inflateReset(&zs);
		int zr = Z_OK;
		size_t member_start = pos;
		while (zr != Z_STREAM_END) {
			size_t avail = in_len - pos;
			zs.next_in = (Bytef *)(uintptr_t)(in + pos);
			zs.avail_in = avail > UINT32_MAX ? UINT32_MAX : (uInt)avail;
			zs.next_out = window;
			zs.avail_out = (uInt)SLOW_MIN_CAP;
			zr = inflate(&zs, Z_NO_FLUSH);
			size_t consumed = (size_t)(zs.next_in - (in + pos));
			pos += consumed;
			total += SLOW_MIN_CAP - zs.avail_out;
			if (total > max_out) {
				st = limit_error(err, max_out);
				goto out;
			}
			if (zr == Z_STREAM_END)
				break;
			if (zr != Z_OK || (consumed == 0 && zs.avail_out == SLOW_MIN_CAP)) {
				st = HD_ERR_GZIP; /* corrupt or truncated: explained later */
				goto out;
			}
		}
		if (pos == member_start)
			break;
	}
	*total_ret = (size_t)total;
out:
	inflateEnd(&zs);
	hd_free(window);
	return st;
}

/* The slow path: any number of members, output size unknown. */
static enum hd_status gunzip_slow(struct libdeflate_decompressor *d,
				  const uint8_t *in, size_t in_len,
				  size_t max_out, size_t first_cap,
				  struct hd_arena *arena, uint8_t **out_ret,
				  size_t *out_len_ret, struct hd_error *err)
{
	enum hd_status st = HD_OK;
	size_t cap = first_cap < SLOW_MIN_CAP ? SLOW_MIN_CAP : first_cap;
	if (cap > max_out)
		cap = max_out;
	uint8_t *buf = hd_malloc(cap ? cap : 1);
	if (!buf)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory inflating gzip data");
	size_t pos = 0, used = 0;
	while (pos < in_len) {
		if (in_len - pos < 2 || in[pos] != 0x1f || in[pos + 1] != 0x8b) {
			st = hd_error_set_at(err, HD_ERR_GZIP, pos,
					     "trailing data after gzip member");
			goto out;
		}
		size_t in_used = 0, out_used = 0;
		enum libdeflate_result r = libdeflate_gzip_decompress_ex(
			d, in + pos, in_len - pos, buf + used, cap - used,
			&in_used, &out_used);
		if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
			if (cap >= max_out) {
				st = limit_error(err, max_out);
				goto out;
			}
			size_t ncap = cap > max_out / 2 ? max_out : cap * 2;
			uint8_t *nb = hd_realloc(buf, ncap);
			if (!nb) {
				st = hd_error_set(err, HD_ERR_NOMEM,
						  "out of memory inflating gzip data");
				goto out;
			}
			buf = nb;
			cap = ncap;
			continue; /* inflate this member again, with more room */
		}
		if (r != LIBDEFLATE_SUCCESS) {
			st = explain_bad_member(d, in + pos, in_len - pos, pos,
						buf + used, cap - used, err);
			goto out;
		}
		pos += in_used;
		used += out_used;
	}
	uint8_t *out = hd_arena_memdup(arena, buf, used ? used : 1);
	if (!out) {
		st = hd_error_set(err, HD_ERR_NOMEM, "out of memory inflating gzip data");
		goto out;
	}
	*out_ret = out;
	*out_len_ret = used;
out:
	hd_free(buf);
	return st;
}

enum hd_status hd_gunzip(const uint8_t *in, size_t in_len, uint64_t max_out64,
			 struct hd_arena *arena, uint8_t **out_ret,
			 size_t *out_len_ret, struct hd_error *err)
{
	size_t max_out = max_out64 > SIZE_MAX ? SIZE_MAX : (size_t)max_out64;
	if (in_len < GZIP_MIN_MEMBER)
		return hd_error_set_at(err, HD_ERR_GZIP, in_len,
				       "truncated gzip data (%zu bytes)", in_len);
	const uint8_t *t = in + in_len - 4;
	uint64_t hint = (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 |
			(uint64_t)t[3] << 24;
	uint64_t ceiling;
	bool plausible = !__builtin_mul_overflow((uint64_t)in_len, MAX_DEFLATE_RATIO, &ceiling) &&
			 hint <= ceiling;
	if (plausible && hint > max_out)
		return hd_error_set(err, HD_ERR_LIMIT,
				    "gzip trailer announces %llu decompressed bytes, "
				    "above the limit of %llu (see --max-decompressed)",
				    (unsigned long long)hint,
				    (unsigned long long)max_out);

	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	if (!d)
		return hd_error_set(err, HD_ERR_NOMEM, "out of memory inflating gzip data");
	enum hd_status st;
	if (plausible) {
		uint8_t *out = hd_arena_alloc(arena, hint ? (size_t)hint : 1);
		if (!out) {
			st = hd_error_set(err, HD_ERR_NOMEM, "out of memory inflating gzip data");
			goto out;
		}
		struct inflate_job job = {d, in, in_len, out, (size_t)hint, 0, 0,
					  LIBDEFLATE_BAD_DATA};
		hd_parts_run(hint >= PREFAULT_MIN ? hd_parts_for(2, 1) : 1, inflate_or_prefault,
			     &job);
		enum libdeflate_result r = job.r;
		if (r == LIBDEFLATE_SUCCESS && job.in_used == in_len) {
			*out_ret = out;
			*out_len_ret = job.out_used;
			st = HD_OK;
			goto out;
		}
		if (r == LIBDEFLATE_BAD_DATA) {
			/* Inflate again to a scratch buffer only to explain. */
			size_t scratch_len = hint ? (size_t)hint : 1;
			st = explain_bad_member(d, in, in_len, 0, out, scratch_len, err);
			goto out;
		}
		/* Several members, or ISIZE was not this member's size. */
	}
	size_t total = 0;
	st = count_inflated(in, in_len, max_out, &total, err);
	if (st == HD_ERR_LIMIT || st == HD_ERR_NOMEM)
		goto out;
	if (st == HD_OK) {
		/* Exact size known: one buffer, never doubled past the data. */
		st = gunzip_slow(d, in, in_len, total, total, arena, out_ret,
				 out_len_ret, err);
		goto out;
	}
	/* Corrupt data: inflate only as far as needed to explain the error. */
	st = gunzip_slow(d, in, in_len, max_out < ((size_t)16 << 20) ? max_out : ((size_t)16 << 20),
			 SLOW_MIN_CAP, arena, out_ret, out_len_ret, err);
	if (st == HD_ERR_LIMIT)
		st = hd_error_set(err, HD_ERR_GZIP, "corrupt or truncated gzip data");
out:
	libdeflate_free_decompressor(d);
	return st;
}
