package main

import (
	"embed"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"unsafe"
)

//go:embed *.go
var sources embed.FS

// Scenario is one program behaviour with known truth.
type Scenario struct {
	Name        string
	Description string
	// Setup runs once before phase 1 (start-up work).
	Setup func()
	// Phase does one phase of work; snapshot i is written right after Phase(i).
	Phase func(i int)
	// Counts reports the true state of every site right now.
	Counts func() map[string]Count
	Sites  []Site
}

// Site is one allocation site of a scenario.
type Site struct {
	ID string
	// Function is the package-main function whose body contains the line
	// marked "// SITE <ID>". It is the leaf frame of the samples unless StdLeaf
	// is set, in which case it is the first non-standard-library frame.
	Function string
	// StdLeaf lists the standard-library function(s) that may appear as the
	// leaf frame(s) above Function (runtime.* frames are always hidden by
	// runtime/pprof and are never listed).
	StdLeaf []string
	// Kind is the container kind heapdoc must name: map|slice|buffer|string|object.
	Kind string
	// Shape refines Kind: growth-chain, preallocated, fixed, bucket-growth, ...
	Shape string
	// Owner is the function that owns the container holding the memory.
	Owner string
	// Holder says what keeps the memory reachable.
	Holder string
	// Verdict over the whole series: growing|stable|transient|retained.
	Verdict string
	// VerdictAlso lists other verdicts a tool may reasonably give.
	VerdictAlso []string
	// VerdictByVersion overrides Verdict for a Go version ("go1.24").
	VerdictByVersion map[string]string
	// Unit of the Count values: entries|elements|bytes|objects|strings.
	Unit   string
	Sizes  Sizes
	Detail string
}

// Sizes are computed with unsafe.Sizeof/reflect on the real types (amd64).
type Sizes struct {
	KeySize       int  `json:"key_size,omitempty"`
	KeyPointers   bool `json:"key_pointers,omitempty"`
	ValueSize     int  `json:"value_size,omitempty"`
	ValuePointers bool `json:"value_pointers,omitempty"`
	// Classic (Go <= 1.23) bucket size: 8 + 8*k' + 8*v' + 8.
	ClassicBucketSize int `json:"classic_bucket_size,omitempty"`
	// Swiss (Go >= 1.24) slot size sizeof(struct{K';V'}) and group size 8+8*slot.
	SwissSlotSize  int  `json:"swiss_slot_size,omitempty"`
	SwissGroupSize int  `json:"swiss_group_size,omitempty"`
	ElemSize       int  `json:"elem_size,omitempty"`
	ElemPointers   bool `json:"elem_pointers,omitempty"`
	ObjectSize     int  `json:"object_size,omitempty"`
	ObjectPointers bool `json:"object_pointers,omitempty"`
}

func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.Interface,
		reflect.Slice, reflect.String, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

func typeOf[T any]() reflect.Type { return reflect.TypeOf((*T)(nil)).Elem() }

func indirect(n int) int {
	if n > 128 {
		return 8
	}
	return n
}

func mapSizes[K comparable, V any]() Sizes {
	var k K
	var v V
	ks, vs := int(unsafe.Sizeof(k)), int(unsafe.Sizeof(v))
	var slot struct {
		k K
		v V
	}
	ss := int(unsafe.Sizeof(slot))
	if ks > 128 || vs > 128 {
		ss = -1 // indirect slots: not used by these scenarios
	}
	return Sizes{
		KeySize: ks, KeyPointers: hasPointers(typeOf[K]()),
		ValueSize: vs, ValuePointers: hasPointers(typeOf[V]()),
		ClassicBucketSize: 8 + 8*indirect(ks) + 8*indirect(vs) + 8,
		SwissSlotSize:     ss, SwissGroupSize: 8 + 8*ss,
	}
}

func sliceSizes[T any]() Sizes {
	var t T
	return Sizes{ElemSize: int(unsafe.Sizeof(t)), ElemPointers: hasPointers(typeOf[T]())}
}

func objectSizes[T any]() Sizes {
	var t T
	return Sizes{ObjectSize: int(unsafe.Sizeof(t)), ObjectPointers: hasPointers(typeOf[T]())}
}

// SiteTruth is the JSON form of a Site (truth.json and truth-observed.json).
type SiteTruth struct {
	ID               string             `json:"id"`
	Function         string             `json:"function"`
	File             string             `json:"file"`
	Line             int                `json:"line"`
	StdLeaf          []string           `json:"std_leaf,omitempty"`
	Kind             string             `json:"kind"`
	Shape            string             `json:"shape,omitempty"`
	MapImpl          map[string]*string `json:"map_impl"`
	Owner            string             `json:"owner"`
	Holder           string             `json:"holder"`
	Verdict          string             `json:"verdict"`
	VerdictAlso      []string           `json:"verdict_also,omitempty"`
	VerdictByVersion map[string]string  `json:"verdict_by_version,omitempty"`
	Unit             string             `json:"unit"`
	Sizes            Sizes              `json:"sizes"`
	Detail           string             `json:"detail,omitempty"`
}

var goVersions = []string{"go1.22", "go1.24", "go1.26"}

func mapImpl(kind string) map[string]*string {
	classic, swiss := "classic", "swiss"
	m := map[string]*string{}
	for _, v := range goVersions {
		switch {
		case kind != "map":
			m[v] = nil
		case v == "go1.22":
			m[v] = &classic
		default:
			m[v] = &swiss
		}
	}
	return m
}

type funcSpan struct {
	name       string
	start, end int
}

// locate finds the file and line of "// SITE id" and the function around it.
func locate(id string) (file string, line int, fn string, err error) {
	ents, err := sources.ReadDir(".")
	if err != nil {
		return "", 0, "", err
	}
	marker := "// SITE " + id
	for _, e := range ents {
		src, err := sources.ReadFile(e.Name())
		if err != nil {
			return "", 0, "", err
		}
		for i, l := range strings.Split(string(src), "\n") {
			idx := strings.Index(l, marker)
			if idx < 0 || (len(l) > idx+len(marker) && l[idx+len(marker)] != ' ') {
				continue
			}
			if file != "" {
				return "", 0, "", fmt.Errorf("site %s marked twice", id)
			}
			file, line = e.Name(), i+1
			fset := token.NewFileSet()
			af, err := parser.ParseFile(fset, e.Name(), src, 0)
			if err != nil {
				return "", 0, "", err
			}
			for _, d := range af.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				s, en := fset.Position(fd.Pos()).Line, fset.Position(fd.End()).Line
				if line < s || line > en {
					continue
				}
				fn = "main." + fd.Name.Name
				if fd.Recv != nil && len(fd.Recv.List) == 1 {
					switch r := fd.Recv.List[0].Type.(type) {
					case *ast.StarExpr:
						fn = fmt.Sprintf("main.(*%s).%s", r.X.(*ast.Ident).Name, fd.Name.Name)
					case *ast.Ident:
						fn = fmt.Sprintf("main.%s.%s", r.Name, fd.Name.Name)
					}
				}
			}
		}
	}
	if file == "" {
		return "", 0, "", fmt.Errorf("site %s: no // SITE marker", id)
	}
	return file, line, fn, nil
}

func siteTruths(sc *Scenario) ([]SiteTruth, error) {
	var out []SiteTruth
	for _, s := range sc.Sites {
		file, line, fn, err := locate(s.ID)
		if err != nil {
			return nil, err
		}
		if fn != s.Function {
			return nil, fmt.Errorf("site %s: declared function %s but marker is in %s", s.ID, s.Function, fn)
		}
		out = append(out, SiteTruth{
			ID: s.ID, Function: s.Function, File: file, Line: line, StdLeaf: s.StdLeaf,
			Kind: s.Kind, Shape: s.Shape, MapImpl: mapImpl(s.Kind), Owner: s.Owner, Holder: s.Holder,
			Verdict: s.Verdict, VerdictAlso: s.VerdictAlso, VerdictByVersion: s.VerdictByVersion,
			Unit: s.Unit, Sizes: s.Sizes, Detail: s.Detail,
		})
	}
	return out, nil
}

type truthScenario struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Sites       []SiteTruth     `json:"sites"`
	Counts      json.RawMessage `json:"counts,omitempty"`
}

type truthFile struct {
	Format    string          `json:"format"`
	Doc       string          `json:"doc"`
	Scenarios []truthScenario `json:"scenarios"`
}

// writeTruth prints truth.json. If TRUTH_COUNTS_DIR is set, the per-snapshot
// counts of <dir>/<scenario>/truth-observed.json are folded in as "counts".
func writeTruth(w io.Writer) error {
	tf := truthFile{
		Format: "heapdoc-truth/1",
		Doc:    "See testdata/gen/scenarios/README.md. Generated by `scenarios -truth`; do not edit by hand.",
	}
	countsDir := os.Getenv("TRUTH_COUNTS_DIR")
	for _, sc := range sortedScenarios() {
		st, err := siteTruths(sc)
		if err != nil {
			return err
		}
		ts := truthScenario{Name: sc.Name, Description: sc.Description, Sites: st}
		if countsDir != "" {
			raw, err := os.ReadFile(filepath.Join(countsDir, sc.Name, "truth-observed.json"))
			if err != nil {
				return err
			}
			var obs observed
			if err := json.Unmarshal(raw, &obs); err != nil {
				return err
			}
			type cnt struct {
				Snapshot int              `json:"snapshot"`
				Sites    map[string]Count `json:"sites"`
			}
			var cs []cnt
			for _, r := range obs.Series {
				m := map[string]Count{}
				for k, c := range r.Sites {
					c.Cap = nil // capacities can differ between Go versions
					m[k] = c
				}
				cs = append(cs, cnt{Snapshot: r.Index, Sites: m})
			}
			ts.Counts, _ = json.Marshal(cs)
		}
		tf.Scenarios = append(tf.Scenarios, ts)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	return enc.Encode(tf)
}
