# source: https://github.com/reqable/reqable-app/issues/2938 (excerpt: some headers left out)
curl -X POST 'https://miniwechat.qpyun.cn/WeChat/CallEpcJavaJson' ^
-H 'host: miniwechat.qpyun.cn' ^
-H 'content-length: 357' ^
-H 'xweb_xhr: 1' ^
-H 'content-type: application/x-www-form-urlencoded' ^
-H 'accept: */*' ^
-H 'sec-fetch-site: cross-site' ^
-H 'sec-fetch-mode: cors' ^
-H 'sec-fetch-dest: empty' ^
-H 'referer: https://servicewechat.com/wx06646ae6437890f2/81/page-frame.html' ^
-H 'accept-encoding: gzip, deflate, br' ^
-H 'accept-language: zh-CN,zh;q=0.9' ^
-H 'priority: u=1, i' ^
