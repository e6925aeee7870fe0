# source: https://github.com/curl/curl/issues/11007
TOKEN=`curl -X PUT "http://169.254.169.254/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600"`
INSTANCE_PROFILE=`curl -H "X-aws-ec2-metadata-token: $TOKEN" -v http://169.254.169.254/latest/meta-data/iam/security-credentials/`
METADATA=`curl -H "X-aws-ec2-metadata-token: $TOKEN" -v http://169.254.169.254/latest/meta-data/iam/security-credentials/$INSTANCE_PROFILE`
ACCESS_KEY_ID=$(echo "$METADATA" | jq .AccessKeyId)
SECRET_ACCESS_KEY=$(echo "$METADATA" | jq .SecretAccessKey)
SESSION_TOKEN=$(echo "$METADATA" | jq .Token)


curl --request GET "https://vpclatticealp-mylatticeserv-nrrcexutsqpe-0b17e5b0e8a993adf.7d67968.vpc-lattice-svcs.us-west-2.on.aws/goodbye" --aws-sigv4 "aws:amz:us-west-2:vpc-lattice-svcs" --user ${ACCESS_KEY_ID}:${SECRET_ACCESS_KEY} -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -H "x-amz-security-token: ${SESSION_TOKEN}"
