#!/usr/bin/env bash
# make bench (and make bench-browser): the browser's view.  Requests per
# second for a cached article asked for with "Accept-Encoding: gzip" and
# with "Accept-Encoding: br", against nginx serving the same page
# precompressed at the same level: gzip_static for gzip, a static file
# sent with "Content-Encoding: br" for br.  nginx is set up as Debian
# ships it, "gzip on;" at http level, and the module with its defaults
# (the built-in zone, no path=, article_render_compress gzip br).
#
# Beside each figure: the bytes of the answer's body and its
# Content-Encoding, and the CPU time of compressing one version of the
# page at that level (build/compress-levels, the median of 5).  Each
# throughput figure is the median of BENCH_RUNS runs of wrk for
# BENCH_SECONDS each; the target is 0.9 or more of the static figure.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
SECONDS_EACH=${BENCH_SECONDS:-5}
RUNS=${BENCH_RUNS:-3}
CONNS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18481}
# article_render_compress's default levels
GZIP_LEVEL=${BENCH_GZIP_LEVEL:-3}
BR_LEVEL=${BENCH_BR_LEVEL:-6}

command -v wrk >/dev/null || { echo "bench: wrk is not installed"; exit 1; }

for tool in ar-compress compress-levels; do
    [ -x "$BUILD/$tool" ] || { echo "bench: $BUILD/$tool not built"; exit 1; }
done

dir=$(mktemp -d /tmp/article-browser.XXXXXX)
stop() {
    local pid
    pid=$(cat "$dir/logs/nginx.pid" 2>/dev/null) || pid=
    "$NGINX_BIN" -p "$dir" -c nginx.conf -s stop 2>/dev/null || true
    for _ in $(seq 50); do
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -rf "$dir"
}
trap stop EXIT

mkdir -p "$dir/logs" "$dir/html/art" "$dir/html/gz" "$dir/html/br"

sizes="8k:8192 200k:204800"

for s in $sizes; do
    perl "$top/bench/gen-article.pl" "${s##*:}" > "$dir/html/art/${s%%:*}.md"
done

user=
[ "$(id -u)" = 0 ] && user='user root;'

cat > "$dir/nginx.conf" <<CONF
load_module $BUILD/ngx_http_article_render_module.so;
$user
worker_processes 1;
error_log logs/error.log warn;
pid logs/nginx.pid;
events { worker_connections 1024; }
http {
    article_render_highlight_languages $top/lang;

    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    # as Debian's /etc/nginx/nginx.conf
    gzip on;
    server {
        listen 127.0.0.1:$PORT;
        root html;
        location /art/ {
            article_render on;
        }
        location /gz/ {
            gzip_static on;
        }
        location /br/ {
            types { }
            default_type text/html;
            gzip off;
            add_header Content-Encoding br;
            add_header Vary Accept-Encoding;
        }
    }
}
CONF

"$NGINX_BIN" -p "$dir" -c nginx.conf
sleep 0.5

for s in $sizes; do
    name=${s%%:*}
    # the page the module renders, compressed by the module's own code
    curl -sf "http://127.0.0.1:$PORT/art/$name.md" > "$dir/html/gz/$name.html"
    "$BUILD/ar-compress" gzip "$GZIP_LEVEL" < "$dir/html/gz/$name.html" \
        > "$dir/html/gz/$name.html.gz"
    "$BUILD/ar-compress" br "$BR_LEVEL" < "$dir/html/gz/$name.html" \
        > "$dir/html/br/$name.html"
    # warm the cache, in every coding
    for ae in gzip br; do
        curl -sf -o /dev/null -H "Accept-Encoding: $ae" \
            "http://127.0.0.1:$PORT/art/$name.md"
    done
done

rps() {
    local ae=$1 url=$2 i out all=()
    for i in $(seq "$RUNS"); do
        out=$(wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" \
                  -H "Accept-Encoding: $ae" "$url" 2>&1)
        if echo "$out" | grep -q 'Non-2xx'; then
            echo "bench: non-2xx answers from $url" >&2
            exit 1
        fi
        all+=("$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')")
    done
    printf '%s\n' "${all[@]}" | sort -n | awk '{ v[NR] = $1 }
        END { print v[int((NR + 1) / 2)] }'
}

# "bytes coding" of the answer's body
wire() {
    curl -s -o /dev/null -D - -w 'size %{size_download}\n' \
        -H "Accept-Encoding: $1" "$2" \
    | awk 'tolower($1) == "content-encoding:" { ce = $2; sub(/\r/, "", ce) }
           $1 == "size" { print $2, (ce == "" ? "identity" : ce) }'
}

# the CPU time of compressing one version, in ms
ctime() {
    "$BUILD/compress-levels" "$dir/html/art/$1.md" 5 \
    | awk -v m="$2" -v l="$3" '$1 == m && $2 == l { print $5 }'
}

echo
echo "the browser's view: nginx $("$NGINX_BIN" -v 2>&1 | sed 's|.*/||')," \
     "$(nproc) cores, wrk -t1 -c$CONNS, median of $RUNS x ${SECONDS_EACH}s," \
     "1 worker, gzip on"
printf '%-6s %-7s %9s %9s %6s %16s %16s %8s\n' article coding static \
    module ratio "static bytes" "module bytes" "comp ms"

for s in $sizes; do
    name=${s%%:*}
    for ae in gzip br; do
        if [ "$ae" = gzip ]; then
            static="http://127.0.0.1:$PORT/gz/$name.html"
            level=$GZIP_LEVEL
        else
            static="http://127.0.0.1:$PORT/br/$name.html"
            level=$BR_LEVEL
        fi
        module="http://127.0.0.1:$PORT/art/$name.md"

        st=$(rps "$ae" "$static")
        mo=$(rps "$ae" "$module")
        set -- $(wire "$ae" "$static") $(wire "$ae" "$module")
        ms=$(ctime "$name" "$ae" "$level")

        awk -v n="$name" -v a="$ae=$level" -v s="$st" -v m="$mo" \
            -v sb="$1" -v sc="$2" -v mb="$3" -v mc="$4" -v t="$ms" 'BEGIN {
            printf "%-6s %-7s %9.0f %9.0f %6.2f %16s %16s %8s\n",
                   n, a, s, m, m / s, sb " " sc, mb " " mc, t }'
    done
done
echo "target: ratio 0.9 or more, module bytes equal to static bytes"

if grep -E '\[(alert|crit|emerg)\]' "$dir/logs/error.log"; then
    echo "bench: errors in the error log" >&2
    exit 1
fi
