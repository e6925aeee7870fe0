package testkit

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TOTP is the tests' own RFC 6238 code (SHA-1, 6 digits, 30 s) for a
// base32 secret, written from the RFC rather than taken from the emulator.
func TOTP(t testing.TB, secretB32 string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secretB32)
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha1.New, key)
	binary.Write(mac, binary.BigEndian, at.Unix()/30)
	sum := mac.Sum(nil)
	o := sum[19] & 15
	code := (int(sum[o])&0x7f)<<24 | int(sum[o+1])<<16 | int(sum[o+2])<<8 | int(sum[o+3])
	return fmt.Sprintf("%06d", code%1000000)
}

// PlayBrowser does what a person's browser does with a hosted-UI
// authorization URL: load the sign-in page, post the form, follow the
// 302 back to the loopback listener. It returns the listener's status.
// It may run on its own goroutine: failures are returned, not fatal.
func PlayBrowser(authURL, username, password string) (int, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(authURL)
	if err != nil {
		return 0, err
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("sign-in page: %d %.300s", res.StatusCode, page)
	}
	// Post back every hidden field of the form, as a browser would.
	form := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], htmlUnescape(m[2]))
	}
	form.Set("username", username)
	form.Set("password", password)
	action, _ := url.Parse(authURL)
	action.Path, action.RawQuery = "/oauth2/authorize", ""
	res, err = client.PostForm(action.String(), form)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return 0, fmt.Errorf("sign-in: %d, want 302", res.StatusCode)
	}
	res, err = client.Get(res.Header.Get("Location"))
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

var hiddenField = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&#43;", "+").Replace(s)
}
