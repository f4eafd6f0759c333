package main

var scenarios []*Scenario

func register(s *Scenario) { scenarios = append(scenarios, s) }

// sink keeps results observable so the compiler cannot drop the work.
var sink int64

// mix is a cheap deterministic integer hash used to spread keys.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

func p64(v int64) *int64 { return &v }
