# source: https://android.googlesource.com/platform/external/curl/+/b226bd679/docs/cmdline-opts/url-query.d
curl --url-query name=val $URL
curl --url-query =encodethis http://example.net/foo
curl --url-query "+name=%20foo" $URL
