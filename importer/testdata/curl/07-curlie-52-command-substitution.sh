# source: https://github.com/rs/curlie/issues/52
curl https://REDACTED.execute-api.eu-west-1.amazonaws.com/REDACTED --aws-sigv4 "aws:amz:eu-west-1" --user "$(aws configure get aws_access_key_id):$(aws configure get aws_secret_access_key)" -s -S -v -H "Accept: application/json, */*"
