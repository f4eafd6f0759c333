// Command scenarios runs one named heap-growth scenario and writes a series of
// heap-profile snapshots of itself, together with the true entry/element counts
// the program held at each snapshot.
//
//	scenarios -scenario cache_map -out DIR [-snapshots 6]
//	scenarios -truth            # print truth.json (static per-site facts) to stdout
//	scenarios -list             # list scenario names
//
// At each snapshot the program calls runtime.GC() twice (the heap profile
// reports as of the last completed GC, so this publishes everything allocated
// before the snapshot) and then writes, at the same moment:
//
//	DIR/NN.pb.gz  pprof.Lookup("heap").WriteTo(f, 0)   (gzipped proto)
//	DIR/NN.txt    pprof.Lookup("heap").WriteTo(f, 1)   (legacy text, with # symbol
//	                                                    lines and # runtime.MemStats)
//
// After the last snapshot it writes DIR/truth-observed.json.
//
// runtime.MemProfileRate is left at its default (512 KiB). Every allocation
// site lives in its own //go:noinline function, on a line marked with a
// "// SITE <id>" comment; the -truth mode finds those lines in the embedded
// sources, so truth.json cannot drift from the code.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
)

func main() {
	name := flag.String("scenario", "", "scenario to run (see -list)")
	out := flag.String("out", "", "output directory for snapshots")
	snaps := flag.Int("snapshots", 6, "number of snapshots (one phase of work before each)")
	truth := flag.Bool("truth", false, "print truth.json to stdout and exit")
	list := flag.Bool("list", false, "list scenarios and exit")
	flag.Parse()

	switch {
	case *truth:
		if err := writeTruth(os.Stdout); err != nil {
			fatalf("truth: %v", err)
		}
		return
	case *list:
		for _, s := range scenarios {
			fmt.Println(s.Name)
		}
		return
	}
	sc := lookup(*name)
	if sc == nil {
		fatalf("unknown scenario %q (use -list)", *name)
	}
	if *out == "" || *snaps < 1 {
		fatalf("need -out DIR and -snapshots >= 1")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatalf("%v", err)
	}
	run(sc, *out, *snaps)
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "scenarios: "+format+"\n", args...)
	os.Exit(1)
}

// Count is what the program really held for one site at one snapshot.
type Count struct {
	// Live is the number of units (see Site.Unit) reachable at the snapshot.
	Live int64 `json:"live"`
	// Cumulative is the number of units created since start.
	Cumulative int64 `json:"cumulative"`
	// Len/Cap of the slice or buffer itself (slices, buffers, builders).
	Len *int64 `json:"len,omitempty"`
	Cap *int64 `json:"cap,omitempty"`
	// Peak is the largest Live value the site ever had (maps that are emptied).
	Peak *int64 `json:"peak,omitempty"`
	// Objects is the number of separate live heap objects in the container
	// (e.g. number of kept strings.Builder buffers).
	Objects *int64 `json:"objects,omitempty"`
}

func i64(v int) *int64 { x := int64(v); return &x }

type snapshotRecord struct {
	Index       int              `json:"index"`
	Files       []string         `json:"files"`
	HeapAlloc   uint64           `json:"heap_alloc"`
	HeapObjects uint64           `json:"heap_objects"`
	TotalAlloc  uint64           `json:"total_alloc"`
	Mallocs     uint64           `json:"mallocs"`
	NumGC       uint32           `json:"num_gc"`
	Sites       map[string]Count `json:"sites"`
}

type observed struct {
	Format         string           `json:"format"`
	Scenario       string           `json:"scenario"`
	GoVersion      string           `json:"go_version"`
	GOARCH         string           `json:"goarch"`
	MemProfileRate int              `json:"mem_profile_rate"`
	Snapshots      int              `json:"snapshots"`
	Baseline       snapshotRecord   `json:"baseline"`
	Sites          []SiteTruth      `json:"sites"`
	Series         []snapshotRecord `json:"series"`
}

func memRecord(idx int) snapshotRecord {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return snapshotRecord{Index: idx, HeapAlloc: ms.HeapAlloc, HeapObjects: ms.HeapObjects,
		TotalAlloc: ms.TotalAlloc, Mallocs: ms.Mallocs, NumGC: ms.NumGC}
}

func run(sc *Scenario, dir string, n int) {
	runtime.GC()
	runtime.GC()
	obs := observed{
		Format:         "heapdoc-truth-observed/1",
		Scenario:       sc.Name,
		GoVersion:      runtime.Version(),
		GOARCH:         runtime.GOARCH,
		MemProfileRate: runtime.MemProfileRate,
		Snapshots:      n,
		Baseline:       memRecord(0),
	}
	st, err := siteTruths(sc)
	if err != nil {
		fatalf("%v", err)
	}
	obs.Sites = st
	if sc.Setup != nil {
		sc.Setup()
	}
	for i := 1; i <= n; i++ {
		if sc.Phase != nil {
			sc.Phase(i)
		}
		runtime.GC()
		runtime.GC()
		base := fmt.Sprintf("%02d", i)
		writeProfile(filepath.Join(dir, base+".pb.gz"), 0)
		writeProfile(filepath.Join(dir, base+".txt"), 1)
		rec := memRecord(i)
		rec.Files = []string{base + ".pb.gz", base + ".txt"}
		rec.Sites = sc.Counts()
		obs.Series = append(obs.Series, rec)
	}
	f, err := os.Create(filepath.Join(dir, "truth-observed.json"))
	if err != nil {
		fatalf("%v", err)
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obs); err != nil {
		fatalf("%v", err)
	}
	if err := f.Close(); err != nil {
		fatalf("%v", err)
	}
	runtime.KeepAlive(sc)
}

func writeProfile(path string, debug int) {
	f, err := os.Create(path)
	if err != nil {
		fatalf("%v", err)
	}
	if err := pprof.Lookup("heap").WriteTo(f, debug); err != nil {
		fatalf("write %s: %v", path, err)
	}
	if err := f.Close(); err != nil {
		fatalf("%v", err)
	}
}

func lookup(name string) *Scenario {
	for _, s := range scenarios {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func sortedScenarios() []*Scenario {
	out := append([]*Scenario(nil), scenarios...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
