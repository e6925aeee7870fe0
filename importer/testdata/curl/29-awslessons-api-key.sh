# source: http://www.awslessons.com/2017/aws-api-gateway-adding-apikey-requests/
curl --header "x-api-key: <your_key_here>" https://your-api.execute-api.us-east1-amazonaws.com/prod/<endpoint>
