package farend

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Handler is the far end's control API, for tests and people:
//
//	GET  /calls[?after=V]   {"version": V, "calls": [Call…]}; with after, waits
//	                        (up to 20 s) until something changed past version V
//	POST /dial?to=USER[&from=NUMBER]   calls the agent USER: {"id": N}
//	POST /hangup?id=N       ends the far end's call N with BYE
func (f *FarEnd) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /calls", func(w http.ResponseWriter, r *http.Request) {
		if a := r.URL.Query().Get("after"); a != "" {
			after, err := strconv.Atoi(a)
			if err != nil {
				http.Error(w, "after: want a number", http.StatusBadRequest)
				return
			}
			ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
			f.WaitChange(ctx, after)
			cancel()
		}
		calls, v := f.Calls()
		writeJSON(w, map[string]any{"version": v, "calls": calls})
	})
	mux.HandleFunc("POST /dial", func(w http.ResponseWriter, r *http.Request) {
		to, from := r.URL.Query().Get("to"), r.URL.Query().Get("from")
		if to == "" {
			http.Error(w, "to: missing", http.StatusBadRequest)
			return
		}
		if from == "" {
			from = Echo
		}
		id, err := f.Dial(to, from)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, map[string]any{"id": id})
	})
	mux.HandleFunc("POST /hangup", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.URL.Query().Get("id"))
		if err != nil {
			http.Error(w, "id: want a number", http.StatusBadRequest)
			return
		}
		if err := f.Hangup(id); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		writeJSON(w, map[string]any{"id": id})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}
