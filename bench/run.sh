#!/usr/bin/env bash
# make bench: requests per second, in one run, for nginx's static module
# serving the pre-rendered page (the ceiling), the module with a warm
# cache, and the module with "article_render_cache off", for articles of
# about 8 KB, 200 KB and 2 MB; and a working set larger than the zone,
# 2,000 distinct 8 KB articles asked for at random through a 1m zone,
# against the same articles with "article_render_cache off".  Loopback
# only; each figure is the median of BENCH_RUNS runs of wrk for
# BENCH_SECONDS each.  BENCH_ONLY=ws runs the working set alone.
# Then a directory of 10,000 articles: its first index page, and a
# repeated one against a cached article page of about the same size
# (BENCH_ONLY=listing alone).
# And a cold render through HTTP, with the pool and without it, against
# the library alone in a process (BENCH_ONLY=cold alone).

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
SECONDS_EACH=${BENCH_SECONDS:-5}
RUNS=${BENCH_RUNS:-3}
CONNS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18480}
ONLY=${BENCH_ONLY:-}
WS_ARTICLES=2000
LISTED_ARTICLES=10000

command -v wrk >/dev/null || { echo "bench: wrk is not installed"; exit 1; }

dir=$(mktemp -d /tmp/article-bench.XXXXXX)
# on the way out, wait for nginx to be gone, so that a next run finds
# the port free
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

mkdir -p "$dir/logs" "$dir/html/cached" "$dir/html/uncached" "$dir/html/static"

sizes="8k:8192 200k:204800 2m:2097152"

for s in $sizes; do
    name=${s%%:*}
    perl "$top/bench/gen-article.pl" "${s##*:}" > "$dir/html/cached/$name.md"
    cp "$dir/html/cached/$name.md" "$dir/html/uncached/$name.md"
done

# the working set: the 8 KB article under a title line of its own in
# each file; /ws-off/ is the same directory through a symlink
mkdir -p "$dir/html/ws"
perl -e 'my ($src, $dir, $n) = @ARGV;
    open my $in, "<", $src or die "$src: $!";
    my $body = do { local $/; <$in> };
    $body =~ s/\A[^\n]*\n//;
    for my $i (1 .. $n) {
        open my $out, ">", "$dir/a$i.md" or die "$dir/a$i.md: $!";
        print $out "# Working set article $i\n", $body;
        close $out or die "$dir/a$i.md: $!";
    }' "$dir/html/cached/8k.md" "$dir/html/ws" "$WS_ARTICLES"
ln -s ws "$dir/html/ws-off"

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

    # the cache must hold the 2 MB page: a zone with a larger max_entry;
    # large pages in files, sent with sendfile as the static ones are
    article_render_cache_zone bench:64m max_entry=8m path=pages;
    # a zone that holds a few dozen of the working set's pages
    article_render_cache_zone ws:1m;
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
        location /uncached-inline/ {
            alias html/uncached/;
            article_render on;
            article_render_cache off;
            article_render_thread_pool off;
        }
        location /ws/ {
            article_render on;
            article_render_cache ws;
            add_header X-Cache \$article_render_cache;
        }
        location /many/ {
            article_render on;
            article_render_index on;
            article_render_cache bench;
        }
        location /ws-off/ {
            article_render on;
            article_render_cache off;
            add_header X-Cache \$article_render_cache;
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

# one run of wrk against url (further arguments follow it): requests per
# second
rps_once() {
    local url=$1 out
    shift
    out=$(wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" "$url" "$@" 2>&1)
    if echo "$out" | grep -q 'Non-2xx'; then
        echo "bench: non-2xx answers from $url" >&2
        exit 1
    fi
    echo "$out" | awk '/^Requests\/sec/ { print $2 }'
}

median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
        END { print v[int((NR + 1) / 2)] }'
}

rps() {
    local url=$1 i all=()
    shift
    for i in $(seq "$RUNS"); do
        all+=("$(rps_once "$url" "$@")") || exit 1
    done
    median "${all[@]}"
}

# a working set larger than the zone: the 8 KB articles asked for at
# random, through a zone that holds a few dozen of their pages, so that
# nearly every request renders, stores its page and evicts others; and
# the same requests with the cache off.  The cache must never make a
# miss slower.  The runs alternate, each pair in turn starting with the
# other, so that other work on the machine slows both alike.
ws_rps() {
    rps_once "http://127.0.0.1:$PORT" -s "$dir/random.lua" \
        -- "$1" "$WS_ARTICLES"
}

working_set() {
    local i off cached offs=() cacheds=() hits page
    cat > "$dir/random.lua" <<'LUA'
local prefix, n
function init(args)
    prefix, n = args[1], tonumber(args[2])
    math.randomseed(13)
end
function request()
    return wrk.format(nil, prefix .. "a" .. math.random(n) .. ".md")
end
LUA
    # first renders, the thread pool's threads, a full zone
    for i in ws ws-off; do
        wrk -t1 -c"$CONNS" -d2s -s "$dir/random.lua" \
            "http://127.0.0.1:$PORT" -- "/$i/" "$WS_ARTICLES" >/dev/null
    done
    for i in $(seq "$RUNS"); do
        if [ $((i % 2)) = 1 ]; then
            off=$(ws_rps /ws-off/) || exit 1
            cached=$(ws_rps /ws/) || exit 1
        else
            cached=$(ws_rps /ws/) || exit 1
            off=$(ws_rps /ws-off/) || exit 1
        fi
        offs+=("$off")
        cacheds+=("$cached")
    done

    # how often the zone answers such a load: 200 requests at random
    hits=$(perl -e 'srand(13); for (1 .. 200) {
              printf "url = \"http://127.0.0.1:%d/ws/a%d.md\"\n"
                     . "output = \"/dev/null\"\n", $ARGV[0],
                     1 + int(rand($ARGV[1])) }' "$PORT" "$WS_ARTICLES" \
           | curl -s -D - -K - | grep -ci '^x-cache: *hit' || true)
    page=$(curl -sf "http://127.0.0.1:$PORT/ws/a1.md" | wc -c)

    echo
    echo "a working set larger than the zone: $WS_ARTICLES distinct 8 KB" \
         "articles at random, pages of $page bytes, zone ws:1m;" \
         "wrk -t1 -c$CONNS, $RUNS x ${SECONDS_EACH}s:"
    printf '%-8s %12s %12s %7s\n' run "cache off" "zone 1m" ratio
    for i in $(seq "$RUNS"); do
        awk -v n="$i" -v u="${offs[i - 1]}" -v c="${cacheds[i - 1]}" 'BEGIN {
            printf "%-8s %12.0f %12.0f %7.2f\n", n, u, c, c / u }'
    done
    off=$(median "${offs[@]}")
    cached=$(median "${cacheds[@]}")
    awk -v u="$off" -v c="$cached" 'BEGIN {
        printf "%-8s %12.0f %12.0f %7.2f\n", "median", u, c, c / u }'
    echo "zone hits in 200 requests at random after the runs: $hits"
    echo "target: ratio of the medians at least 0.90"
}

# A directory of 10,000 short articles, each with a title and a date: the
# first index page (all read, in the pool) and then the repeated one,
# against an article whose cached page is of about the same size.
listing() {
    local first size md page ix ca ixz caz
    mkdir -p "$dir/html/many"
    perl -e 'my ($dir, $n) = @ARGV;
        for my $i (1 .. $n) {
            my @d = gmtime(1_000_000_000 + 86400 * $i);
            open my $out, ">", "$dir/a$i.md" or die "$dir/a$i.md: $!";
            printf $out "---\ntitle: Article %d\ndate: %04d-%02d-%02d\n"
                . "---\n\nThe first paragraph of article %d, which the"
                . " index shows as its description.\n", $i, $d[5] + 1900,
                $d[4] + 1, $d[3], $i;
            close $out or die "$dir/a$i.md: $!";
        }' "$dir/html/many" "$LISTED_ARTICLES"

    first=$(curl -sf -o /dev/null -w '%{time_total}' \
                "http://127.0.0.1:$PORT/many/")
    size=$(curl -sf "http://127.0.0.1:$PORT/many/" | wc -c)

    # an article rendered to a page of about that size
    md=$(awk -v s="$size" 'BEGIN { printf "%d", s / 1.8 }')
    perl "$top/bench/gen-article.pl" "$md" > "$dir/html/cached/listed.md"
    page=$(curl -sf "http://127.0.0.1:$PORT/cached/listed.md" | wc -c)

    ix=$(rps "http://127.0.0.1:$PORT/many/")
    ca=$(rps "http://127.0.0.1:$PORT/cached/listed.md")
    ixz=$(rps "http://127.0.0.1:$PORT/many/" -H 'Accept-Encoding: gzip')
    caz=$(rps "http://127.0.0.1:$PORT/cached/listed.md" \
              -H 'Accept-Encoding: gzip')

    echo
    echo "a directory of $LISTED_ARTICLES articles, its index page" \
         "($size bytes, the newest 1,000):"
    awk -v f="$first" 'BEGIN { printf "first index page: %.0f ms\n", f * 1000 }'
    printf '%-26s %12s %12s %7s\n' "" "index" "article" ratio
    awk -v i="$ix" -v c="$ca" -v p="$page" 'BEGIN {
        printf "%-26s %12.0f %12.0f %7.2f\n",
               "req/s (article " p " B)", i, c, i / c }'
    awk -v i="$ixz" -v c="$caz" 'BEGIN {
        printf "%-26s %12.0f %12.0f %7.2f\n",
               "req/s, Accept-Encoding: gzip", i, c, i / c }'
    echo "target: first page within article_render_timeout (5 s)," \
         "repeated at 0.5 or more of the article's"
}

# A cold render through HTTP ("article_render_cache off", curl without
# Accept-Encoding, one request at a time), in the thread pool and
# without it, against cmark-gfm alone in a process (bench/ar_bench_render,
# the "library" column): the median of COLD_RUNS requests each, the two
# locations alternating so that other work on the machine slows both
# alike; and the worker's CPU time (utime + stime, its threads included)
# and minor page faults per request over those requests.
COLD_RUNS=${BENCH_COLD_RUNS:-15}

cold() {
    local name lib loc url i t w s0 s1 out=()

    w=$(pgrep -P "$(cat "$dir/logs/nginx.pid")" | head -1)

    echo
    echo "a cold render (cache off, no Accept-Encoding), median of" \
         "$COLD_RUNS requests, against the library in a process:"
    printf '%-6s %-8s %9s %9s %7s %11s %10s\n' article render "ms" \
        "library" ratio "cpu ms/req" "faults/req"

    for name in 200k 2m; do
        lib=$("$BUILD/ar_bench_render" -r "$COLD_RUNS" \
                  "$name=$dir/html/uncached/$name.md" \
              | awk -v n="$name" '$1 == n { print $3 }')

        for loc in uncached uncached-inline; do
            curl -sf -o /dev/null "http://127.0.0.1:$PORT/$loc/$name.md"
        done

        declare -A ms=() st=()
        for loc in uncached uncached-inline; do
            st[$loc]="0 0"
        done

        for i in $(seq "$COLD_RUNS"); do
            for loc in uncached uncached-inline; do
                s0=$(awk '{ print $10, $14 + $15 }' "/proc/$w/stat")
                t=$(curl -sf -o /dev/null -w '%{time_total}' \
                        "http://127.0.0.1:$PORT/$loc/$name.md")
                s1=$(awk '{ print $10, $14 + $15 }' "/proc/$w/stat")
                ms[$loc]+="$t "
                st[$loc]=$(echo "${st[$loc]} $s0 $s1" | awk '{
                    print $1 + $5 - $3, $2 + $6 - $4 }')
            done
        done

        for loc in uncached uncached-inline; do
            # shellcheck disable=SC2086
            t=$(median ${ms[$loc]})
            echo "${st[$loc]}" | awk -v n="$name" -v t="$t" -v l="$lib" \
                -v r="$COLD_RUNS" -v hz="$(getconf CLK_TCK)" \
                -v p="$([ "$loc" = uncached ] && echo pool || echo inline)" '{
                printf "%-6s %-8s %9.1f %9.1f %7.2f %11.1f %10.0f\n",
                       n, p, t * 1000, l, t * 1000 / l,
                       $2 * 1000 / hz / r, $1 / r }'
        done
        unset ms st
    done
    echo "target: each ratio at most 1.35"
}

check_log() {
    if grep -E '\[(alert|crit|emerg)\]' "$dir/logs/error.log"; then
        echo "bench: errors in the error log" >&2
        exit 1
    fi
}

if [ "$ONLY" = ws ]; then
    working_set
    check_log
    exit 0
fi

if [ "$ONLY" = cold ]; then
    cold
    check_log
    exit 0
fi

if [ "$ONLY" = listing ]; then
    listing
    check_log
    exit 0
fi

# latency of small cached requests on the single worker, with and without
# a pathological render running in the pool meanwhile; measured first, as
# the uncached runs below leave renders going for a while after them.
#
# Two loads: paced, each of 8 connections sending a request every 2 ms
# (about 4000 requests a second, well below what the worker can do), which
# is the latency a client sees; and saturated, wrk's closed loop as fast
# as it goes, where wrk and the worker keep both cores of a small machine
# busy, so that any other work, a render included, takes CPU from them.

mkdir -p "$dir/html/lat"
printf '# Small\n\nA short cached article.\n' > "$dir/html/lat/small.md"
perl -e 'print "![[]()" x 80000' > "$dir/html/lat/slow.md"
curl -sf -o /dev/null "http://127.0.0.1:$PORT/lat/small.md"

cat > "$dir/paced.lua" <<'LUA'
function delay() return 2 end
LUA

latency() {
    wrk -t1 -c8 -d"${SECONDS_EACH}s" --latency "$@" \
        "http://127.0.0.1:$PORT/lat/small.md" 2>&1 \
    | awk '/^ +(50|99)%/ {
             v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
             if (u == "us") v /= 1000; else if (u == "s") v *= 1000;
             printf "%s ", v }'
}

paced_quiet=$(latency -s "$dir/paced.lua")
saturated_quiet=$(latency)

# every request of the loop is a new version (touch), so each one renders
# until article_render_timeout ends it: one render running at a time
( end=$((SECONDS + 2 * SECONDS_EACH + 2))
  while [ $SECONDS -lt $end ]; do
      touch "$dir/html/lat/slow.md"
      curl -s -o /dev/null "http://127.0.0.1:$PORT/lat/slow.md"
  done ) &
sleep 1
paced_busy=$(latency -s "$dir/paced.lua")
saturated_busy=$(latency)
wait

# the render still in the pool ends at its time budget
sleep 6

echo
echo "latency of a cached 1 KB page, 1 worker, wrk -t1 -c8," \
     "with and without a pathological render in the pool:"
printf '%-10s %9s %9s %9s %9s %10s\n' load "p50 ms" "p99 ms" \
    "p50 busy" "p99 busy" "p99 ratio"
for load in paced saturated; do
    q=${load}_quiet b=${load}_busy
    set -- ${!q} ${!b}
    awk -v l="$load" -v a="$1" -v b="$2" -v c="$3" -v d="$4" 'BEGIN {
        printf "%-10s %9.3f %9.3f %9.3f %9.3f %10.2f\n",
               l, a, b, c, d, d / b }'
done
echo "target: p99 ratio within 2 under the paced load"

working_set
listing
cold
echo

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

check_log
