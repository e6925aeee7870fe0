# source: https://android.googlesource.com/platform/external/curl/+/30e04beaf/docs/cmdline-opts/aws-sigv4.d
curl --aws-sigv4 "aws:amz:us-east-2:es" --user "key:secret" $URL
