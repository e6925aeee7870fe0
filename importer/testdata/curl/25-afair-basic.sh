# source: https://gist.github.com/afair/5265874
curl -u "apikey:" https://example.org
