// cmptop compares `go tool pprof -top -unit=B` text with `heapdoc top
// --format=json` for the parity tests (tests/parity/parity_top.sh).  Go
// standard library only; built once per test run with `go build`.
//
// Usage: cmptop PPROF.txt HEAPDOC.json [PPROF.txt HEAPDOC.json]...
//
//	cmptop -text PPROF.txt HEAPDOC.txt
//	cmptop -peek PPROF.txt HEAPDOC.txt
//	cmptop -tags PPROF.txt HEAPDOC.txt
//
// Checked: the total, "Showing nodes accounting for", the "Dropped N nodes"
// count and cutoff, and every row (name with its (inline) label, flat, cum)
// in order, for each pair.  pprof leaves the order of rows with equal flat and equal name
// unspecified (graph.go comparePrintableName returns "not less" both ways),
// so such runs are compared as sets.  Exit 0 when all pairs are equal, 1
// with the differences on stdout (named by the heapdoc file), 2 on
// unreadable input.  With -text, two -top text reports are compared line
// by line, runs of rows pprof may order either way sorted first; with
// -peek, two -peek reports, runs of edges of equal |weight| sorted first,
// then runs of entries of equal flat and name; with -tags, two -tags
// reports, runs of values of equal |sum| sorted first.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type row struct {
	name      string
	flat, cum int64
}

type report struct {
	total, shown  int64
	dropped       int64
	droppedCutoff int64
	hasCutoff     bool
	rows          []row
}

var (
	showingRx = regexp.MustCompile(`^Showing nodes accounting for (\S+), \S+ of (\S+) total$`)
	droppedRx = regexp.MustCompile(`^Dropped (\d+) nodes? \(cum <= (\S+)\)$`)
)

// value parses a -unit=B value: "123B", "-5B" or "0".
func value(s string) (int64, error) {
	return strconv.ParseInt(strings.TrimSuffix(s, "B"), 10, 64)
}

func parsePprof(path string) (*report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := &report{}
	inRows := false
	for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if inRows {
			f := strings.Fields(line)
			if len(f) < 6 {
				return nil, fmt.Errorf("bad row %q", line)
			}
			flat, err1 := value(f[0])
			cum, err2 := value(f[3])
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("bad values in %q", line)
			}
			// The name is what follows the fifth column and two spaces.
			i := 0
			for k := 0; k < 5; k++ {
				for i < len(line) && line[i] == ' ' {
					i++
				}
				for i < len(line) && line[i] != ' ' {
					i++
				}
			}
			if i+2 > len(line) {
				return nil, fmt.Errorf("bad row %q", line)
			}
			r.rows = append(r.rows, row{line[i+2:], flat, cum})
			continue
		}
		if m := showingRx.FindStringSubmatch(line); m != nil {
			if r.shown, err = value(m[1]); err != nil {
				return nil, err
			}
			if r.total, err = value(m[2]); err != nil {
				return nil, err
			}
		} else if m := droppedRx.FindStringSubmatch(line); m != nil {
			r.dropped, _ = strconv.ParseInt(m[1], 10, 64)
			if r.droppedCutoff, err = value(m[2]); err != nil {
				return nil, err
			}
			r.hasCutoff = true
		} else if strings.HasPrefix(line, "      flat  flat%") {
			inRows = true
		}
	}
	return r, nil
}

type jsonTop struct {
	Total         int64 `json:"total"`
	Shown         int64 `json:"shown"`
	DroppedNodes  int64 `json:"dropped_nodes"`
	DroppedCutoff int64 `json:"dropped_cutoff"`
	Rows          []struct {
		Display       string `json:"display"`
		Inline        bool   `json:"inline"`
		PartialInline bool   `json:"partial_inline"`
		Flat          int64  `json:"flat"`
		Cum           int64  `json:"cum"`
	} `json:"rows"`
}

func parseHeapdoc(path string) (*report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var j jsonTop
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, err
	}
	r := &report{total: j.Total, shown: j.Shown, dropped: j.DroppedNodes,
		droppedCutoff: j.DroppedCutoff, hasCutoff: j.DroppedNodes > 0}
	for _, x := range j.Rows {
		name := x.Display
		if x.PartialInline {
			name += " (partial-inline)"
		} else if x.Inline {
			name += " (inline)"
		}
		r.rows = append(r.rows, row{name, x.Flat, x.Cum})
	}
	return r, nil
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// baseName drops the inline label: rows pprof may order either way share
// flat and name.
func baseName(s string) string {
	s = strings.TrimSuffix(s, " (inline)")
	return strings.TrimSuffix(s, " (partial-inline)")
}

// canonical sorts runs of rows with equal |flat| and equal name.
func canonical(rows []row) []row {
	out := append([]row(nil), rows...)
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && abs(out[j].flat) == abs(out[i].flat) &&
			baseName(out[j].name) == baseName(out[i].name) {
			j++
		}
		sort.Slice(out[i:j], func(a, b int) bool {
			x, y := out[i+a], out[i+b]
			if x.name != y.name {
				return x.name < y.name
			}
			if x.flat != y.flat {
				return x.flat < y.flat
			}
			return x.cum < y.cum
		})
		i = j
	}
	return out
}

// canonicalText returns a -top text report with each run of rows that
// share flat and name (pprof's unspecified order) sorted; the sum% column,
// equal position by position within such a run, is kept in place.
func canonicalText(data string) []string {
	lines := strings.Split(data, "\n")
	type trow struct{ flat, sum, key, line string }
	parse := func(l string) (trow, bool) {
		f := strings.Fields(l)
		if len(f) < 6 {
			return trow{}, false
		}
		// spans of the first five columns
		var at [5][2]int
		i := 0
		for k := 0; k < 5; k++ {
			for i < len(l) && l[i] == ' ' {
				i++
			}
			at[k][0] = i
			for i < len(l) && l[i] != ' ' {
				i++
			}
			at[k][1] = i
		}
		if i+2 > len(l) {
			return trow{}, false
		}
		rest := l[:at[2][0]] + l[at[2][1]:]
		return trow{f[0], f[2], baseName(l[i+2:]), rest}, true
	}
	out := append([]string(nil), lines...)
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "      flat  flat%") {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return out
	}
	for i := start; i < len(lines); {
		r, ok := parse(lines[i])
		if !ok {
			i++
			continue
		}
		j := i + 1
		var run []string
		run = append(run, r.line)
		sums := []string{r.sum}
		for ; j < len(lines); j++ {
			q, ok := parse(lines[j])
			if !ok || q.flat != r.flat || q.key != r.key {
				break
			}
			run = append(run, q.line)
			sums = append(sums, q.sum)
		}
		sort.Strings(run)
		for k := range run {
			out[i+k] = sums[k] + "|" + run[k]
		}
		i = j
	}
	return out
}

// canonicalPeek returns a -peek report with each run of consecutive edge
// lines of equal |weight| sorted: pprof orders edges of weight w and -w
// either way (graph.go edgeList.Less compares the signed weights first).
func canonicalPeek(data string) []string {
	lines := strings.Split(data, "\n")
	out := append([]string(nil), lines...)
	weight := func(l string) (string, bool) {
		i := strings.Index(l, " |   ")
		if i < 50 || strings.TrimSpace(l[:50]) == "" || l[0] != ' ' || strings.Contains(l[:i], "%  ") {
			return "", false
		}
		return strings.TrimPrefix(strings.TrimSpace(l[:50]), "-"), true
	}
	for i := 0; i < len(lines); {
		w, ok := weight(lines[i])
		if !ok {
			i++
			continue
		}
		j := i + 1
		for j < len(lines) {
			if w2, ok := weight(lines[j]); !ok || w2 != w {
				break
			}
			j++
		}
		sort.Strings(out[i:j])
		i = j
	}
	return canonicalPeekEntries(out)
}

// canonicalPeekEntries sorts each run of consecutive -peek entries (the
// blocks between separator lines) whose entry line has the same flat and
// name: pprof's FlatNameOrder finds such nodes equal (comparePrintableName
// falls back to equal names) and leaves their order to the sort.  The sum%
// column, equal position by position within a run, stays in place.
func canonicalPeekEntries(lines []string) []string {
	const sep = "----------------------------------------------------------+-------------"
	type block struct {
		lines []string
		entry int // index of the entry line in lines, -1 if none
		flat, name, sum string
	}
	var blocks []block
	cur := block{entry: -1}
	flush := func() {
		blocks = append(blocks, cur)
		cur = block{entry: -1}
	}
	for _, l := range lines {
		if l == sep {
			flush()
			cur.lines = append(cur.lines, l)
			continue
		}
		cur.lines = append(cur.lines, l)
		bar := strings.Index(l, "| ")
		if cur.entry < 0 && bar > 0 && strings.Contains(l[:bar], "%") {
			f := strings.Fields(l[:bar])
			if len(f) >= 5 {
				cur.entry = len(cur.lines) - 1
				cur.flat, cur.sum, cur.name = f[0], f[2], strings.TrimSpace(l[bar+1:])
			}
		}
	}
	flush()
	masked := func(b block) string {
		ls := append([]string(nil), b.lines...)
		if b.entry >= 0 {
			ls[b.entry] = strings.Replace(ls[b.entry], b.sum, "SUM", 1)
		}
		return strings.Join(ls, "\n")
	}
	var out []string
	for i := 0; i < len(blocks); {
		j := i + 1
		for j < len(blocks) && blocks[i].entry >= 0 && blocks[j].entry >= 0 &&
			blocks[j].flat == blocks[i].flat && blocks[j].name == blocks[i].name {
			j++
		}
		run := blocks[i:j]
		sums := make([]string, len(run))
		texts := make([]string, len(run))
		for k, b := range run {
			sums[k], texts[k] = b.sum, masked(b)
		}
		sort.Strings(texts)
		for k, t := range texts {
			out = append(out, strings.Split(strings.Replace(t, "SUM", sums[k], 1), "\n")...)
		}
		i = j
	}
	return out
}

// canonicalTags returns a -tags report with each run of consecutive value
// lines whose values print the same but for the sign sorted: pprof orders
// values of sum w and -w either way (graph.go tags.Less compares |flat|
// only when the flats differ, and the tags come from a map).  Blocks are
// separated by empty lines; the first line of a block is the key's.
func canonicalTags(data string) []string {
	lines := strings.Split(data, "\n")
	out := append([]string(nil), lines...)
	magnitude := func(l string) string {
		f := strings.Fields(l)
		if len(f) == 0 {
			return ""
		}
		return strings.TrimPrefix(f[0], "-")
	}
	header := true
	for i := 0; i < len(lines); {
		if lines[i] == "" || header {
			header = lines[i] == ""
			i++
			continue
		}
		j := i + 1
		for j < len(lines) && lines[j] != "" && magnitude(lines[j]) == magnitude(lines[i]) {
			j++
		}
		run := append([]string(nil), lines[i:j]...)
		sort.Strings(run)
		copy(out[i:j], run)
		i = j
	}
	return out
}

func compareText(a, b string, canon func(string) []string) int {
	da, err1 := os.ReadFile(a)
	db, err2 := os.ReadFile(b)
	if err1 != nil || err2 != nil {
		fmt.Println("cannot read", a, b)
		return 2
	}
	ca, cb := canon(string(da)), canon(string(db))
	for i := 0; i < len(ca) || i < len(cb); i++ {
		var x, y string
		if i < len(ca) {
			x = ca[i]
		}
		if i < len(cb) {
			y = cb[i]
		}
		if x != y || i >= len(ca) || i >= len(cb) {
			fmt.Printf("line %d:\n  pprof:   %q\n  heapdoc: %q\n", i+1, x, y)
			return 1
		}
	}
	return 0
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == "-text" {
		os.Exit(compareText(os.Args[2], os.Args[3], canonicalText))
	}
	if len(os.Args) == 4 && os.Args[1] == "-peek" {
		os.Exit(compareText(os.Args[2], os.Args[3], canonicalPeek))
	}
	if len(os.Args) == 4 && os.Args[1] == "-tags" {
		os.Exit(compareText(os.Args[2], os.Args[3], canonicalTags))
	}
	if len(os.Args) < 3 || len(os.Args)%2 != 1 {
		fmt.Fprintln(os.Stderr, "usage: cmptop PPROF.txt HEAPDOC.json [PPROF.txt HEAPDOC.json]...")
		os.Exit(2)
	}
	status := 0
	for i := 1; i+1 < len(os.Args); i += 2 {
		diffs, err := compare(os.Args[i], os.Args[i+1])
		if err != nil {
			fmt.Printf("%s: %v\n", os.Args[i+1], err)
			status = 2
		} else if len(diffs) > 0 {
			fmt.Printf("%s:\n    %s\n", os.Args[i+1], strings.Join(diffs, "\n    "))
			if status == 0 {
				status = 1
			}
		}
	}
	os.Exit(status)
}

// compare returns the differences between one pair of reports.
func compare(pprofPath, heapdocPath string) ([]string, error) {
	p, err := parsePprof(pprofPath)
	if err != nil {
		return nil, fmt.Errorf("pprof output: %v", err)
	}
	h, err := parseHeapdoc(heapdocPath)
	if err != nil {
		return nil, fmt.Errorf("heapdoc output: %v", err)
	}
	var diffs []string
	if p.total != h.total {
		diffs = append(diffs, fmt.Sprintf("total: pprof %d heapdoc %d", p.total, h.total))
	}
	if p.shown != h.shown {
		diffs = append(diffs, fmt.Sprintf("shown: pprof %d heapdoc %d", p.shown, h.shown))
	}
	if p.dropped != h.dropped {
		diffs = append(diffs, fmt.Sprintf("dropped nodes: pprof %d heapdoc %d", p.dropped, h.dropped))
	}
	if p.hasCutoff && p.droppedCutoff != h.droppedCutoff {
		diffs = append(diffs, fmt.Sprintf("dropped cutoff: pprof %d heapdoc %d", p.droppedCutoff, h.droppedCutoff))
	}
	if len(p.rows) != len(h.rows) {
		diffs = append(diffs, fmt.Sprintf("rows: pprof %d heapdoc %d", len(p.rows), len(h.rows)))
	}
	pr, hr := canonical(p.rows), canonical(h.rows)
	for i := 0; i < len(pr) && i < len(hr) && len(diffs) < 20; i++ {
		if pr[i] != hr[i] {
			diffs = append(diffs, fmt.Sprintf("row %d: pprof {%q %d %d} heapdoc {%q %d %d}",
				i+1, pr[i].name, pr[i].flat, pr[i].cum, hr[i].name, hr[i].flat, hr[i].cum))
		}
	}
	return diffs, nil
}
