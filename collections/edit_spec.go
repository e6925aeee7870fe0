package collections

import (
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Reading a request back as written, for the request editor's form.

// RequestSpec returns a request as written in the file, templates not
// expanded and nothing taken from defaults: what an editor form shows.
// Method is GET when the file leaves it out. AddRequest of the result
// makes an equivalent request. Values the loader reads as text are given
// as text (limit: 50 gives "50"); a JSON body is JSON text with key order
// and numbers kept.
func (c *Collection) RequestSpec(requestPath string) (Request, error) {
	r, _, err := c.find(requestPath)
	if err != nil {
		return Request{}, fmt.Errorf("read request %q: %w", requestPath, err)
	}
	out := Request{Name: r.name, Description: r.description, Method: r.method, URL: r.url.raw}
	out.Query = entryKVs(r.query)
	for _, h := range r.headers {
		if h.remove || len(h.values) == 0 { // an empty list removes the header as null does
			out.RemoveHeaders = append(out.RemoveHeaders, h.name)
			continue
		}
		for _, v := range h.values {
			out.Headers = append(out.Headers, KV{h.name, v.raw})
		}
	}
	if b := r.body; b != nil {
		bs := &BodySpec{Kind: b.kind}
		switch b.kind {
		case BodyJSON:
			w := &jsonWriter{budget: maxJSONNodes, onString: func(s *yaml.Node) string { return s.Value }}
			if err := w.write(b.json); err != nil {
				return Request{}, fmt.Errorf("read request %q: body: %w", requestPath, err)
			}
			bs.JSON = json.RawMessage(append([]byte(nil), w.buf.Bytes()...))
		case BodyText:
			bs.Text = b.text.raw
		case BodyForm:
			bs.Form = entryKVs(b.form)
		case BodyFile:
			bs.File = b.file.raw
		}
		out.Body = bs
	}
	out.Auth = r.auth.spec()
	return out, nil
}

func entryKVs(es []queryEntry) []KV {
	var out []KV
	for _, e := range es {
		for _, v := range e.values {
			out = append(out, KV{e.key.raw, v.raw})
		}
	}
	return out
}

// spec is the auth block as written; nil when it sets nothing.
func (a *authSpec) spec() *AuthSpec {
	var s AuthSpec
	set := false
	str := func(dst *string, v string, present bool) {
		if present {
			*dst, set = v, true
		}
	}
	boolean := func(dst **bool, b optBool) {
		if b.node != nil {
			v := b.val
			*dst, set = &v, true
		}
	}
	if a.mode.node != nil {
		s.Mode, set = AuthMode(a.mode.val), true
	}
	str(&s.Profile, a.profile.val, a.profile.node != nil)
	str(&s.Service, a.service.raw, a.service.isSet())
	str(&s.Region, a.region.raw, a.region.isSet())
	str(&s.APIKey, a.apiKey.raw, a.apiKey.isSet())
	boolean(&s.Presign, a.presign)
	boolean(&s.S3, a.s3)
	boolean(&s.UnsignedPayload, a.unsignedPayload)
	boolean(&s.Bearer, a.bearer)
	boolean(&s.Cookies, a.cook)
	if a.expires.node != nil {
		s.Expires, set = a.expires.val, true
	}
	str(&s.Algorithm, a.algorithm.val, a.algorithm.node != nil)
	if a.regionSet.node != nil {
		set = true
		for _, t := range a.regionSet.items {
			s.RegionSet = append(s.RegionSet, t.raw)
		}
	}
	if !set {
		return nil
	}
	return &s
}
