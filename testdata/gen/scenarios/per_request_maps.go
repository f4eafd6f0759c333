package main

// per_request_maps: every request builds a map, uses it and drops it.
// Nothing survives a request, so in-use is ~0 while alloc grows every phase.

const (
	requestsPerPhase = 400
	attrsPerRequest  = 1500
)

var requestsServed, requestAttrs int64

// handleRequest builds a per-request attribute map (no size hint) and drops it.
//
//go:noinline
func handleRequest(req int64) int64 {
	attrs := make(map[int64]int64)
	for i := int64(0); i < attrsPerRequest; i++ {
		attrs[req*7919+i] = i // SITE per_request_maps.attrs
	}
	var sum int64
	for k, v := range attrs {
		sum += k ^ v
	}
	return sum
}

func init() {
	register(&Scenario{
		Name:        "per_request_maps",
		Description: "each request builds a map[int64]int64 of 1500 entries (no hint), uses it and drops it; 400 requests per phase",
		Phase: func(p int) {
			for i := 0; i < requestsPerPhase; i++ {
				sink += handleRequest(int64(p*requestsPerPhase + i))
				requestsServed++
				requestAttrs += attrsPerRequest
			}
		},
		Counts: func() map[string]Count {
			return map[string]Count{
				"per_request_maps.attrs": {Live: 0, Cumulative: requestAttrs, Objects: p64(requestsServed)},
			}
		},
		Sites: []Site{
			{ID: "per_request_maps.attrs", Function: "main.handleRequest", Kind: "map", Shape: "map-growth",
				Owner: "main.handleRequest", Holder: "none: local variable, dropped at the end of the request",
				Verdict: "transient", Unit: "entries", Sizes: mapSizes[int64, int64](),
				Detail: "cumulative = entries inserted over all requests; objects = number of maps built (requests)"},
		},
	})
}
