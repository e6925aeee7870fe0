package apigw

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// apiKey is one configured key with the usage plan limiting it.
type apiKey struct {
	APIKey
	id   string
	plan *planState
}

// planState is a usage plan's throttle bucket and quota count.
type planState struct {
	plan UsagePlan
	mu   sync.Mutex
	// token bucket
	tokens float64
	last   time.Time
	// quota
	used        int
	periodStart time.Time
}

type apiKeys struct {
	now  func() time.Time
	keys []*apiKey
}

func compileAPIKeys(keys []APIKey, plans []UsagePlan, now func() time.Time) *apiKeys {
	ks := &apiKeys{now: now}
	byName := map[string]*apiKey{}
	for i, k := range keys {
		ak := &apiKey{APIKey: k, id: fmt.Sprintf("k%09d", i+1)}
		ks.keys = append(ks.keys, ak)
		byName[k.Name] = ak
	}
	for _, p := range plans {
		tokens := 0.0
		if p.Throttle != nil {
			tokens = float64(p.Throttle.Burst)
		}
		for _, name := range p.Keys {
			// Each key gets a bucket and a count of its own, as a usage
			// plan's limits apply per key.
			if k := byName[name]; k != nil && k.plan == nil {
				k.plan = &planState{plan: p, tokens: tokens}
			}
		}
	}
	return ks
}

// check finds the key sent in x-api-key and charges its usage plan: 403
// Forbidden for a missing, unknown or disabled key or one in no plan, 429
// when the plan's throttle or quota is spent.
func (ks *apiKeys) check(value string) (*apiKey, *apiError) {
	forbidden := &apiError{status: http.StatusForbidden, errType: ErrForbidden, message: MsgForbidden}
	if value == "" {
		return nil, forbidden
	}
	var found *apiKey
	for _, k := range ks.keys {
		if subtle.ConstantTimeCompare([]byte(k.Value), []byte(value)) == 1 {
			found = k
		}
	}
	if found == nil || (found.Enabled != nil && !*found.Enabled) || found.plan == nil {
		return nil, forbidden
	}
	if e := found.plan.charge(ks.now()); e != nil {
		return nil, e
	}
	return found, nil
}

func (ps *planState) charge(now time.Time) *apiError {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if t := ps.plan.Throttle; t != nil {
		if !ps.last.IsZero() {
			ps.tokens += now.Sub(ps.last).Seconds() * t.Rate
			if ps.tokens > float64(t.Burst) {
				ps.tokens = float64(t.Burst)
			}
		}
		ps.last = now
		if ps.tokens < 1 {
			return &apiError{status: http.StatusTooManyRequests, errType: ErrTooManyRequests, message: MsgTooManyRequests}
		}
	}
	if q := ps.plan.Quota; q != nil {
		start := periodStart(now, q.Period)
		if !start.Equal(ps.periodStart) {
			ps.periodStart, ps.used = start, 0
		}
		if ps.used >= q.Limit {
			return &apiError{status: http.StatusTooManyRequests, errType: ErrLimitExceeded, message: MsgLimitExceeded}
		}
		ps.used++
	}
	if ps.plan.Throttle != nil {
		ps.tokens--
	}
	return nil
}

// periodStart is the UTC start of the quota period holding now.
func periodStart(now time.Time, period string) time.Time {
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch strings.ToUpper(period) {
	case "WEEK":
		return day.AddDate(0, 0, -int(day.Weekday()))
	case "MONTH":
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return day
}
