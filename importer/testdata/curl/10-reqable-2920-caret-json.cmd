# source: https://github.com/reqable/reqable-app/issues/2920 (excerpt: some headers left out)
curl -X POST 'https://api.theone.art/market/api/dynamicNews/findNewsList' ^
-H 'Host: api.theone.art' ^
-H 'Connection: keep-alive' ^
-H 'Content-Length: 57' ^
-H 'sec-ch-ua-platform: "Android"' ^
-H 'Accept: application/json, text/plain, */*' ^
-H 'sec-ch-ua: "Chromium";v="134", "Not:A-Brand";v="24", "Android WebView";v="134"' ^
-H 'Content-Type: application/json;charset=UTF-8' ^
-H 'sec-ch-ua-mobile: ?1' ^
-H 'Origin: https://www.theone.art' ^
-H 'Referer: https://www.theone.art/login?redirect=https%3A%2F%2Fwww.theone.art%2Fhotspot%3Ftype%3D36' ^
-H 'Accept-Encoding: gzip, deflate, br, zstd' ^
-d '{"location":"user_agreement","pageCount":1,"pageSize":20}'
