package export

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/sign"
	"github.com/sigscope/sigscope/workbench"
)

// Curl writes a prepared request as a curl command: by default one that
// signs afresh on every run (--aws-sigv4 with the keys from environment
// variables, tokens from variables), with Options.Frozen the request
// exactly as signed.
func Curl(p *exchange.Prepared, o Options) (string, error) {
	if p == nil || p.Resolved == nil || p.Request == nil {
		return "", fmt.Errorf("export curl: no prepared request")
	}
	if o.Frozen {
		return curlFrozen(p, &o)
	}
	if p.Trace != nil && p.Trace.Algorithm == sign.AlgorithmV4a {
		// curl's --aws-sigv4 signs SigV4 only: the request as signed is the
		// one command that works.
		return curlFrozen(p, &o, "curl --aws-sigv4 cannot sign SigV4a (AWS4-ECDSA-P256-SHA256): this is the request as signed now")
	}
	return curlFresh(p, &o)
}

// curlFresh writes the unsigned request plus what authorizes it, read
// from the environment when the command runs.
func curlFresh(p *exchange.Prepared, o *Options) (string, error) {
	a := o.auth(p)
	vw := newValueWriter(p, o)
	c := &command{}
	r := p.Unsigned
	query := r.RawQuery
	var auth [][]string
	switch a.Mode {
	case collections.ModeIAM, collections.ModeGuest:
		region, service, err := regionService(p, a)
		if err != nil {
			return "", fmt.Errorf("export curl: %w", err)
		}
		cv := credentialsFor(p, a, o)
		for _, n := range cv.notes {
			c.note("%s", n)
		}
		auth = append(auth, []string{"--aws-sigv4", Quote("aws:amz:" + region + ":" + service)},
			[]string{"--user", word([]segment{{name: cv.access}, {lit: ":"}, {name: cv.secret}})})
		if cv.withToken {
			auth = append(auth, []string{"-H", word([]segment{{lit: "x-amz-security-token: "}, {name: cv.token}})})
		}
		if a.Presign {
			c.note("the collection presigns this request (signature in the query); curl --aws-sigv4 signs the Authorization header instead (--frozen writes the presigned URL)")
		}
		tr, err := canonicalForm(r, a, region, service)
		if err != nil {
			return "", fmt.Errorf("export curl: %w", err)
		}
		// curl sends the payload hash header it is given and signs with
		// it, as S3 wants; without it curl hashes the body itself.
		if _, ok := r.Get("X-Amz-Content-Sha256"); !ok && (a.S3 || a.UnsignedPayload) {
			auth = append(auth, []string{"-H", Quote("x-amz-content-sha256: " + tr.Payload.Hash)})
		}
		if query != "" && tr.Query.Output != query {
			// Older curl (7.x) signs the query as written; the server
			// sorts and encodes it. Written canonical, it reads the same
			// to both (repeated keys come sorted by value).
			query = tr.Query.Output
			c.note("the query is written in SigV4 canonical order and encoding, so that curl releases that sign it as written (7.x) sign what the server reads")
		}
		if tr.URI.Output != r.Path {
			c.note("the server reads the path as %s in the signature; curl releases that sign the path as written (7.x) get 403 for it: use --frozen there", vw.redact.Known(tr.URI.Output))
		}
	case collections.ModeIDToken, collections.ModeAccessToken:
		name, field := EnvIDToken, "id_token"
		if a.Mode == collections.ModeAccessToken {
			name, field = EnvAccessToken, "access_token"
		}
		prefix := ""
		if a.Bearer {
			prefix = "Bearer "
		}
		c.note("%s", tokenHint(p, name, field, a, o))
		auth = append(auth, []string{"-H", word([]segment{{lit: "Authorization: " + prefix}, {name: name}})})
	case collections.ModeAPIKey:
		name := o.EnvNames[string(a.APIKey)]
		if name == "" {
			name = EnvAPIKey
			c.note("%s is the API key that the api_key of the collection gives; sigscope export --frozen --show-secrets prints the request with it", EnvAPIKey)
		}
		auth = append(auth, []string{"-H", word([]segment{{lit: "x-api-key: "}, {name: name}})})
	}
	c.add(slices.Concat(curlWords, methodWords(r), []string{word(vw.text(wireURL(p, r, query)))})...)
	for _, g := range auth {
		c.add(g...)
	}
	curlHeaders(c, p, r, vw)
	curlBody(c, p, r, vw)
	if vw.masked {
		c.note("values shown as …(N chars) are masked secrets: sigscope export --show-secrets writes them in clear")
	}
	return c.String(), nil
}

// curlWords start every curl command. --globoff: curl would read [1-5]
// and {a,b} in the URL as ranges and send one request for each.
var curlWords = []string{"curl", "--globoff", "--path-as-is"}

// tokenHint says where a fresh command's token variable comes from: the
// login with the --env and --var the export was given, so that it runs as
// printed, less any variable that holds a secret (named like a
// credential, or a value the request keeps secret).
func tokenHint(p *exchange.Prepared, name, field string, a collections.ResolvedAuth, o *Options) string {
	coll := o.Collection
	if coll == "" {
		coll = "COLLECTION"
	}
	args := ""
	if a.Profile != nil && a.Profile.Name != "" {
		args += " --profile " + Quote(a.Profile.Name)
	}
	if o.Environment != "" {
		args += " --env " + Quote(o.Environment)
	}
	for _, k := range slices.Sorted(maps.Keys(o.Vars)) {
		if v := o.Vars[k]; !workbench.CredentialName(k) && !slices.Contains(p.Secrets, v) && !strings.HasPrefix(v, "eyJ") {
			args += " --var " + Quote(k+"="+v)
		}
	}
	return fmt.Sprintf("%s: the Cognito %s of a login: export %s=\"$(sigscope login %s%s -o json --show-tokens | jq -r .%s)\"", name, field, name, Quote(coll), args, field)
}

// curlFrozen writes the signed request: every header as sent.
func curlFrozen(p *exchange.Prepared, o *Options, notes ...string) (string, error) {
	vw := newValueWriter(p, o)
	c := &command{}
	for _, n := range notes {
		c.note("%s", n)
	}
	r := p.Request
	if e := expiry(p); e != "" {
		c.note("%s", e)
	}
	c.add(slices.Concat(curlWords, methodWords(r), []string{word(vw.text(wireURL(p, r, r.RawQuery)))})...)
	curlHeaders(c, p, r, vw)
	curlBody(c, p, r, vw)
	if vw.masked {
		c.note("values shown as …(N chars) are masked secrets: the command runs only with sigscope export --frozen --show-secrets")
	}
	return c.String(), nil
}

// methodWords name the method when curl would not pick it by itself
// (GET without a body, POST with one).
func methodWords(r *sign.Request) []string {
	switch {
	case r.Method == "HEAD":
		return []string{"--head"}
	case r.Method == "POST" && len(r.Body) > 0, r.Method == "GET" && len(r.Body) == 0:
		return nil
	}
	return []string{"-X", Quote(r.Method)}
}

// curlHeaders writes the headers in order. curl computes Content-Length
// itself; sigscope's own User-Agent stays out of a fresh command (SigV4
// never signs it) and in a frozen one.
func curlHeaders(c *command, p *exchange.Prepared, r *sign.Request, vw *valueWriter) {
	if r.Host != p.Target.Host {
		c.add("-H", Quote("Host: "+r.Host))
	}
	frozen := r == p.Request
	for _, h := range r.Headers {
		switch {
		case strings.EqualFold(h.Name, "Content-Length"):
			continue
		case strings.EqualFold(h.Name, "User-Agent") && !frozen && !userHeader(p, h.Name):
			continue
		}
		segs := vw.header(h.Name, h.Value)
		if h.Value == "" {
			// "Name;" is curl's way to send a header with no value.
			c.add("-H", Quote(h.Name+";"))
			continue
		}
		c.add("-H", word(append([]segment{{lit: h.Name + ": "}}, segs...)))
	}
}

// curlBody writes the body: a file body by name, bytes that no argument
// can hold or a terminal would not show through printf, the rest as one
// argument.
func curlBody(c *command, p *exchange.Prepared, r *sign.Request, vw *valueWriter) {
	if len(r.Body) == 0 {
		return
	}
	if b := p.Resolved.Body; b != nil && b.Kind == collections.BodyFile && b.File != "" {
		c.add("--data-binary", Quote("@"+b.File))
		return
	}
	segs := vw.text(string(r.Body))
	switch {
	case needsPipe(r.Body):
		c.prefix = printfCommand(segs)
		c.add("--data-binary", "@-")
	case r.Body[0] == '@':
		c.add("--data-raw", word(segs)) // --data-binary would read a file
	default:
		c.add("--data-binary", word(segs))
	}
}
