/*
 * diagnose_render.h - the three renderings of a struct hd_diagnosis (JSON
 * contract, incident text, markdown report), shared by diagnose_json.c
 * (which also holds the public dispatcher hd_diagnosis_render()),
 * diagnose_text.c and diagnose_md.c.  Private to the render layer.
 */
#ifndef HD_RENDER_DIAGNOSE_H
#define HD_RENDER_DIAGNOSE_H

#include "common.h"

void hd_render_diagnosis_json(struct hd_buf *b, const struct hd_diagnosis *d);
void hd_render_diagnosis_text(struct hd_buf *b, const struct hd_diagnosis *d,
			      const struct hd_diagnosis_render_options *o);
void hd_render_diagnosis_markdown(struct hd_buf *b, const struct hd_diagnosis *d,
				  const struct hd_diagnosis_render_options *o);


#endif /* HD_RENDER_DIAGNOSE_H */
