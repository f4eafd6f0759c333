package main

import (
	"bytes"
	"strconv"
)

// bytes_buffer: two bytes.Buffer sites.
//   - kept: a package-level audit log buffer that is only ever appended to
//     (growing; old backing arrays of the doubling chain become garbage);
//   - transient: each request renders its response into a local buffer and
//     drops it (transient).

const (
	auditLinesPerPhase = 50000 // ~80 bytes each: ~4 MB per phase
	rendersPerPhase    = 150
	rowsPerRender      = 2000 // ~64 bytes each: ~128 KB per response
)

var auditLog bytes.Buffer

var auditLines, renders, renderBytes int64

//go:noinline
func appendAudit(user int64, action string) {
	var line [128]byte
	b := append(line[:0], "audit user="...)
	b = strconv.AppendInt(b, user, 10)
	b = append(b, " action="...)
	b = append(b, action...)
	b = append(b, " result=ok status=200 latency_ms=12 region=eu-west-1\n"...)
	auditLog.Write(b) // SITE bytes_buffer.audit
}

// renderResponse renders rows into a local buffer and returns only its length.
//
//go:noinline
func renderResponse(req int64) int64 {
	var b bytes.Buffer
	for i := 0; i < rowsPerRender; i++ {
		b.WriteString("<tr><td>row</td><td>value value value value</td><td>ok</td></tr>\n") // SITE bytes_buffer.render
	}
	return int64(b.Len()) + req
}

func init() {
	register(&Scenario{
		Name:        "bytes_buffer",
		Description: "package-level bytes.Buffer audit log appended forever (kept), plus a per-request bytes.Buffer response renderer (transient)",
		Phase: func(p int) {
			for i := 0; i < auditLinesPerPhase; i++ {
				appendAudit(int64(p*auditLinesPerPhase+i), "login")
				auditLines++
			}
			for i := 0; i < rendersPerPhase; i++ {
				n := renderResponse(0)
				renders++
				renderBytes += n
			}
		},
		Counts: func() map[string]Count {
			n := int64(auditLog.Len())
			return map[string]Count{
				"bytes_buffer.audit":  {Live: n, Cumulative: n, Len: p64(n), Cap: p64(int64(auditLog.Cap())), Objects: p64(auditLines)},
				"bytes_buffer.render": {Live: 0, Cumulative: renderBytes, Objects: p64(renders)},
			}
		},
		Sites: []Site{
			{ID: "bytes_buffer.audit", Function: "main.appendAudit",
				StdLeaf: []string{"bytes.growSlice", "bytes.(*Buffer).grow", "bytes.(*Buffer).Write"},
				Kind:    "buffer", Shape: "growth-chain",
				Owner: "main.appendAudit", Holder: "package var auditLog bytes.Buffer",
				Verdict: "growing", Unit: "bytes", Sizes: sliceSizes[byte](),
				Detail: "one ~90-byte line per call (built on the stack); live/len/cap are the buffer's bytes; objects = lines written"},
			{ID: "bytes_buffer.render", Function: "main.renderResponse",
				StdLeaf: []string{"bytes.growSlice", "bytes.(*Buffer).grow", "bytes.(*Buffer).WriteString"},
				Kind:    "buffer", Shape: "growth-chain",
				Owner: "main.renderResponse", Holder: "none: local bytes.Buffer dropped after each request",
				Verdict: "transient", Unit: "bytes", Sizes: sliceSizes[byte](),
				Detail: "cumulative = bytes written over all renders; objects = renders"},
		},
	})
}
