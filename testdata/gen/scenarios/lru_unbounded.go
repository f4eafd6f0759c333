package main

import "container/list"

// lru_unbounded: an LRU cache (map + container/list) whose capacity bound was
// never enforced. Each phase adds lruPerPhase new keys and touches some old ones.

const lruPerPhase = 150000

type lruEntry struct {
	key  int64
	body [96]byte
}

// LRU is a least-recently-used cache without eviction.
type LRU struct {
	ll  *list.List
	idx map[int64]*list.Element
}

var sessionLRU = &LRU{ll: list.New(), idx: make(map[int64]*list.Element)}

var lruEntriesMade int64

//go:noinline
func newLRUEntry(key int64) *lruEntry {
	return &lruEntry{key: key} // SITE lru_unbounded.entry
}

// Add inserts e at the front; nothing is ever evicted.
//
//go:noinline
func (c *LRU) Add(e *lruEntry) {
	if el, ok := c.idx[e.key]; ok {
		c.ll.MoveToFront(el)
		return
	}
	el := c.ll.PushFront(e) // SITE lru_unbounded.element
	c.idx[e.key] = el       // SITE lru_unbounded.index
}

// Get moves key to the front.
//
//go:noinline
func (c *LRU) Get(key int64) bool {
	if el, ok := c.idx[key]; ok {
		c.ll.MoveToFront(el)
		return true
	}
	return false
}

func init() {
	register(&Scenario{
		Name:        "lru_unbounded",
		Description: "LRU cache (map[int64]*list.Element + container/list) with no capacity bound: 150000 new keys per phase",
		Phase: func(p int) {
			base := int64(p-1) * lruPerPhase
			for i := int64(0); i < lruPerPhase; i++ {
				sessionLRU.Add(newLRUEntry(base + i))
				lruEntriesMade++
				if i%4 == 0 && sessionLRU.Get(base+i/2) {
					sink++
				}
			}
		},
		Counts: func() map[string]Count {
			n := int64(len(sessionLRU.idx))
			return map[string]Count{
				"lru_unbounded.index":   {Live: n, Cumulative: n},
				"lru_unbounded.element": {Live: int64(sessionLRU.ll.Len()), Cumulative: int64(sessionLRU.ll.Len())},
				"lru_unbounded.entry":   {Live: n, Cumulative: lruEntriesMade},
			}
		},
		Sites: []Site{
			{ID: "lru_unbounded.index", Function: "main.(*LRU).Add", Kind: "map", Shape: "map-growth",
				Owner: "main.(*LRU).Add", Holder: "package var sessionLRU (*LRU).idx",
				Verdict: "growing", Unit: "entries", Sizes: mapSizes[int64, *list.Element]()},
			{ID: "lru_unbounded.element", Function: "main.(*LRU).Add",
				StdLeaf: []string{"container/list.(*List).insertValue", "container/list.(*List).PushFront"},
				Kind:    "object", Shape: "fixed",
				Owner: "main.(*LRU).Add", Holder: "package var sessionLRU (*LRU).ll (list.Element per entry)",
				Verdict: "growing", Unit: "objects", Sizes: objectSizes[list.Element](),
				Detail: "one *list.Element (48-byte size class) per entry; the leaf is container/list code, inlined or not"},
			{ID: "lru_unbounded.entry", Function: "main.newLRUEntry", Kind: "object", Shape: "fixed",
				Owner: "main.(*LRU).Add", Holder: "list.Element.Value of sessionLRU.ll",
				Verdict: "growing", Unit: "objects", Sizes: objectSizes[lruEntry]()},
		},
	})
}
