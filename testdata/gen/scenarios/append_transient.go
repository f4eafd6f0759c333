package main

// append_transient: each request appends into a fresh local slice without
// preallocation and drops it at the end.

const (
	idRequestsPerPhase = 400
	idsPerRequest      = 4000
)

var idRequests, idsCollected int64

// collectIDs gathers ids into a local slice grown by append, then drops it.
//
//go:noinline
func collectIDs(req int64) int64 {
	var ids []int64
	for i := int64(0); i < idsPerRequest; i++ {
		ids = append(ids, req^i) // SITE append_transient.ids
	}
	var sum int64
	for _, v := range ids {
		sum += v
	}
	return sum
}

func init() {
	register(&Scenario{
		Name:        "append_transient",
		Description: "each request appends 4000 int64 into a local slice without preallocation and drops it; 400 requests per phase",
		Phase: func(p int) {
			for i := 0; i < idRequestsPerPhase; i++ {
				sink += collectIDs(int64(p*idRequestsPerPhase + i))
				idRequests++
				idsCollected += idsPerRequest
			}
		},
		Counts: func() map[string]Count {
			return map[string]Count{
				"append_transient.ids": {Live: 0, Cumulative: idsCollected, Objects: p64(idRequests)},
			}
		},
		Sites: []Site{
			{ID: "append_transient.ids", Function: "main.collectIDs", Kind: "slice", Shape: "growth-chain",
				Owner: "main.collectIDs", Holder: "none: local slice, dropped when the request returns",
				Verdict: "transient", Unit: "elements", Sizes: sliceSizes[int64](),
				Detail: "cumulative = elements appended over all requests; objects = slices built. Go 1.25+: the first 32 bytes live on the stack (not in the profile)"},
		},
	})
}
