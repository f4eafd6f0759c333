// Command check summarises, for scenario outputs written by ../scenarios,
// how many heap-profile samples each truth site received, by reading the
// debug=1 text snapshots (NN.txt) and DIR/truth-observed.json.
//
//	check [-last] DIR...   one line per site per snapshot (-last: last snapshot only)
//
// A record belongs to a site when its first package-main frame is the site's
// function at the site's file:line (standard-library frames above it are
// allowed: bytes.growSlice, container/list, ...). Values are the raw sampled
// counts from the text format (not scaled). It exits non-zero if a site has
// no alloc sample at all in the last snapshot.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

type site struct {
	ID       string `json:"id"`
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
}

type observed struct {
	Scenario       string `json:"scenario"`
	GoVersion      string `json:"go_version"`
	MemProfileRate int    `json:"mem_profile_rate"`
	Sites          []site `json:"sites"`
	Series         []struct {
		Index int      `json:"index"`
		Files []string `json:"files"`
	} `json:"series"`
}

type frame struct {
	fn   string
	file string
	line int
}

type record struct {
	inObj, inBytes, alObj, alBytes int64
	frames                         []frame
}

func parse(path string) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var recs []record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for sc.Scan() {
		l := sc.Text()
		if first {
			first = false
			continue // header
		}
		if strings.HasPrefix(l, "# runtime.MemStats") {
			break
		}
		if strings.HasPrefix(l, "#\t") {
			if len(recs) == 0 {
				continue
			}
			parts := strings.Split(strings.TrimPrefix(l, "#\t"), "\t")
			var nonEmpty []string
			for _, p := range parts {
				if p != "" {
					nonEmpty = append(nonEmpty, p)
				}
			}
			if len(nonEmpty) < 3 {
				continue
			}
			fn := nonEmpty[1]
			if i := strings.LastIndex(fn, "+0x"); i >= 0 {
				fn = fn[:i]
			}
			fl := nonEmpty[2]
			i := strings.LastIndex(fl, ":")
			ln, _ := strconv.Atoi(fl[i+1:])
			r := &recs[len(recs)-1]
			r.frames = append(r.frames, frame{fn, filepath.Base(fl[:i]), ln})
			continue
		}
		var r record
		if n, _ := fmt.Sscanf(l, "%d: %d [%d: %d]", &r.inObj, &r.inBytes, &r.alObj, &r.alBytes); n == 4 {
			recs = append(recs, r)
		}
	}
	return recs, sc.Err()
}

func scale(count, bytes int64, rate int) float64 {
	if count == 0 || bytes == 0 {
		return 0
	}
	avg := float64(bytes) / float64(count)
	return float64(bytes) / (1 - math.Exp(-avg/float64(rate)))
}

func main() {
	last := flag.Bool("last", false, "only print the last snapshot of each series")
	flag.Parse()
	bad := 0
	for _, dir := range flag.Args() {
		raw, err := os.ReadFile(filepath.Join(dir, "truth-observed.json"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		var obs observed
		if err := json.Unmarshal(raw, &obs); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("== %s %s (%s)\n", obs.GoVersion, obs.Scenario, dir)
		for si, s := range obs.Series {
			recs, err := parse(filepath.Join(dir, s.Files[1]))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			if *last && si != len(obs.Series)-1 {
				continue
			}
			for _, st := range obs.Sites {
				var agg record
				nrec := 0
				sizes := map[int64]int64{}
				var inScaled, alScaled float64
				for _, r := range recs {
					for _, fr := range r.frames {
						if !strings.HasPrefix(fr.fn, "main.") {
							continue
						}
						if fr.fn == st.Function && fr.file == st.File && fr.line == st.Line {
							nrec++
							agg.inObj += r.inObj
							agg.inBytes += r.inBytes
							agg.alObj += r.alObj
							agg.alBytes += r.alBytes
							if r.alObj > 0 {
								sizes[r.alBytes/r.alObj] += r.alObj
							}
							inScaled += scale(r.inObj, r.inBytes, obs.MemProfileRate)
							alScaled += scale(r.alObj, r.alBytes, obs.MemProfileRate)
						}
						break
					}
				}
				var sz []string
				keys := make([]int64, 0, len(sizes))
				for k := range sizes {
					keys = append(keys, k)
				}
				sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
				for _, k := range keys {
					sz = append(sz, fmt.Sprintf("%dx%d", sizes[k], k))
				}
				if len(sz) > 8 {
					sz = append(sz[:8], "...")
				}
				fmt.Printf("  %02d %-26s recs=%-3d inuse=%d/%dB alloc=%d/%dB  est inuse=%.1fMB alloc=%.1fMB  sizes=%s\n",
					s.Index, st.ID, nrec, agg.inObj, agg.inBytes, agg.alObj, agg.alBytes,
					inScaled/1e6, alScaled/1e6, strings.Join(sz, " "))
				if si == len(obs.Series)-1 && agg.alObj == 0 {
					fmt.Printf("  !! site %s never sampled\n", st.ID)
					bad++
				}
			}
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
}
