// Command trendcheck asserts on the JSON of `heapdoc trend --format=json`
// for heapdoc's CLI tests (tests/cli/collect_trend.sh): the leaking site is
// growing at the right order of magnitude, every other site is not, the
// identical-snapshot collapse is reported, and the MemStats breakdown adds
// up to Sys.  It prints what it checked and exits 1 on the first mismatch.
// Standard library only.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
)

type frame struct {
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int64  `json:"line"`
}

type finding struct {
	Scope       string   `json:"scope"`
	Site        frame    `json:"site"`
	Owner       frame    `json:"owner"`
	Stack       []string `json:"stack"`
	Verdict     string   `json:"verdict"`
	InuseBytes  int64    `json:"inuse_bytes"`
	Series      []int64  `json:"series"`
	Slope       float64  `json:"slope_bytes_per_min"`
	GrowthSlope float64  `json:"growth_slope_bytes_per_min"`
	R2          *float64 `json:"r2"`
	Kind        *string  `json:"kind"`
	Advice      []string `json:"advice"`
	GrowthStart *struct {
		Index     int   `json:"index"`
		TimeNanos int64 `json:"time_nanos"`
	} `json:"growth_start"`
}

type report struct {
	SampleType string `json:"sample_type"`
	Profiles   []struct {
		Path      string `json:"path"`
		TimeNanos int64  `json:"time_nanos"`
		Epoch     int    `json:"epoch"`
		Total     int64  `json:"total"`
	} `json:"profiles"`
	NObservations int `json:"n_observations"`
	Total         struct {
		Verdict string  `json:"verdict"`
		Series  []int64 `json:"series"`
	} `json:"total"`
	Findings []finding `json:"findings"`
	Memstats *struct {
		Sys       uint64 `json:"sys"`
		HeapInuse uint64 `json:"heap_inuse"`
		NumGC     uint64 `json:"num_gc"`
		Breakdown []struct {
			Name  string `json:"name"`
			Bytes uint64 `json:"bytes"`
		} `json:"breakdown"`
	} `json:"memstats"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "trendcheck: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	growing := flag.String("growing", "", "function that must be the only growing site")
	minRate := flag.Float64("min-rate", 0, "its growth slope must be at least this (bytes/min)")
	maxRate := flag.Float64("max-rate", 0, "and at most this (bytes/min; 0 = no bound)")
	snapshots := flag.Int("snapshots", 0, "number of profiles expected (0 = any)")
	observations := flag.Int("observations", 0, "n_observations expected (0 = any)")
	memstats := flag.Bool("memstats", false, "memstats must be present and add up to Sys")
	kind := flag.String("kind", "", "the growing site's container kind, as diagnose says")
	flag.Parse()
	if flag.NArg() != 1 {
		fail("usage: trendcheck [flags] REPORT.json")
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fail("%v", err)
	}
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		fail("invalid JSON: %v", err)
	}
	if r.SampleType != "inuse_space" {
		fail("sample_type %q", r.SampleType)
	}
	if *snapshots > 0 && len(r.Profiles) != *snapshots {
		fail("%d profiles, want %d", len(r.Profiles), *snapshots)
	}
	if *observations > 0 && r.NObservations != *observations {
		fail("n_observations %d, want %d", r.NObservations, *observations)
	}
	if len(r.Total.Series) != len(r.Profiles) {
		fail("total series has %d values for %d profiles", len(r.Total.Series), len(r.Profiles))
	}
	for i := 1; i < len(r.Profiles); i++ {
		if r.Profiles[i].TimeNanos < r.Profiles[i-1].TimeNanos {
			fail("profiles out of time order at %d", i)
		}
	}
	if *growing != "" {
		found := false
		for _, f := range r.Findings {
			if len(f.Series) != len(r.Profiles) {
				fail("%s: series of %d values", f.Site.Function, len(f.Series))
			}
			if f.R2 == nil {
				fail("%s: no r2", f.Site.Function)
			}
			if f.Scope != "site" {
				if f.Kind != nil {
					fail("owner finding %s has a kind", f.Site.Function)
				}
				continue
			}
			if f.Kind == nil {
				fail("site finding %s has no kind", f.Site.Function)
			}
			if f.Site.Function == *growing {
				found = true
				if f.Verdict != "growing" {
					fail("%s is %s, want growing (series %v)", *growing, f.Verdict, f.Series)
				}
				if f.GrowthSlope < *minRate || (*maxRate > 0 && f.GrowthSlope > *maxRate) {
					fail("%s grows at %.0f B/min, want %.0f..%.0f", *growing, f.GrowthSlope, *minRate, *maxRate)
				}
				if *kind != "" && *f.Kind != *kind {
					fail("%s is a %s, want %s", *growing, *f.Kind, *kind)
				}
				if *kind != "" && len(f.Advice) == 0 {
					fail("%s: no advice", *growing)
				}
				if f.GrowthStart == nil {
					fail("%s: growing without growth_start", *growing)
				}
				if len(f.Stack) == 0 || f.Stack[0] != *growing {
					fail("%s: stack %v does not start at the site", *growing, f.Stack)
				}
				fmt.Printf("trendcheck: %s growing at %.1f MiB/min (series %v)\n", *growing, f.GrowthSlope/(1<<20), f.Series)
			} else if f.Verdict == "growing" {
				fail("%s (%s:%d) is growing too (series %v)", f.Site.Function, f.Site.File, f.Site.Line, f.Series)
			}
		}
		if !found {
			fail("no site %s", *growing)
		}
	}
	if *memstats {
		m := r.Memstats
		if m == nil {
			fail("no memstats")
		}
		var sum uint64
		for _, p := range m.Breakdown {
			sum += p.Bytes
		}
		if sum != m.Sys || m.Sys == 0 || m.HeapInuse == 0 || m.NumGC == 0 {
			fail("memstats: breakdown sums to %d, Sys %d, HeapInuse %d, NumGC %d", sum, m.Sys, m.HeapInuse, m.NumGC)
		}
		fmt.Printf("trendcheck: memstats Sys %d = sum of %d parts\n", m.Sys, len(m.Breakdown))
	}
	fmt.Println("trendcheck: ok")
}
