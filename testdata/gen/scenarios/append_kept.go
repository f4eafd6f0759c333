package main

// append_kept: append without preallocation into a package-level slice that
// is kept and grows every phase (an event log nobody truncates).

const eventsPerPhase = 150000

// Event is one log record (32 bytes, no pointers).
type Event struct {
	TS   int64
	Kind int32
	Val  float64
	ID   int64
}

var eventLog []Event

//go:noinline
func recordEvent(e Event) {
	eventLog = append(eventLog, e) // SITE append_kept.events
}

func init() {
	register(&Scenario{
		Name:        "append_kept",
		Description: "package-level []Event (32-byte elements) appended one at a time without preallocation, never truncated: 150000 appends per phase",
		Phase: func(p int) {
			for i := 0; i < eventsPerPhase; i++ {
				n := int64(p*eventsPerPhase + i)
				recordEvent(Event{TS: n, Kind: int32(i & 7), Val: float64(i), ID: n})
			}
		},
		Counts: func() map[string]Count {
			n := int64(len(eventLog))
			return map[string]Count{
				"append_kept.events": {Live: n, Cumulative: n, Len: p64(n), Cap: p64(int64(cap(eventLog)))},
			}
		},
		Sites: []Site{
			{ID: "append_kept.events", Function: "main.recordEvent", Kind: "slice", Shape: "growth-chain",
				Owner: "main.recordEvent", Holder: "package var eventLog []Event",
				Verdict: "growing", Unit: "elements", Sizes: sliceSizes[Event](),
				Detail: "only the newest backing array is live; older arrays of the growth chain are garbage (alloc >> inuse)"},
		},
	})
}
