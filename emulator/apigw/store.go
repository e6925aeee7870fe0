package apigw

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// KindStore is a small in-memory resource store, so that a collection's
// tests can create, read, change and delete something: POST on the
// route's collection path makes an item with an id, GET, PUT and DELETE on
// its {id} path read, replace and remove it, GET on the collection path
// lists them. Each route path (without its {id}) is one store.
const KindStore = "store"

// A store is bounded, as everything a client can make the emulator keep.
const (
	maxStoreItems = 10000
	maxStoreBytes = 64 << 20
)

type store struct {
	mu    sync.Mutex
	next  int
	items map[string]map[string]any
	size  map[string]int // each item's body size
	bytes int
	order []string
}

func (g *Gateway) storeFor(rc *reqCtx) *store {
	key := rc.match.route.Path
	if i := strings.Index(key, "/{"); i >= 0 {
		key = key[:i]
	}
	g.storesMu.Lock()
	defer g.storesMu.Unlock()
	if g.stores == nil {
		g.stores = map[string]*store{}
	}
	s := g.stores[key]
	if s == nil {
		s = &store{items: map[string]map[string]any{}, size: map[string]int{}}
		g.stores[key] = s
	}
	return s
}

func (g *Gateway) serveStore(w http.ResponseWriter, r *http.Request, rc *reqCtx) *apiError {
	s := g.storeFor(rc)
	id := rc.match.params["id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	notFound := func() *apiError {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": fmt.Sprintf("no item %q", id)})
		return nil
	}
	readItem := func() (map[string]any, bool) {
		var item map[string]any
		if err := json.Unmarshal(rc.body, &item); err != nil || item == nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "the body must be a JSON object"})
			return nil, false
		}
		return item, true
	}
	switch {
	case id == "" && r.Method == http.MethodPost:
		if len(s.items) >= maxStoreItems || s.bytes+len(rc.body) > maxStoreBytes {
			writeJSON(w, http.StatusInsufficientStorage, map[string]any{"message": fmt.Sprintf("the store is full (%d items or %d MiB at most)", maxStoreItems, maxStoreBytes>>20)})
			return nil
		}
		item, ok := readItem()
		if !ok {
			return nil
		}
		s.next++
		id = fmt.Sprint(s.next)
		item["id"] = id
		s.items[id] = item
		s.size[id] = len(rc.body)
		s.bytes += len(rc.body)
		s.order = append(s.order, id)
		w.Header().Set("Location", strings.TrimSuffix(r.URL.Path, "/")+"/"+id)
		writeJSON(w, http.StatusCreated, item)
	case id == "" && r.Method == http.MethodGet:
		list := make([]map[string]any, 0, len(s.order))
		for _, k := range s.order {
			list = append(list, s.items[k])
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": list, "count": len(list)})
	case id != "" && r.Method == http.MethodGet:
		item, ok := s.items[id]
		if !ok {
			return notFound()
		}
		writeJSON(w, http.StatusOK, item)
	case id != "" && r.Method == http.MethodPut:
		if _, ok := s.items[id]; !ok {
			return notFound()
		}
		if s.bytes-s.size[id]+len(rc.body) > maxStoreBytes {
			writeJSON(w, http.StatusInsufficientStorage, map[string]any{"message": fmt.Sprintf("the store is full (%d MiB at most)", maxStoreBytes>>20)})
			return nil
		}
		item, ok := readItem()
		if !ok {
			return nil
		}
		item["id"] = id
		s.items[id] = item
		s.bytes += len(rc.body) - s.size[id]
		s.size[id] = len(rc.body)
		writeJSON(w, http.StatusOK, item)
	case id != "" && r.Method == http.MethodDelete:
		if _, ok := s.items[id]; !ok {
			return notFound()
		}
		delete(s.items, id)
		s.bytes -= s.size[id]
		delete(s.size, id)
		for i, k := range s.order {
			if k == id {
				s.order = append(s.order[:i], s.order[i+1:]...)
				break
			}
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"message": fmt.Sprintf("a store answers POST and GET on its path, GET, PUT and DELETE on {id}; not %s", r.Method)})
	}
	return nil
}
