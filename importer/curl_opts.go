package importer

import (
	"fmt"
	"strings"
)

// curl's options: which take an argument, and what each means for an
// imported request. Options not listed are reported as unknown (taken to
// have no argument).

// curlLong maps a long option to its short letter ("" when none) and
// whether it takes an argument.
type optInfo struct {
	short byte
	arg   bool
}

var curlLong = map[string]optInfo{}

// curlShort maps a short letter to its long option.
var curlShort = map[byte]string{}

func init() {
	// name, short letter (or '-'), 1 when it takes an argument.
	table := []string{
		"request X 1", "header H 1", "data d 1", "data-ascii - 1", "data-raw - 1", "data-binary - 1",
		"data-urlencode - 1", "json - 1", "get G 0", "head I 0", "user u 1", "aws-sigv4 - 1",
		"url - 1", "url-query - 1", "cookie b 1", "cookie-jar c 1", "form F 1", "form-string - 1",
		"compressed - 0", "location L 0", "insecure k 0", "silent s 0", "show-error S 0", "verbose v 0",
		"include i 0", "output o 1", "remote-name O 0", "user-agent A 1", "referer e 1", "upload-file T 1",
		"oauth2-bearer - 1", "next : 0", "fail f 0", "fail-with-body - 0", "http1.0 0 0", "http1.1 - 0",
		"http2 - 0", "http2-prior-knowledge - 0", "http3 - 0", "ipv4 4 0", "ipv6 6 0", "max-time m 1",
		"connect-timeout - 1", "retry - 1", "retry-delay - 1", "retry-max-time - 1", "retry-all-errors - 0",
		"max-redirs - 1", "proxy x 1", "proxy-user U 1", "noproxy - 1", "cacert - 1", "capath - 1",
		"cert E 1", "cert-type - 1", "key - 1", "key-type - 1", "pass - 1", "write-out w 1",
		"dump-header D 1", "trace - 1", "trace-ascii - 1", "trace-time - 0", "stderr - 1", "progress-bar # 0",
		"no-progress-meter - 0", "no-buffer N 0", "resolve - 1", "connect-to - 1", "range r 1",
		"continue-at C 1", "limit-rate - 1", "config K 1", "netrc n 0", "netrc-file - 1", "netrc-optional - 0",
		"basic - 0", "digest - 0", "ntlm - 0", "negotiate - 0", "anyauth - 0", "path-as-is - 0",
		"globoff g 0", "request-target - 1", "unix-socket - 1", "abstract-unix-socket - 1", "interface - 1",
		"local-port - 1", "keepalive-time - 1", "no-keepalive - 0", "tcp-nodelay - 0", "tlsv1.2 - 0",
		"tlsv1.3 - 0", "tls-max - 1", "ciphers - 1", "pinnedpublickey - 1", "create-dirs - 0",
		"output-dir - 1", "remote-header-name J 0", "remote-time R 0", "time-cond z 1", "speed-limit Y 1",
		"speed-time y 1", "max-filesize - 1", "parallel Z 0", "parallel-max - 1", "raw - 0",
		"tr-encoding - 0", "ignore-content-length - 0", "post301 - 0", "post302 - 0", "post303 - 0",
		"location-trusted - 0", "proto - 1", "proto-redir - 1", "proxy-header - 1", "preproxy - 1",
		"socks5 - 1", "socks5-hostname - 1", "dns-servers - 1", "doh-url - 1", "alt-svc - 1", "hsts - 1",
		"etag-compare - 1", "etag-save - 1", "variable - 1", "expand-url - 1", "expand-data - 1",
		"expand-header - 1", "junk-session-cookies j 0", "list-only l 0", "append a 0", "use-ascii B 0",
		"quote Q 1", "telnet-option t 1", "ftp-port P 1", "disable q 0", "manual M 0", "help h 0",
		"version V 0", "styled-output - 0", "xattr - 0", "ssl - 0", "ssl-reqd - 0", "false-start - 0",
		"happy-eyeballs-timeout-ms - 1", "expect100-timeout - 1", "ca-native - 0", "sasl-ir - 0",
		"service-name - 1", "login-options - 1", "mail-from - 1", "mail-rcpt - 1", "crlf - 0",
		"compressed-ssh - 0", "skip-existing - 0", "remove-on-error - 0", "rate - 1", "ip-tos - 1",
		"aws-sigv4-mode - 1", "ech - 1", "curves - 1", "sigalgs - 1", "max-time m 1",
	}
	for _, t := range table {
		f := strings.Fields(t)
		info := optInfo{arg: f[2] == "1"}
		if f[1] != "-" {
			info.short = f[1][0]
			if f[0] != "http1.0" {
				curlShort[info.short] = f[0]
			}
		}
		curlLong[f[0]] = info
	}
	curlShort['0'] = "http1.0"
}

// Options that only change how curl shows or stores the answer, or how it
// connects: no meaning for a request in a collection.
var curlNoMeaning = map[string]string{
	"silent": "", "show-error": "", "verbose": "", "include": "", "output": "", "remote-name": "",
	"fail": "", "fail-with-body": "", "write-out": "", "dump-header": "", "trace": "", "trace-ascii": "",
	"trace-time": "", "stderr": "", "progress-bar": "", "no-progress-meter": "", "no-buffer": "",
	"max-time": "", "connect-timeout": "", "retry": "", "retry-delay": "", "retry-max-time": "",
	"retry-all-errors": "", "http1.0": "", "http1.1": "", "http2": "", "http2-prior-knowledge": "",
	"http3": "", "ipv4": "", "ipv6": "", "create-dirs": "", "output-dir": "", "remote-header-name": "",
	"remote-time": "", "path-as-is": "sigscope sends the path as written", "globoff": "",
	"styled-output": "", "xattr": "", "parallel": "", "parallel-max": "", "limit-rate": "",
	"keepalive-time": "", "no-keepalive": "", "tcp-nodelay": "", "tlsv1.2": "", "tlsv1.3": "",
	"tls-max": "", "ciphers": "", "max-filesize": "", "speed-limit": "", "speed-time": "",
	"skip-existing": "", "remove-on-error": "", "rate": "", "happy-eyeballs-timeout-ms": "",
	"expect100-timeout": "", "ca-native": "", "disable": "", "false-start": "", "raw": "",
	"compressed": "sigscope shows the answer's body as it arrives (Accept-Encoding is sent only when a header sets it)",
	"location":   "sigscope shows each redirect instead of following it silently",
	"insecure":   "sigscope always verifies TLS certificates",
}

// curlCmd is one request's worth of options.
type curlCmd struct {
	line      int
	urls      []word
	method    string
	headers   []curlHeader
	data      []curlData
	get, head bool
	jsonFlag  bool
	user      word
	sigv4     word
	urlQuery  []word
	cookies   []word
	forms     []word
	upload    word
	oauth2    word
	ignored   []string // options shown with no meaning here
	unmapped  []string // options that change the request and could not be kept
}

type curlHeader struct {
	name  string
	value word
}

type curlData struct {
	kind string // data, raw, binary, urlencode, json
	w    word
}

// parseArgs turns a command's arguments into one curlCmd per --next part.
func (imp *curlImport) parseArgs(cmd command) []*curlCmd {
	cur := &curlCmd{line: cmd.line}
	out := []*curlCmd{cur}
	args := cmd.args
	onlyURLs := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		pre := a.prefix()
		if onlyURLs || !strings.HasPrefix(pre, "-") || pre == "-" {
			cur.urls = append(cur.urls, a)
			continue
		}
		if pre == "--" && len(a.trim()) == 1 {
			onlyURLs = true
			continue
		}
		next := func(opt string) (word, bool) {
			if i+1 >= len(args) {
				cur.unmapped = append(cur.unmapped, opt+" (its value is missing)")
				return nil, false
			}
			i++
			return args[i], true
		}
		if strings.HasPrefix(pre, "--") {
			name := strings.TrimPrefix(pre, "--")
			var val word
			hasVal := false
			if eq := strings.IndexByte(name, '='); eq >= 0 {
				_, val, _ = a.cut("=")
				name, hasVal = name[:eq], true
			} else if len(a.trim()) > 1 {
				name = strings.TrimPrefix(imp.tmpl(a), "--")
			}
			info, known := curlLong[name]
			if !known && strings.HasPrefix(name, "no-") {
				if _, ok := curlLong[strings.TrimPrefix(name, "no-")]; ok {
					continue // switching a boolean off: the default here
				}
			}
			if !known {
				cur.unmapped = append(cur.unmapped, "--"+name+" (unknown to this importer)")
				continue
			}
			if info.arg && !hasVal {
				v, ok := next("--" + name)
				if !ok {
					continue
				}
				val = v
			}
			if name == "next" {
				cur = &curlCmd{line: cmd.line}
				out = append(out, cur)
				continue
			}
			cur.apply(name, val)
			continue
		}
		// A cluster of short options: -sSL, -XPOST, -H'X: y'.
		letters := pre[1:]
		rest := a
		for j := 0; j < len(letters); j++ {
			name, ok := curlShort[letters[j]]
			if !ok {
				cur.unmapped = append(cur.unmapped, "-"+string(letters[j])+" (unknown to this importer)")
				continue
			}
			if name == "next" {
				cur = &curlCmd{line: cmd.line}
				out = append(out, cur)
				continue
			}
			if !curlLong[name].arg {
				cur.apply(name, nil)
				continue
			}
			var val word
			if j+1 < len(letters) || len(a.trim()) > 1 {
				_, val, _ = rest.cut("-" + letters[:j+1])
				if len(val) == 0 && j+1 == len(letters) {
					v, ok := next("-" + string(letters[j]))
					if !ok {
						break
					}
					val = v
				}
			} else {
				v, ok := next("-" + string(letters[j]))
				if !ok {
					break
				}
				val = v
			}
			cur.apply(name, val)
			break
		}
	}
	return out
}

// apply records one option.
func (cur *curlCmd) apply(name string, val word) {
	show := func() string {
		if info := curlLong[name]; info.short != 0 && name != "http1.0" {
			return fmt.Sprintf("-%c", info.short)
		}
		return "--" + name
	}
	switch name {
	case "request":
		cur.method, _ = val.lit()
		if cur.method == "" {
			cur.unmapped = append(cur.unmapped, "-X with a method from a variable")
		}
	case "header":
		pre := val.prefix()
		if strings.HasPrefix(pre, "@") {
			cur.unmapped = append(cur.unmapped, "-H @file (headers read from a file)")
			return
		}
		n, v, found := val.cut(":")
		nameText, _ := n.lit()
		if !found {
			if n2, _, semi := val.cut(";"); semi {
				nm, _ := n2.lit()
				cur.headers = append(cur.headers, curlHeader{name: strings.TrimSpace(nm), value: word{}})
				return
			}
			cur.unmapped = append(cur.unmapped, "-H "+pre+" (no colon: not a header)")
			return
		}
		v = trimLeftSpace(v)
		if len(v) == 0 {
			return // "Name:" removes a header curl would add: nothing to do here
		}
		cur.headers = append(cur.headers, curlHeader{name: strings.TrimSpace(nameText), value: v})
	case "data", "data-ascii":
		cur.data = append(cur.data, curlData{kind: "data", w: val})
	case "data-raw":
		cur.data = append(cur.data, curlData{kind: "raw", w: val})
	case "data-binary":
		cur.data = append(cur.data, curlData{kind: "binary", w: val})
	case "data-urlencode":
		cur.data = append(cur.data, curlData{kind: "urlencode", w: val})
	case "json":
		cur.data = append(cur.data, curlData{kind: "json", w: val})
		cur.jsonFlag = true
	case "get":
		cur.get = true
	case "head":
		cur.head = true
	case "user":
		cur.user = val
	case "aws-sigv4":
		cur.sigv4 = val
	case "url":
		cur.urls = append(cur.urls, val)
	case "url-query":
		cur.urlQuery = append(cur.urlQuery, val)
	case "cookie":
		cur.cookies = append(cur.cookies, val)
	case "form", "form-string":
		cur.forms = append(cur.forms, val)
	case "upload-file":
		cur.upload = val
	case "oauth2-bearer":
		cur.oauth2 = val
	case "user-agent":
		cur.headers = append(cur.headers, curlHeader{name: "User-Agent", value: val})
	case "referer":
		cur.headers = append(cur.headers, curlHeader{name: "Referer", value: val})
	case "cookie-jar":
		cur.ignored = append(cur.ignored, show()+" (sigscope keeps cookies in its own jar)")
	default:
		if why, ok := curlNoMeaning[name]; ok {
			s := show()
			if why != "" {
				s += " (" + why + ")"
			}
			cur.ignored = append(cur.ignored, s)
			return
		}
		cur.unmapped = append(cur.unmapped, show())
	}
}

func trimLeftSpace(w word) word {
	for len(w) > 0 && w[0].v == "" && w[0].cmd == "" {
		t := strings.TrimLeft(w[0].text, " \t")
		if t != "" {
			return append(word{{text: t}}, w[1:]...)
		}
		w = w[1:]
	}
	return w
}
