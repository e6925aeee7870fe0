# source: https://android.googlesource.com/platform/external/curl/+/b226bd679/docs/cmdline-opts/url-query.d
curl --url-query name@file $URL
