# SPDX-License-Identifier: Apache-2.0
# nginx_lib.sh: nginx (nginx-light) as a peer of the tests/http tables (sourced after
# tests/interop/lib.sh and it_init): test files in $W and the server function ngx.
command -v nginx >/dev/null || { echo "SKIP: nginx is not installed"; exit 77; }
W=$IT_TMP/www
mkdir -p "$W/basic"
printf 'small file\n' >"$W/small.txt"
printf 'protected\n' >"$W/basic/index.txt"
head -c 1048576 /dev/zero | tr '\0' 'x' >"$W/big.bin"
awk 'BEGIN { for (i = 0; i < 2000; i++) print "line " i " of a page" }' >"$W/page.html"
printf 'user:%s\n' "$(openssl passwd -apr1 passwd)" >"$IT_TMP/htpasswd"

# ngx plain|tls [6|4] [CERT]: nginx on 127.0.0.1 (or ::1 with 6) port $PORT, TLS with
# $D/CERT.crt (default server-rsa)
ngx() {
    dir=$(mktemp -d "$IT_TMP/nginx.XXXXXX")
    addr=127.0.0.1
    [ "${2:-}" = 6 ] && addr="[::1]"
    ssl=""
    tls=""
    if [ "$1" = tls ]; then
        ssl=" ssl"
        cert=${3:-server-rsa}
        tls="ssl_certificate $D/$cert.crt; ssl_certificate_key $D/$cert.key;"
    fi
    cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process off;
pid $dir/nginx.pid;
error_log $dir/error.log notice;
events { worker_connections 64; }
http {
    log_format probe 'reqs=\$connection_requests \$request \$status';
    access_log $log probe;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    types { text/html html; text/plain txt; application/octet-stream bin; }
    server {
        listen $addr:$PORT$ssl;
        $tls
        root $W;
        if_modified_since before;
        location = /moved { return 301 /small.txt; }
        location = /found { return 302 http://127.0.0.1:$PORT/small.txt; }
        location /basic/ { auth_basic "esp-test"; auth_basic_user_file $IT_TMP/htpasswd; index index.txt; }
        location = /page.html { sub_filter 'page' 'PAGE'; sub_filter_once off; }
    }
}
CONF
    exec nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
}
ngx6() { ngx "$1" 6 "${2:-}"; }
