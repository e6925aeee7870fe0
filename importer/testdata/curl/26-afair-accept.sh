# source: https://gist.github.com/afair/5265874
curl -H "Accept: application/json" https://json.org
