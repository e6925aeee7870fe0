# source: https://github.com/rest-nvim/rest.nvim/issues/107
curl --request GET "https://${ENDPOINT}/my_index_pattern/my_type/_mapping" \
--user $AWS_ACCESS_KEY:$AWS_SECRET_KEY \
--aws-sigv4 "aws:amz:ap-southeast-2:es"
