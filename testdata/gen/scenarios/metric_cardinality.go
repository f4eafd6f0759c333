package main

import "fmt"

// metric_cardinality: a metrics registry keyed by a name built with
// fmt.Sprintf that embeds an unbounded label (an item id in the request path):
// the classic label-cardinality explosion. Three sites grow together: the
// Sprintf'd name strings, the registry map and the *Counter objects.

const metricsPerPhase = 100000

// Counter is one metric series (16 bytes, no pointers).
type Counter struct {
	Value uint64
	Last  int64
}

// Registry maps a series name to its counter; series are never removed.
type Registry struct {
	series map[string]*Counter
}

var registry = &Registry{series: map[string]*Counter{}}

var metricNameBytes int64

// counterName formats the series name. Besides the result string (allocated
// inside fmt.Sprintf), boxing id into an interface allocates 8 bytes at this
// line (runtime.convT64, hidden by runtime/pprof, so it shows as this function).
//
//go:noinline
func counterName(service string, id int64) string {
	return fmt.Sprintf("%s_requests_total{path=\"/api/v1/items/%d\"}", service, id) // SITE metric_cardinality.name
}

//go:noinline
func newCounter() *Counter {
	return &Counter{Value: 1} // SITE metric_cardinality.counter
}

//go:noinline
func (r *Registry) Inc(name string, now int64) {
	c, ok := r.series[name]
	if !ok {
		c = newCounter()
		r.series[name] = c // SITE metric_cardinality.series
	}
	c.Value++
	c.Last = now
}

func metricNameSize() int {
	n := len(counterName("checkout", 1234567))
	for _, c := range []int{8, 16, 24, 32, 48, 64, 80, 96, 112, 128} {
		if n <= c {
			return c
		}
	}
	return n
}

func init() {
	register(&Scenario{
		Name: "metric_cardinality",
		Description: fmt.Sprintf("metrics registry map[string]*Counter keyed by fmt.Sprintf(\"%%s_requests_total{path=\\\"/api/v1/items/%%d\\\"}\") "+
			"with an unbounded id label: %d new series per phase, never removed", metricsPerPhase),
		Phase: func(p int) {
			for i := 0; i < metricsPerPhase; i++ {
				id := int64(1000000 + (p-1)*metricsPerPhase + i)
				name := counterName("checkout", id)
				metricNameBytes += int64(len(name))
				registry.Inc(name, id)
			}
		},
		Counts: func() map[string]Count {
			n := int64(len(registry.series))
			return map[string]Count{
				"metric_cardinality.series":  {Live: n, Cumulative: n},
				"metric_cardinality.counter": {Live: n, Cumulative: n},
				"metric_cardinality.name":    {Live: n, Cumulative: n, Len: p64(metricNameBytes)},
			}
		},
		Sites: []Site{
			{ID: "metric_cardinality.series", Function: "main.(*Registry).Inc", Kind: "map", Shape: "map-growth",
				Owner: "main.(*Registry).Inc", Holder: "package var registry (*Registry).series",
				Verdict: "growing", Unit: "entries", Sizes: mapSizes[string, *Counter]()},
			{ID: "metric_cardinality.counter", Function: "main.newCounter", Kind: "object", Shape: "fixed",
				Owner: "main.(*Registry).Inc", Holder: "values of registry.series",
				Verdict: "growing", Unit: "objects", Sizes: objectSizes[Counter]()},
			{ID: "metric_cardinality.name", Function: "main.counterName", StdLeaf: []string{"fmt.Sprintf"},
				Kind: "string", Shape: "sprintf",
				Owner: "main.(*Registry).Inc", Holder: "keys of registry.series",
				Verdict: "growing", Unit: "strings", Sizes: Sizes{ObjectSize: metricNameSize()},
				Detail: "one Sprintf result per series (leaf fmt.Sprintf, 53 bytes -> 64-byte class); the same line also has samples " +
					"whose leaf is main.counterName itself: 8-byte boxed ids (runtime.convT64, tiny allocator, recorded as 16-byte blocks), kept alive by nothing (transient)"},
		},
	})
}
