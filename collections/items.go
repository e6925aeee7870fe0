package collections

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var commonMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}

// items reads a `requests:` list: requests and folders in file order.
func (l *loader) items(n *yaml.Node, folderPath string) []item {
	n = deref(n)
	where := "collection"
	if folderPath != "" {
		where = fmt.Sprintf("folder %q", folderPath)
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, "requests of the %s must be a list (each item starting with \"- \"), got %s", where, kindName(n))
		return nil
	}
	var out []item
	reqNames := map[string]*yaml.Node{}
	folderNames := map[string]*yaml.Node{}
	for _, it := range n.Content {
		it = deref(it)
		if it.Kind != yaml.MappingNode {
			l.errorf(it, "each item of requests must be a mapping (a request or a folder), got %s", kindName(it))
			continue
		}
		isFolder := false
		for i := 0; i+1 < len(it.Content); i += 2 {
			if deref(it.Content[i]).Value == "folder" {
				isFolder = true
			}
		}
		if isFolder {
			f := l.folder(it, folderPath)
			if f == nil {
				continue
			}
			if first, dup := folderNames[f.name]; dup {
				l.errorf(f.nameNode, "duplicate folder %q in the %s (first at line %d); give it another name or merge the two", f.name, where, first.Line)
			}
			folderNames[f.name] = f.nameNode
			out = append(out, item{folder: f})
			continue
		}
		r := l.request(it)
		if r == nil {
			continue
		}
		if first, dup := reqNames[r.name]; dup && r.nameNode != nil {
			l.errorf(r.nameNode, "duplicate request name %q in the %s (first at line %d): names must be unique within a folder", r.name, where, first.Line)
		}
		if r.nameNode != nil {
			reqNames[r.name] = r.nameNode
		}
		out = append(out, item{req: r})
	}
	return out
}

func (l *loader) folder(n *yaml.Node, parent string) *folder {
	what := "folder"
	if name := peekString(n, "folder"); name != "" {
		what = fmt.Sprintf("folder %q", joinPath(parent, name))
	}
	fs, _ := l.fields(n, what, folderFields)
	name, nameNode, ok := l.requiredString(fs, n, "folder", what)
	if !ok {
		return nil
	}
	f := &folder{name: name, nameNode: nameNode, node: n}
	f.description, _ = l.optString(fs, "description", "folder")
	path := joinPath(parent, name)
	if d, ok := fs.get("defaults"); ok {
		f.defaults = l.defaults(d.val, fmt.Sprintf("folder %q defaults", path))
	}
	if r, ok := fs.get("requests"); ok {
		f.items = l.items(r.val, path)
	}
	return f
}

func (l *loader) request(n *yaml.Node) *request {
	what := "request"
	if name := peekString(n, "name"); name != "" {
		what = "request " + strconv.Quote(name)
	}
	fs, _ := l.fields(n, what, requestFields)
	r := &request{node: n, method: "GET"}
	name, nameNode, ok := l.requiredString(fs, n, "name", what)
	if ok {
		r.name, r.nameNode = name, nameNode
	}
	r.description, _ = l.optString(fs, "description", what)
	if m, mn := l.optString(fs, "method", what); mn != nil {
		if msg := checkMethod(m); msg != "" {
			l.errorf(mn, "%s: %s", what, msg)
		} else {
			r.method = m
		}
	}
	if _, un, ok := l.requiredString(fs, n, "url", what); ok {
		r.url = l.template(un)
		if msg := checkURLShape(r.url); msg != "" {
			l.errorf(un, "%s: %s", what, msg)
		}
	}
	if f, ok := fs.get("query"); ok {
		r.query = l.pairs(f.val, what+" query")
	}
	if f, ok := fs.get("headers"); ok {
		r.headers = l.headers(f.val, what+" headers")
	}
	if f, ok := fs.get("body"); ok {
		r.body = l.body(f.val, what+" body")
	}
	if f, ok := fs.get("auth"); ok {
		r.auth = l.authSpec(f.val, what+" auth")
	}
	if f, ok := fs.get("capture"); ok {
		r.captures = l.captures(f.val, what+" capture")
	}
	if f, ok := fs.get("assert"); ok {
		r.asserts = l.asserts(f.val, what+" assert")
	}
	if r.name == "" {
		return nil
	}
	return r
}

// peekString returns a mapping's scalar value for key, or "", so that
// messages about an item can name it before it is fully read.
func peekString(n *yaml.Node, key string) string {
	if i := mapIndex(n, key); i >= 0 {
		if v := deref(n.Content[i+1]); v.Kind == yaml.ScalarNode {
			return v.Value
		}
	}
	return ""
}

func checkMethod(m string) string {
	up := strings.ToUpper(m)
	switch {
	case !isToken(m):
		return fmt.Sprintf("bad method %q: a method is a single word such as GET or POST (an HTTP token, no spaces or templates)", m)
	case m != up && contains(commonMethods, up):
		return fmt.Sprintf("bad method %q: methods are case-sensitive; write %q", m, up)
	case m != up:
		return fmt.Sprintf("bad method %q: custom methods must be uppercase tokens, such as %q", m, up)
	}
	return ""
}

// checkURLShape validates what can be known before templating: the URL is
// absolute http(s) with a host, or starts with a variable that will supply
// that part.
func checkURLShape(t tmpl) string {
	raw := t.raw
	bad := fmt.Sprintf("bad URL %q: write an absolute http:// or https:// URL, or start with a variable such as {{base_url}}", raw)
	if strings.TrimSpace(raw) != raw {
		return fmt.Sprintf("bad URL %q: remove the leading or trailing spaces", raw)
	}
	for _, r := range raw {
		if r < 0x20 || r == 0x7f {
			return fmt.Sprintf("bad URL %q: it contains a control character", raw)
		}
	}
	if len(t.segs) == 0 {
		return bad
	}
	if k := t.segs[0].kind; k == segVar || k == segEnv {
		return ""
	}
	if t.segs[0].kind != segLiteral {
		return bad
	}
	// Stand-ins for templates keep "https://{{host}}/x" checkable.
	var b strings.Builder
	for _, s := range t.segs {
		if s.kind == segLiteral {
			b.WriteString(s.text)
		} else {
			b.WriteString("x")
		}
	}
	shaped := b.String()
	lower := strings.ToLower(shaped)
	var rest string
	switch {
	case strings.HasPrefix(lower, "http://"):
		rest = shaped[len("http://"):]
	case strings.HasPrefix(lower, "https://"):
		rest = shaped[len("https://"):]
	default:
		return bad
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if host == "" {
		return fmt.Sprintf("bad URL %q: the host is missing after the scheme", raw)
	}
	if strings.ContainsAny(host, " \t{}<>\"\\^`|") {
		return fmt.Sprintf("bad URL %q: the host %q has characters a host cannot have", raw, host)
	}
	return ""
}

func (l *loader) body(n *yaml.Node, what string) *bodySpec {
	if v := deref(n); v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
		return nil
	}
	fs, ok := l.fields(n, what, bodyKinds)
	if !ok {
		return nil
	}
	n = deref(n)
	present := fs.list
	if len(present) == 0 {
		l.errorf(n, "%s needs one of %s", what, strings.Join(bodyKinds, ", "))
		return nil
	}
	if len(present) > 1 {
		l.errorf(present[1].key, "%s: two body kinds at once (%s and %s): a body is exactly one of json, text, form or file", what, deref(present[0].key).Value, deref(present[1].key).Value)
		return nil
	}
	f := present[0]
	b := &bodySpec{kind: BodyKind(deref(f.key).Value), node: n}
	switch b.kind {
	case BodyJSON:
		b.json = deref(f.val)
		l.checkJSON(b.json, what+" json")
	case BodyText:
		v := deref(f.val)
		if v.Kind != yaml.ScalarNode {
			l.errorf(v, "%s text must be a string, got %s (use json: for structured data)", what, kindName(v))
			return nil
		}
		if v.ShortTag() == "!!null" {
			b.text = tmpl{raw: "", node: v}
		} else {
			b.text = l.template(v)
		}
	case BodyForm:
		b.form = l.pairs(f.val, what+" form")
	case BodyFile:
		s, ok := l.scalar(f, what, "file")
		if !ok {
			return nil
		}
		if strings.TrimSpace(s) == "" {
			l.errorf(f.val, "%s file: the path is empty", what)
			return nil
		}
		b.file = l.template(f.val)
	}
	return b
}

// checkReferences validates what spans the file: profile names, and the
// auth each request ends up with after defaults are applied.
func (l *loader) checkReferences() {
	c := l.c
	l.checkProfileRef(&c.defaults.auth)
	var walk func(items []item, inherited *authSpec)
	walk = func(items []item, inherited *authSpec) {
		for _, it := range items {
			if f := it.folder; f != nil {
				l.checkProfileRef(&f.defaults.auth)
				eff := *inherited
				eff.merge(&f.defaults.auth)
				walk(f.items, &eff)
				continue
			}
			r := it.req
			l.checkProfileRef(&r.auth)
			eff := *inherited
			eff.merge(&r.auth)
			l.checkEffectiveAuth(r, &eff)
		}
	}
	top := c.defaults.auth
	walk(c.items, &top)
}

func (l *loader) checkProfileRef(a *authSpec) {
	if a.profile.node == nil {
		return
	}
	if l.c.profile(a.profile.val) == nil {
		names := l.c.AuthProfiles()
		l.errorf(a.profile.node, "unknown auth profile %q%s (profiles: %s)", a.profile.val, didYouMean(a.profile.val, names), quoteList(names))
	}
}

func (l *loader) checkEffectiveAuth(r *request, a *authSpec) {
	mode := AuthMode(a.mode.val)
	setAt := ""
	if a.mode.node != nil {
		setAt = fmt.Sprintf(" (mode set at line %d)", a.mode.node.Line)
	}
	p := l.c.profile(a.profile.val)
	if a.profile.node != nil && p == nil {
		return // already reported as an unknown profile
	}
	if (mode == ModeIAM || mode == ModeGuest) && len(a.regionSet.items) > 0 && a.algorithm.val != AlgorithmSigV4a {
		l.errorf(a.regionSet.node, "request %q: region_set is for SigV4a: add algorithm: sigv4a to its auth block, or drop the region set (region_set: null on the request when it comes from defaults)", r.name)
	}
	switch mode {
	case ModeIAM:
		switch {
		case p == nil:
			l.errorf(r.node, "request %q: auth mode iam needs a profile%s: set auth.profile on the request, a folder's defaults or the collection's defaults", r.name, setAt)
		case p.typ == ProfileCognito && p.fields["identity_pool_id"].raw == "":
			l.errorf(r.node, "request %q: auth mode iam with cognito profile %q needs identity_pool_id on the profile (the identity pool turns the login into AWS credentials)%s", r.name, p.name, setAt)
		}
	case ModeGuest:
		switch {
		case p == nil:
			l.errorf(r.node, "request %q: auth mode guest needs a cognito profile with identity_pool_id%s: set auth.profile", r.name, setAt)
		case p.typ != ProfileCognito:
			l.errorf(r.node, "request %q: auth mode guest needs a cognito profile (its identity pool's guest role), but %q is type %s%s", r.name, p.name, p.typ, setAt)
		case p.fields["identity_pool_id"].raw == "":
			l.errorf(r.node, "request %q: auth mode guest with cognito profile %q needs identity_pool_id on the profile (guests get their credentials from the identity pool's unauthenticated role)%s", r.name, p.name, setAt)
		}
	case ModeIDToken, ModeAccessToken:
		switch {
		case p == nil:
			l.errorf(r.node, "request %q: auth mode %s needs a cognito profile%s: set auth.profile", r.name, mode, setAt)
		case p.typ != ProfileCognito:
			l.errorf(r.node, "request %q: auth mode %s needs a cognito profile, but %q is type %s%s", r.name, mode, p.name, p.typ, setAt)
		}
	case ModeAPIKey:
		if !a.apiKey.isSet() {
			l.errorf(r.node, "request %q: auth mode api_key needs api_key, such as api_key: \"{{env.API_KEY}}\"%s", r.name, setAt)
		}
	}
}

// authOf is a request's auth: the collection's defaults, each folder's,
// then the request's own, each field set in a later block winning. It
// merges in place: resolving every request of a large collection (the
// trust check does) must not allocate a slice of blocks per request.
func (c *Collection) authOf(r *request, chain []*folder) authSpec {
	var out authSpec
	out.merge(&c.defaults.auth)
	for _, f := range chain {
		out.merge(&f.defaults.auth)
	}
	out.merge(&r.auth)
	return out
}

// headerLevels are a request's header lists from the collection inward:
// the collection's defaults, each folder's, the request's own.
func (c *Collection) headerLevels(r *request, chain []*folder) [][]headerEntry {
	levels := make([][]headerEntry, 0, len(chain)+2)
	levels = append(levels, c.defaults.headers)
	for _, f := range chain {
		levels = append(levels, f.defaults.headers)
	}
	return append(levels, r.headers)
}

// merge applies the fields set in a over a's.
func (out *authSpec) merge(a *authSpec) {
	if a.mode.node != nil {
		out.mode = a.mode
	}
	if a.profile.node != nil {
		out.profile = a.profile
	}
	if a.service.isSet() {
		out.service = a.service
	}
	if a.region.isSet() {
		out.region = a.region
	}
	if a.apiKey.isSet() {
		out.apiKey = a.apiKey
	}
	if a.presign.node != nil {
		out.presign = a.presign
	}
	if a.s3.node != nil {
		out.s3 = a.s3
	}
	if a.unsignedPayload.node != nil {
		out.unsignedPayload = a.unsignedPayload
	}
	if a.bearer.node != nil {
		out.bearer = a.bearer
	}
	if a.cook.node != nil {
		out.cook = a.cook
	}
	if a.algorithm.node != nil {
		out.algorithm = a.algorithm
	}
	if a.regionSet.node != nil {
		out.regionSet = a.regionSet
	}
	if a.expires.node != nil {
		out.expires = a.expires
	}
}

// joinPath appends a name to a request path, escaping '/' and '\' in it.
var pathEscaper = strings.NewReplacer(`\`, `\\`, "/", `\/`)

func joinPath(parent, name string) string {
	esc := name
	if strings.ContainsAny(name, `/\`) {
		esc = pathEscaper.Replace(name)
	}
	if parent == "" {
		return esc
	}
	return parent + "/" + esc
}

// splitPath undoes joinPath.
func splitPath(p string) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '\\' && i+1 < len(p) && (p[i+1] == '/' || p[i+1] == '\\'):
			cur.WriteByte(p[i+1])
			i++
		case p[i] == '/':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(p[i])
		}
	}
	return append(parts, cur.String())
}

// JoinPath appends a request or folder name to a folder path, escaping
// '/' and '\' in the name: the form every path argument takes.
func JoinPath(parent, name string) string { return joinPath(parent, name) }
