package workbench

import "sort"

// A run's variables live in the session's runtime variables, so that a
// request sent by hand while the run goes (in the UI) and the run's own
// requests see the same values; but the run changes only the names it
// owns, and gives back what it borrowed:
//   - a data row's columns hold for their pass, and the session's own
//     values of those names come back after it;
//   - a capture holds for the rest of its pass; at the next pass the name
//     gets the session's value back, so a value captured in one pass never
//     stands in for one the next pass failed to capture;
//   - the last pass's captures stay in the session when the run ends (the
//     issue: "captured values live for the run, and for the UI session"),
//     and the run says which names it set and which values it replaced;
//   - a name the user set while the run went (SetVar in the UI) is theirs:
//     the run gives back nothing over it.

// runVars is what a run put in the session, to give back.
type runVars struct {
	w    *Workbench
	base map[string]string // the session's runtime variables as the run found them
	set  map[string]string // what the run put there this pass, by name
	caps map[string]bool   // the names of set that this pass captured
}

func (w *Workbench) beginRunVars() *runVars {
	return &runVars{w: w, base: w.Vars(), set: map[string]string{}, caps: map[string]bool{}}
}

// pass gives back the last pass's values and puts this pass's row in.
func (r *runVars) pass(row map[string]string) {
	w := r.w
	w.mu.Lock()
	defer w.mu.Unlock()
	r.giveBack(func(string) bool { return true })
	for k, v := range row {
		w.vars[k] = v
		r.set[k] = v
	}
}

// captured notes the values a step captured (keepCaptured put them in).
func (r *runVars) captured(caps []Captured) {
	for _, c := range caps {
		if c.Err == "" {
			r.set[c.Var], r.caps[c.Var] = c.Value, true
		}
	}
}

// end gives back the row's values and keeps the last pass's captures: it
// returns the names kept, and those whose earlier value they replaced.
func (r *runVars) end() (kept, replaced []string) {
	w := r.w
	w.mu.Lock()
	defer w.mu.Unlock()
	for k := range r.caps {
		if w.vars[k] != r.set[k] {
			continue // the user's since
		}
		kept = append(kept, k)
		if old, had := r.base[k]; had && old != r.set[k] {
			replaced = append(replaced, k)
		}
	}
	r.giveBack(func(k string) bool { return !r.caps[k] })
	sort.Strings(kept)
	sort.Strings(replaced)
	return kept, replaced
}

// giveBack restores the session's value of each name the run set (and
// back selects), unless the user changed it since. Called with w.mu held.
func (r *runVars) giveBack(back func(string) bool) {
	w := r.w
	for k, v := range r.set {
		if !back(k) {
			continue
		}
		if w.vars[k] == v {
			if old, had := r.base[k]; had {
				w.vars[k] = old
			} else {
				delete(w.vars, k)
			}
		}
		delete(r.set, k)
		delete(r.caps, k)
	}
}
