package main

// string_concat: each request builds a header string with += in a loop
// (quadratic garbage) and only keeps its length.

const (
	headersPerPhase = 40
	fieldsPerHeader = 300
)

var headersBuilt, headerBytes int64

//go:noinline
func buildHeader(req int64) int64 {
	s := ""
	for i := 0; i < fieldsPerHeader; i++ {
		s += "x-trace-field: abcdef;" // SITE string_concat.header
	}
	return int64(len(s)) + req
}

func init() {
	register(&Scenario{
		Name:        "string_concat",
		Description: "each request concatenates 300 22-byte fields with s += f (quadratic garbage, ~1 MB allocated per request) and drops the result; 40 requests per phase",
		Phase: func(p int) {
			for i := 0; i < headersPerPhase; i++ {
				headerBytes += buildHeader(0)
				headersBuilt++
			}
		},
		Counts: func() map[string]Count {
			return map[string]Count{
				"string_concat.header": {Live: 0, Cumulative: headerBytes, Objects: p64(headersBuilt)},
			}
		},
		Sites: []Site{
			{ID: "string_concat.header", Function: "main.buildHeader", Kind: "string", Shape: "concat-loop",
				Owner: "main.buildHeader", Holder: "none: local string dropped after each request",
				Verdict: "transient", Unit: "bytes", Sizes: sliceSizes[byte](),
				Detail: "cumulative = bytes of final header strings; objects = headers built; each += allocates a new string of the running length"},
		},
	})
}
