package auth

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

func TestOTPAuthURI(t *testing.T) {
	got := OTPAuthURI("JBSWY3DPEHPK3PXP", "alice@example.com", "AWSCognito")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	// Key Uri Format: otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/AWSCognito:alice@example.com" {
		t.Errorf("URI %s: scheme %q host %q path %q", got, u.Scheme, u.Host, u.Path)
	}
	if q := u.Query(); q.Get("secret") != "JBSWY3DPEHPK3PXP" || q.Get("issuer") != "AWSCognito" {
		t.Errorf("query %v", q)
	}
	// A space or slash in the account stays inside the label.
	if got := OTPAuthURI("S", "a b/c", "AWSCognito"); !strings.HasPrefix(got, "otpauth://totp/AWSCognito:a%20b%2Fc?") {
		t.Errorf("escaped label: %s", got)
	}
}

// bitmapOf reads a QRText drawing back into pixels: each character is one
// module wide and two modules high.
func bitmapOf(t *testing.T, text string, lightOnDark bool, scale int) image.Image {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	w := len([]rune(lines[0]))
	img := image.NewGray(image.Rect(0, 0, w*scale, len(lines)*2*scale))
	ink, paper := color.Gray{0}, color.Gray{255}
	if lightOnDark {
		ink, paper = paper, ink
	}
	for y, line := range lines {
		runes := []rune(line)
		if len(runes) != w {
			t.Fatalf("line %d is %d wide, line 0 is %d", y, len(runes), w)
		}
		for x, r := range runes {
			var top, bottom bool
			switch r {
			case '█':
				top, bottom = true, true
			case '▀':
				top = true
			case '▄':
				bottom = true
			case ' ':
			default:
				t.Fatalf("unexpected character %q", r)
			}
			for dy := 0; dy < scale; dy++ {
				for dx := 0; dx < scale; dx++ {
					c := paper
					if top {
						c = ink
					}
					img.SetGray(x*scale+dx, 2*y*scale+dy, c)
					c = paper
					if bottom {
						c = ink
					}
					img.SetGray(x*scale+dx, (2*y+1)*scale+dy, c)
				}
			}
		}
	}
	return img
}

// TestQRTextScans draws an otpauth URI in half blocks and has zbar, an
// independent decoder, read it back from the drawing, for both terminal
// polarities. The image is padded with light margin, as a terminal shows.
func TestQRTextScans(t *testing.T) {
	zbarimg := peer.Command(t, "zbarimg")
	uri := OTPAuthURI("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "totp-user", "AWSCognito")
	for _, lightOnDark := range []bool{false, true} {
		text, err := QRText(uri, lightOnDark)
		if err != nil {
			t.Fatal(err)
		}
		img := bitmapOf(t, text, lightOnDark, 6)
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "qr.png")
		if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(zbarimg, "--raw", "-q", file).Output()
		if err != nil {
			t.Fatalf("lightOnDark=%v: zbarimg could not read the drawing: %v", lightOnDark, err)
		}
		if got := strings.TrimRight(string(out), "\n"); got != uri {
			t.Errorf("lightOnDark=%v: zbarimg read %q, want %q", lightOnDark, got, uri)
		}
	}
}

func TestQRTextShape(t *testing.T) {
	text, err := QRText("otpauth://totp/x?secret=AAAA", false)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	// 28 bytes at level M need version 3: 29 modules (version 2 holds 26
	// bytes), plus a quiet zone each side, two rows a line.
	side := len([]rune(lines[0]))
	if side != 29+2*QRQuietZone || len(lines) != (side+1)/2 {
		t.Errorf("%d columns, %d lines", side, len(lines))
	}
	// Line 0 is the quiet zone; line 1 holds the first two rows of the
	// finder patterns (row 0: seven dark modules; row 1: dark, five light,
	// dark) at both top corners, inside the quiet zone.
	if strings.TrimSpace(lines[0]) != "" {
		t.Errorf("first line %q is not blank", lines[0])
	}
	if !strings.HasPrefix(lines[1], "  █▀▀▀▀▀█") || !strings.HasSuffix(lines[1], "█▀▀▀▀▀█  ") {
		t.Errorf("second line %q", lines[1])
	}
}
