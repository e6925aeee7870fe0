# source: https://pastebin.com/c95BNQ0A
curl --tr-encoding -X POST -v -# -o output -T filename.dat http://example.com/resource.cgi
