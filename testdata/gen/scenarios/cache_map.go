package main

// cache_map: a package-level map[int64]*Item cache that only grows.
// Every phase adds cacheMapPerPhase new items and never evicts.

const cacheMapPerPhase = 200000

// Item is a cached record (64 bytes, contains no pointers).
type Item struct {
	ID      int64
	Hits    int64
	Payload [48]byte
}

// Cache is an unbounded item cache.
type Cache struct {
	items map[int64]*Item
}

var itemCache = &Cache{items: map[int64]*Item{}}

var cacheItemsMade int64

//go:noinline
func newItem(id int64) *Item {
	return &Item{ID: id, Hits: 1} // SITE cache_map.item
}

// Put stores it in the cache; the map only ever grows.
//
//go:noinline
func (c *Cache) Put(it *Item) {
	c.items[it.ID] = it // SITE cache_map.put
}

func init() {
	register(&Scenario{
		Name:        "cache_map",
		Description: "package-level map[int64]*Item cache (itemCache) that only grows: 200000 new entries per phase, no eviction",
		Phase: func(p int) {
			base := int64(p-1) * cacheMapPerPhase
			for i := int64(0); i < cacheMapPerPhase; i++ {
				id := int64(mix(uint64(base+i)) >> 1)
				itemCache.Put(newItem(id))
				cacheItemsMade++
			}
		},
		Counts: func() map[string]Count {
			n := int64(len(itemCache.items))
			return map[string]Count{
				"cache_map.put":  {Live: n, Cumulative: n},
				"cache_map.item": {Live: n, Cumulative: cacheItemsMade},
			}
		},
		Sites: []Site{
			{ID: "cache_map.put", Function: "main.(*Cache).Put", Kind: "map", Shape: "map-growth",
				Owner: "main.(*Cache).Put", Holder: "package var itemCache (*Cache).items",
				Verdict: "growing", Unit: "entries", Sizes: mapSizes[int64, *Item](),
				Detail: "bucket/group arrays of map[int64]*Item growing by doubling (swiss: splitting into 1024-slot tables)"},
			{ID: "cache_map.item", Function: "main.newItem", Kind: "object", Shape: "fixed",
				Owner: "main.(*Cache).Put", Holder: "values of itemCache.items",
				Verdict: "growing", Unit: "objects", Sizes: objectSizes[Item](),
				Detail: "one 64-byte Item per cache entry"},
		},
	})
}
