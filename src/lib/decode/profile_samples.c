/*
 * profile_samples.c - pass 5 of the profile.proto decoder (profile_pb.c
 * has passes 1-4): every sample's location indices, values and labels,
 * written straight into the arrays pass 1 sized.  It is the decoder's hot
 * loop (40 million location ids in a large heap profile).
 *
 * Large profiles are decoded in parts on several threads: pass 1 left a
 * mark at the first sample after every 1/64 of the buffer, with the exact
 * number of samples, location ids and labels before it, so a part that
 * starts at a mark knows where its output goes.  Each part keeps its own
 * cursors and error; the first failing part in input order reports, which
 * is the error a single pass would have met first.  Labels pass 1 counted
 * but pprof drops (key, str, num all 0) leave a gap that is closed after
 * the parts end.  docs/internals/decode.md.
 */
#include "decode/profile_pb.h"
#include "parts.h"

static enum hd_status fill_label(struct hd_pbctx *c, const uint8_t *q, size_t len)
{
	uint64_t x[4] = {0, 0, 0, 0};
	enum hd_status st = hd_pb_read_varints(c, q, len, "label", x, 4);
	if (st)
		return st;
	struct hd_label l;
	memset(&l, 0, sizeof(l));
	if ((st = hd_pb_get_string(c, (int64_t)x[0], "label", &l.key)))
		return st;
	if (x[1] != 0) {
		if ((st = hd_pb_get_string(c, (int64_t)x[1], "label", &l.str)))
			return st;
		l.num_unit = c->strings[0];
	} else if (x[2] != 0 || x[3] != 0) {
		if ((st = hd_pb_get_string(c, (int64_t)x[3], "label", &l.num_unit)))
			return st;
		l.is_num = true;
		l.num = (int64_t)x[2];
		l.str = c->strings[0];
	} else {
		return HD_OK; /* str, num and num_unit all 0: pprof drops it */
	}
	c->p->labels[c->label_pos++] = l;
	return HD_OK;
}

static inline enum hd_status add_loc(struct hd_pbctx *c, uint64_t id, uint64_t sample,
				     const uint8_t *at)
{
	uint32_t index = hd_idmap_get(&c->locations, id);
	if (HD_UNLIKELY(index == HD_NONE))
		return hd_error_set_at(c->err, HD_ERR_PROFILE, hd_pb_off(c, at),
				       "sample %llu references unknown location id %llu",
				       (unsigned long long)sample, (unsigned long long)id);
	c->p->sample_locs[c->sloc_pos++] = index;
	return HD_OK;
}

/*
 * A packed list of location ids: the hot loop of the whole decoder.  When
 * the list's last byte ends a varint, no varint inside can run past the
 * end, so the usual 1-3 byte ids are read without bounds checks, and
 * sequential ids (what Go writes) map to indices without a table.
 */
static enum hd_status fill_locs_packed(struct hd_pbctx *c, const uint8_t *x, size_t len,
				       uint64_t sample)
{
	struct hd_profile *p = c->p;
	const uint8_t *xend = x + len;
	uint32_t *out = p->sample_locs + c->sloc_pos;
	const uint64_t base = c->locations.base, n_seq = c->locations.n_sequential;
	if (len && xend[-1] < 0x80) {
		/* q and o never have their address taken: they stay in registers. */
		const uint8_t *q = x;
		uint32_t *o = out;
		while (q < xend) {
			uint64_t v = q[0];
			unsigned n = 1;
			if (v >= 0x80) {
				uint64_t b1 = q[1];
				v = (v & 0x7f) | (b1 & 0x7f) << 7;
				n = 2;
				if (b1 >= 0x80) {
					uint64_t b2 = q[2];
					if (b2 >= 0x80)
						break; /* 4+ bytes: the general loop */
					v |= b2 << 14;
					n = 3;
				}
			}
			if (HD_UNLIKELY(v - base >= n_seq))
				break; /* not a sequential id: the general loop */
			*o++ = (uint32_t)(v - base);
			q += n;
		}
		x = q;
		out = o;
	}
	while (x < xend) {
		const uint8_t *vat = x;
		uint64_t v;
		enum hd_pb_result r = hd_pb_read_varint(&x, xend, &v);
		if (r != HD_PB_OK) {
			c->sloc_pos = (uint64_t)(out - p->sample_locs);
			return hd_pb_wire_error(c, r, vat, "sample location ids");
		}
		uint32_t li = hd_idmap_get(&c->locations, v);
		if (HD_UNLIKELY(li == HD_NONE)) {
			c->sloc_pos = (uint64_t)(out - p->sample_locs);
			return add_loc(c, v, sample, vat);
		}
		*out++ = li;
	}
	c->sloc_pos = (uint64_t)(out - p->sample_locs);
	return HD_OK;
}

static enum hd_status fill_sample(struct hd_pbctx *c, const struct hd_pb_field *sf)
{
	struct hd_profile *p = c->p;
	uint64_t index = c->sample_pos++;
	struct hd_sample *s = &p->samples[index];
	uint32_t n_st = p->n_sample_types;
	int64_t *values = p->values + index * n_st;
	uint32_t n_values = 0;
	enum hd_status st;
	s->first_loc = c->sloc_pos;
	s->first_label = c->label_pos;
	const uint8_t *q = sf->data, *qend = sf->data + sf->len;
	while (q < qend) {
		const uint8_t *at = q;
		struct hd_pb_field f;
		enum hd_pb_result r = hd_pb_next_field(&q, qend, &f);
		if (r != HD_PB_OK)
			return hd_pb_wire_error(c, r, at, "sample");
		uint64_t v;
		if (f.number == 1) {
			if (f.wire_type == 0) {
				if ((st = add_loc(c, f.value, index, at)))
					return st;
				continue;
			}
			if ((st = fill_locs_packed(c, f.data, f.len, index)))
				return st;
		} else if (f.number == 2) {
			if (f.wire_type == 0) {
				if (n_values < n_st)
					values[n_values] = (int64_t)f.value;
				n_values++;
				continue;
			}
			const uint8_t *x = f.data, *xend = f.data + f.len;
			while (x < xend) {
				const uint8_t *vat = x;
				if ((r = hd_pb_read_varint(&x, xend, &v)) != HD_PB_OK)
					return hd_pb_wire_error(c, r, vat, "sample values");
				if (n_values < n_st)
					values[n_values] = (int64_t)v;
				n_values++;
			}
		} else if (f.number == 3) {
			if ((st = fill_label(c, f.data, f.len)))
				return st;
		}
	}
	/* Pass 1 counted the same values, so this only guards the arrays. */
	if (n_values != n_st)
		return hd_error_set_at(c->err, HD_ERR_INTERNAL, hd_pb_off(c, sf->data),
				       "sample value count changed between passes");
	s->n_locs = (uint32_t)(c->sloc_pos - s->first_loc);
	s->n_labels = (uint32_t)(c->label_pos - s->first_label);
	return HD_OK;
}

/* ======================================================================
 * Parts
 * ====================================================================== */

/* One part: the samples from a mark to the next part's mark. */
struct samples_part {
	struct hd_pbctx c;       /* a copy with this part's cursors and error */
	struct hd_error err;
	size_t from, to;         /* buffer offsets: top-level fields */
	const struct hd_pb_mark *mark;
	enum hd_status st;
};

static void fill_part(void *arg, unsigned index)
{
	struct samples_part *part = &((struct samples_part *)arg)[index];
	struct hd_pbctx *c = &part->c;
	const uint8_t *q = c->base + part->from, *end = c->base + part->to;
	enum hd_status st = HD_OK;
	while (q < end && st == HD_OK) {
		const uint8_t *at = q;
		struct hd_pb_field f;
		/* pass 1 validated the top-level fields */
		if (hd_pb_next_field(&q, end, &f) != HD_PB_OK)
			st = hd_error_set_at(c->err, HD_ERR_INTERNAL, hd_pb_off(c, at),
					     "protobuf changed between passes");
		else if (f.number == F_SAMPLE)
			st = fill_sample(c, &f);
	}
	part->st = st;
}

/*
 * Moves each part's labels down to where the previous part's really ended
 * (labels pprof drops leave gaps) and fixes the samples' first_label.
 */
static void close_label_gaps(struct hd_profile *p, struct samples_part *parts, unsigned k)
{
	uint64_t end = parts[0].c.label_pos;
	for (unsigned i = 1; i < k; i++) {
		uint64_t start = parts[i].mark->label, n = parts[i].c.label_pos - start;
		if (end != start) {
			memmove(&p->labels[end], &p->labels[start], (size_t)n * sizeof(*p->labels));
			uint64_t last = i + 1 < k ? parts[i + 1].mark->sample : parts[i].c.sample_pos;
			for (uint64_t s = parts[i].mark->sample; s < last; s++)
				p->samples[s].first_label -= start - end;
		}
		end += n;
	}
	p->n_labels = end;
}

enum hd_status hd_pb_fill_samples(struct hd_pbctx *c)
{
	struct hd_profile *p = c->p;
	if (c->n[F_SAMPLE] == 0 || c->n_marks == 0)
		return HD_OK;
	unsigned k = c->exact_locs ? hd_parts_for(c->n_sample_locs, hd_parts_min_frames()) : 1;
	struct samples_part parts[HD_PARTS_MAX];
	/* Part i starts at the first mark at or after i/k of the sample bytes. */
	size_t lo = c->first[F_SAMPLE], hi = c->last_end[F_SAMPLE];
	unsigned n = 0, next = 0;
	for (unsigned i = 0; i < k && next < c->n_marks; i++) {
		size_t target = lo + (size_t)((double)(hi - lo) * i / k);
		unsigned m = next;
		while (m < c->n_marks && c->marks[m].offset < target)
			m++;
		if (m == c->n_marks)
			break;
		parts[n].mark = &c->marks[m];
		parts[n].from = c->marks[m].offset;
		n++;
		next = m + 1;
	}
	for (unsigned i = 0; i < n; i++) {
		struct samples_part *part = &parts[i];
		part->to = i + 1 < n ? parts[i + 1].from : hi;
		part->c = *c;
		memset(&part->err, 0, sizeof(part->err));
		part->c.err = &part->err;
		part->c.sample_pos = part->mark->sample;
		part->c.sloc_pos = part->mark->loc;
		part->c.label_pos = part->mark->label;
		part->st = HD_OK;
	}
	hd_parts_run(n, fill_part, parts);
	for (unsigned i = 0; i < n; i++) {
		if (parts[i].st == HD_OK)
			continue;
		if (c->err)
			*c->err = parts[i].err;
		return parts[i].st;
	}
	/* Pass 1 counted the same samples and ids: every part ends where the
	 * next one starts. */
	for (unsigned i = 0; i + 1 < n; i++)
		if (parts[i].c.sample_pos != parts[i + 1].mark->sample ||
		    parts[i].c.sloc_pos != parts[i + 1].mark->loc)
			return hd_error_set(c->err, HD_ERR_INTERNAL,
					    "sample count changed between passes");
	p->n_samples = parts[n - 1].c.sample_pos;
	p->n_sample_locs = parts[n - 1].c.sloc_pos;
	close_label_gaps(p, parts, n);
	return HD_OK;
}
