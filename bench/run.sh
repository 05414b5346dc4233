#!/usr/bin/env bash
# make bench: requests per second, in one run, for nginx's static module
# serving the pre-rendered page (the ceiling), the module with a warm
# cache, and the module with "article_render_cache off", for articles of
# about 8 KB, 200 KB and 2 MB.  Loopback only; each figure is the median
# of BENCH_RUNS runs of wrk for BENCH_SECONDS each.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
SECONDS_EACH=${BENCH_SECONDS:-5}
RUNS=${BENCH_RUNS:-3}
CONNS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18480}

command -v wrk >/dev/null || { echo "bench: wrk is not installed"; exit 1; }

dir=$(mktemp -d /tmp/article-bench.XXXXXX)
trap '"$NGINX_BIN" -p "$dir" -c nginx.conf -s stop 2>/dev/null || true;
      rm -rf "$dir"' EXIT

mkdir -p "$dir/logs" "$dir/html/cached" "$dir/html/uncached" "$dir/html/static"

sizes="8k:8192 200k:204800 2m:2097152"

for s in $sizes; do
    name=${s%%:*}
    perl "$top/bench/gen-article.pl" "${s##*:}" > "$dir/html/cached/$name.md"
    cp "$dir/html/cached/$name.md" "$dir/html/uncached/$name.md"
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
    # the cache must hold the 2 MB page: a zone with a larger max_entry
    article_render_cache_zone bench:64m max_entry=8m;
    access_log off;
    include /etc/nginx/mime.types;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$PORT;
        root html;
        location /cached/ {
            article_render on;
            article_render_cache bench;
        }
        location /lat/ {
            article_render on;
        }
        location /uncached/ {
            article_render on;
            article_render_cache off;
        }
    }
}
CONF

"$NGINX_BIN" -p "$dir" -c nginx.conf
sleep 0.5

for s in $sizes; do
    name=${s%%:*}
    # the static ceiling serves exactly the page the module renders
    curl -sf "http://127.0.0.1:$PORT/uncached/$name.md" \
        > "$dir/html/static/$name.html"
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/cached/$name.md"
done

rps() {
    local url=$1 i out all=()
    for i in $(seq "$RUNS"); do
        out=$(wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" "$url" 2>&1)
        if echo "$out" | grep -q 'Non-2xx'; then
            echo "bench: non-2xx answers from $url" >&2
            exit 1
        fi
        all+=("$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')")
    done
    printf '%s\n' "${all[@]}" | sort -n | awk '{ v[NR] = $1 }
        END { print v[int((NR + 1) / 2)] }'
}

# latency of small cached requests on the single worker, with and without
# pathological renders running in the pool meanwhile; measured first, as
# the uncached runs below leave renders going for a while after them

mkdir -p "$dir/html/lat"
printf '# Small\n\nA short cached article.\n' > "$dir/html/lat/small.md"
perl -e 'print "![[]()" x 80000' > "$dir/html/lat/slow.md"
curl -sf -o /dev/null "http://127.0.0.1:$PORT/lat/small.md"

latency() {
    wrk -t1 -c8 -d"${SECONDS_EACH}s" --latency \
        "http://127.0.0.1:$PORT/lat/small.md" 2>&1 \
    | awk '/^ +(50|99)%/ {
             v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
             if (u == "us") v /= 1000; else if (u == "s") v *= 1000;
             printf "%s ", v }'
}

quiet=$(latency)

# every request of the loops is a new version (touch), so each one renders
# until article_render_timeout ends it
for i in 1 2; do
    ( end=$((SECONDS + SECONDS_EACH + 2))
      while [ $SECONDS -lt $end ]; do
          touch "$dir/html/lat/slow.md"
          curl -s -o /dev/null "http://127.0.0.1:$PORT/lat/slow.md"
      done ) &
done
sleep 1
busy=$(latency)
wait

# the renders still in the pool end at their time budget
sleep 6

echo
echo "latency of a cached 1 KB page, 1 worker, wrk -t1 -c8:"
printf '%-28s %10s %10s\n' "" "p50 ms" "p99 ms"
printf '%-28s %10s %10s\n' "no render running" $quiet
printf '%-28s %10s %10s\n' "pathological renders running" $busy
awk -v q="${quiet#* }" -v b="${busy#* }" 'BEGIN {
    printf "p99 ratio: %.2f (target: within 2x)\n", b / q }'


echo "nginx $("$NGINX_BIN" -v 2>&1 | sed 's|.*/||'), $(nproc) cores," \
     "wrk -t1 -c$CONNS, median of $RUNS x ${SECONDS_EACH}s, 1 worker"
printf '%-6s %12s %12s %7s %12s %7s\n' article static cached ratio \
    uncached ratio

for s in $sizes; do
    name=${s%%:*}
    st=$(rps "http://127.0.0.1:$PORT/static/$name.html")
    ca=$(rps "http://127.0.0.1:$PORT/cached/$name.md")
    un=$(rps "http://127.0.0.1:$PORT/uncached/$name.md")
    awk -v n="$name" -v s="$st" -v c="$ca" -v u="$un" 'BEGIN {
        printf "%-6s %12.0f %12.0f %7.2f %12.0f %7.2f\n",
               n, s, c, c / s, u, u / s }'
done

if grep -E '\[(alert|crit|emerg)\]' "$dir/logs/error.log"; then
    echo "bench: errors in the error log" >&2
    exit 1
fi
