package main

// lookup_table: a map built once at start-up (before snapshot 1) and never
// changed afterwards; phases only read it.

const routeCount = 1000000

// routeInfo is a routing-table value (16 bytes, no pointers).
type routeInfo struct {
	Backend uint32
	Weight  uint32
	Flags   uint64
}

var routeTable map[uint32]routeInfo

// buildLookupTable fills the table without a size hint.
//
//go:noinline
func buildLookupTable(n int) map[uint32]routeInfo {
	m := make(map[uint32]routeInfo)
	for i := 0; i < n; i++ {
		k := uint32(mix(uint64(i)))
		m[k] = routeInfo{Backend: uint32(i % 64), Weight: 1, Flags: uint64(i)} // SITE lookup_table.routes
	}
	return m
}

func init() {
	register(&Scenario{
		Name:        "lookup_table",
		Description: "map[uint32]routeInfo of ~1000000 entries built at start-up before snapshot 1 and only read afterwards",
		Setup: func() {
			routeTable = buildLookupTable(routeCount)
		},
		Phase: func(p int) {
			for i := 0; i < 200000; i++ {
				if r, ok := routeTable[uint32(mix(uint64(i*p)))]; ok {
					sink += int64(r.Weight)
				}
			}
		},
		Counts: func() map[string]Count {
			n := int64(len(routeTable))
			return map[string]Count{
				"lookup_table.routes": {Live: n, Cumulative: n},
			}
		},
		Sites: []Site{
			{ID: "lookup_table.routes", Function: "main.buildLookupTable", Kind: "map", Shape: "map-growth",
				Owner: "main.buildLookupTable", Holder: "package var routeTable",
				Verdict: "stable", Unit: "entries", Sizes: mapSizes[uint32, routeInfo](),
				Detail: "start-up burst: all allocation happens before snapshot 1; identical in every snapshot (uint32 keys may collide: live = len(map))"},
		},
	})
}
