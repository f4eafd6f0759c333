package main

import "strconv"

// string_keys: a session store map[string]int64 whose keys are built by
// string concatenation. Two sites grow together: the key strings and the map.

const sessionsPerPhase = 200000

// SessionStore maps "session:<tenant>:<id>" to a last-seen timestamp.
type SessionStore struct {
	lastSeen map[string]int64
}

var sessions = &SessionStore{lastSeen: map[string]int64{}}

var tenants = []string{"acme-corp", "globex-inc", "initech-llc", "umbrella-co"}

var keyBytes int64

// sessionKey builds a key of 30-32 bytes; the only allocation is the
// concatenation result (string(num) in a concatenation does not allocate).
//
//go:noinline
func sessionKey(tenant string, id int64) string {
	var nb [20]byte
	num := strconv.AppendInt(nb[:0], id, 10)
	return "session:" + tenant + ":user-" + string(num) // SITE string_keys.key
}

//go:noinline
func (s *SessionStore) Touch(key string, now int64) {
	s.lastSeen[key] = now // SITE string_keys.map
}

func init() {
	register(&Scenario{
		Name:        "string_keys",
		Description: "map[string]int64 session store growing by 200000 keys per phase; keys built by concatenation (\"session:<tenant>:user-<7 digits>\", 30-32 bytes)",
		Phase: func(p int) {
			for i := 0; i < sessionsPerPhase; i++ {
				id := int64(p*sessionsPerPhase+i) + 1000000
				k := sessionKey(tenants[i%len(tenants)], id)
				keyBytes += int64(len(k))
				sessions.Touch(k, id)
			}
		},
		Counts: func() map[string]Count {
			n := int64(len(sessions.lastSeen))
			return map[string]Count{
				"string_keys.map": {Live: n, Cumulative: n},
				"string_keys.key": {Live: n, Cumulative: n, Len: p64(keyBytes)},
			}
		},
		Sites: []Site{
			{ID: "string_keys.map", Function: "main.(*SessionStore).Touch", Kind: "map", Shape: "map-growth",
				Owner: "main.(*SessionStore).Touch", Holder: "package var sessions (*SessionStore).lastSeen",
				Verdict: "growing", Unit: "entries", Sizes: mapSizes[string, int64]()},
			{ID: "string_keys.key", Function: "main.sessionKey", Kind: "string", Shape: "concat",
				Owner: "main.(*SessionStore).Touch", Holder: "keys of sessions.lastSeen",
				Verdict: "growing", Unit: "strings", Sizes: Sizes{ObjectSize: 32},
				Detail: "one string per key, 30-32 bytes long, allocated in the 32-byte size class (no pointers); len = total key bytes"},
		},
	})
}
