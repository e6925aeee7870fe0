# source: https://pastebin.com/c95BNQ0A
curl --data "param1=value1&param2=value2" https://example.com/resource.cgi
