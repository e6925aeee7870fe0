# source: https://how.wtf/aws-sigv4-requests-with-curl.html
curl "$url" \
  --user "$AWS_ACCESS_KEY_ID":"$AWS_SECRET_ACCESS_KEY" \
  --aws-sigv4 "aws:amz:us-east-1:execute-api"
