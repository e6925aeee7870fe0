# source: https://newbedev.com/using-an-api-key-in-amazon-api-gateway
$ curl -X POST -H "x-api-key: theKey" -H "Content-Type: application/json" -d '{"key":"val"}' https://[api-id].execute-api.[region].amazonaws.com
