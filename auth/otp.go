package auth

import (
	"fmt"
	"net/url"
	"strings"

	"rsc.io/qr"
)

// OTPAuthURI builds the otpauth:// URI that authenticator apps read from a
// QR code (Google's Key Uri Format): TOTP, SHA-1, 6 digits, 30 seconds,
// which is what Cognito's software tokens are.
func OTPAuthURI(secretB32, account, issuer string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{"secret": {secretB32}, "issuer": {issuer}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// QRQuietZone is the blank border, in modules, that scanners need around a
// QR code.
const QRQuietZone = 2

// QRText draws text as a QR code with Unicode half blocks, two rows of
// modules per line of text, with a quiet zone around it. lightOnDark says
// the drawing is for a terminal with light text on a dark background: the
// blocks then draw the light modules, so that the code reads dark on
// light as scanners expect. It returns plain text; printing it is the
// caller's business.
func QRText(text string, lightOnDark bool) (string, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", fmt.Errorf("QR code: %w", err)
	}
	n := code.Size
	ink := func(x, y int) bool {
		dark := x >= 0 && y >= 0 && x < n && y < n && code.Black(x, y)
		if lightOnDark {
			return !dark
		}
		return dark
	}
	var b strings.Builder
	for y := -QRQuietZone; y < n+QRQuietZone; y += 2 {
		for x := -QRQuietZone; x < n+QRQuietZone; x++ {
			// Past the last row (the size is odd) ink reads as quiet zone.
			top, bottom := ink(x, y), ink(x, y+1)
			switch {
			case top && bottom:
				b.WriteRune('█')
			case top:
				b.WriteRune('▀')
			case bottom:
				b.WriteRune('▄')
			default:
				b.WriteRune(' ')
			}
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}
