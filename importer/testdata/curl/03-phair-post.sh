# source: https://nicholasphair.github.io/blog/2025/AWSSigning_Curl
curl \
  --request POST \
  --user "$AWS_ACCESS_KEY:$AWS_SECRET_ACCESS_KEY" \
  --aws-sigv4 "aws:amz:us-east-1:execute-api" \
  --header "Content-Type: application/json" \
  "$URL"
