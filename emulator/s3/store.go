package s3

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sigscope/sigscope/emulator/awsauth"
	"github.com/sigscope/sigscope/sign/awsrule"
)

// operate does what a verified request asks of the object store.
func (s *Service) operate(w http.ResponseWriter, r *http.Request, body []byte) *s3Error {
	// The object key is the path decoded, as S3 reads it: "%7e" and "~"
	// name the same key, and "." ".." "//" are part of it.
	bucket, key, _ := strings.Cut(strings.TrimPrefix(awsrule.S3Key(awsauth.WirePath(r)), "/"), "/")
	switch {
	case bucket == "":
		return errNotImplemented("sigscope's emulator does not list buckets; name one: /<bucket>/<key>.")
	case key == "":
		return s.bucketOp(w, r, bucket)
	}
	id := bucket + "/" + key
	switch r.Method {
	case http.MethodPut:
		return s.put(w, id, r.Header.Get("Content-Type"), body)
	case http.MethodGet, http.MethodHead:
		s.mu.Lock()
		o, ok := s.objects[id]
		s.mu.Unlock()
		if !ok {
			return &s3Error{status: http.StatusNotFound, code: "NoSuchKey", message: "The specified key does not exist.", extra: [][2]string{{"Key", key}}}
		}
		h := w.Header()
		h.Set("Content-Type", o.contentType)
		h.Set("ETag", o.etag)
		h.Set("Last-Modified", o.modified.Format(http.TimeFormat))
		h.Set("Content-Length", strconv.Itoa(len(o.body)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(o.body)
		}
	case http.MethodDelete:
		s.mu.Lock()
		s.stored -= int64(len(s.objects[id].body))
		delete(s.objects, id)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		return errMethod(r.Method)
	}
	return nil
}

func (s *Service) put(w http.ResponseWriter, id, contentType string, body []byte) *s3Error {
	if contentType == "" {
		contentType = "binary/octet-stream" // S3's default
	}
	o := object{body: body, contentType: contentType, etag: etagOf(body), modified: s.now().UTC().Truncate(time.Second)}
	s.mu.Lock()
	defer s.mu.Unlock()
	grow := int64(len(body)) - int64(len(s.objects[id].body))
	if s.stored+grow > maxStoreAll {
		return &s3Error{status: http.StatusServiceUnavailable, code: "SlowDown",
			message: "sigscope's emulator holds at most 64 MiB of objects in memory; delete some first."}
	}
	s.objects[id] = o
	s.stored += grow
	w.Header().Set("ETag", o.etag)
	w.WriteHeader(http.StatusOK)
	return nil
}

// bucketOp answers a request for a bucket itself: GET lists its keys
// (ListObjectsV2's answer, with prefix=), PUT creates it, HEAD finds it.
func (s *Service) bucketOp(w http.ResponseWriter, r *http.Request, bucket string) *s3Error {
	switch r.Method {
	case http.MethodPut, http.MethodHead:
		w.WriteHeader(http.StatusOK)
		return nil
	case http.MethodGet:
	default:
		return errMethod(r.Method)
	}
	prefix := r.URL.Query().Get("prefix")
	s.mu.Lock()
	var keys []string
	for id := range s.objects {
		if k, ok := strings.CutPrefix(id, bucket+"/"); ok && strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>` + xmlText.Replace(bucket) +
		"</Name><Prefix>" + xmlText.Replace(prefix) + "</Prefix><KeyCount>" + strconv.Itoa(len(keys)) + "</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>")
	for _, k := range keys {
		o := s.objects[bucket+"/"+k]
		b.WriteString("<Contents><Key>" + xmlText.Replace(k) + "</Key><LastModified>" + o.modified.Format("2006-01-02T15:04:05.000Z") +
			"</LastModified><ETag>" + xmlText.Replace(o.etag) + "</ETag><Size>" + strconv.Itoa(len(o.body)) + "</Size><StorageClass>STANDARD</StorageClass></Contents>")
	}
	s.mu.Unlock()
	b.WriteString("</ListBucketResult>")
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String()))
	return nil
}

func errMethod(method string) *s3Error {
	return &s3Error{status: http.StatusMethodNotAllowed, code: "MethodNotAllowed",
		message: "The specified method is not allowed against this resource.",
		extra:   [][2]string{{"Method", method}, {"ResourceType", "OBJECT"}}}
}
