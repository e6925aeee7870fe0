# source: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-call.html
curl -H "X-API-Key: abcd1234" 'http://b123abcde4.execute-api.us-west-2.amazonaws.com/prod/getUsers'
