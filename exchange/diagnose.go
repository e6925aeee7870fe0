package exchange

import (
	"fmt"
	"net/http"
	"time"

	"github.com/sigscope/sigscope/sign"
)

// MaxClockSkew is the gap between the server's Date and the local clock
// above which Send warns. AWS refuses signatures more than 5 minutes off
// ("Signature expired"); a minute already says the clock is not synced.
const MaxClockSkew = 60 * time.Second

func (res *Result) checkSkew(now time.Time) {
	date, ok := res.Response.Header("Date")
	if !ok {
		return
	}
	t, err := http.ParseTime(date)
	if err != nil {
		return
	}
	// Date has one-second resolution: compare whole seconds.
	res.ClockSkew = t.Sub(now.Truncate(time.Second))
	res.SkewKnown = true
	if d := res.ClockSkew.Abs(); d > MaxClockSkew {
		way := "ahead of"
		if res.ClockSkew < 0 {
			way = "behind"
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"the server's clock (Date: %s) is %s %s yours: SigV4 signatures more than %s off are refused with \"Signature expired\" or \"Signature not yet current\"; sync the local clock (NTP, timedatectl set-ntp true)",
			date, d.Round(time.Second), way, sign.MaxSkew))
	}
}
