#!/usr/bin/env bash
# make bench-peer PEER_SRC=path: the module against a peer, another
# nginx module that renders Markdown on every request and caches nothing
# (a filter over the static module's response, in the event loop, such
# as ngx_markdown_filter_module), in one run.
#
#   bench/peer.sh PEER_SRC
#
# PEER_SRC is the peer's source: a directory with its nginx "config", or
# a git directory (bare or not), whose HEAD is taken.  Its origin is
# printed with the figures: PEER_REPO (else a clone's remote.origin.url)
# and the commit (a git directory's HEAD, else PEER_COMMIT).  A peer with
# a config_gfm and no PEER_GFM=0 is built as its own instructions say
# for cmark-gfm (config_gfm, -DWITH_CMARK_GFM=1), the library the module
# uses; its template.html, where there is one, wraps its pages, so that
# both servers send a whole HTML page.  The build goes into
# BUILD/peer; nothing is written into PEER_SRC.
#
# Two nginx, one worker each, the same http settings, "gzip on;" and
# gzip_comp_level 3 (the level of the module's own gzip, its
# article_render_compress default, so that both send gzip at one level
# and with one library); wrk -t1 -cBENCH_CONNECTIONS on loopback against
# the peer, the module with "article_render_cache off" and, for
# reference, the module with a zone, on the same articles (8 KB and
# 200 KB of bench/gen-article.pl, and README.md), without
# Accept-Encoding and with "Accept-Encoding: gzip".  Each figure is the
# median of BENCH_RUNS runs of BENCH_SECONDS, the three servers in a
# rotating order in each run so that other work on the machine slows
# them alike; beside it the worker's CPU time per request (its threads
# included), which the machine's load moves less.  The target: the
# cache off at least the peer's throughput (ratio 1.0 or more).
#
# PEER_ARTICLES chooses among the articles ("8k 200k readme");
# BENCH_POOL_THREADS=N gives the module's nginx "thread_pool default
# threads=N" in place of nginx's default pool of 32 threads.
#
# Before the figures, what each renders of a probe article (tables,
# strikethrough, autolinks, task lists, footnotes, raw HTML, a title,
# highlighted code) and the headers each sends.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
NGINX_SRC=${NGINX_SRC:-/usr/share/nginx/src}
SECONDS_EACH=${BENCH_SECONDS:-5}
RUNS=${BENCH_RUNS:-5}
CONNS=${BENCH_CONNECTIONS:-32}
PORT=${BENCH_PORT:-18482}
PEER_PORT=$((PORT + 1))
PEER_GFM=${PEER_GFM:-1}
GZIP_LEVEL=${BENCH_GZIP_LEVEL:-3}
ARTICLES=${PEER_ARTICLES:-8k 200k readme}
POOL_THREADS=${BENCH_POOL_THREADS:-}

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 PEER_SRC (the peer module's source directory" \
         "or git directory)" >&2
    exit 2
fi

command -v wrk >/dev/null || { echo "bench: wrk is not installed"; exit 1; }
[ -f "$BUILD/ngx_http_article_render_module.so" ] \
    || { echo "bench: $BUILD/ngx_http_article_render_module.so not built"; \
         exit 1; }

peer_src=$(cd "$1" && pwd)
peer_build=$BUILD/peer
repo=${PEER_REPO:-}
commit=${PEER_COMMIT:-}

# the peer's source, copied: from a git directory its HEAD
rm -rf "$peer_build/mod"
mkdir -p "$peer_build/mod"
if gitdir=$(git -C "$peer_src" rev-parse --absolute-git-dir 2>/dev/null) \
   && [ -z "$(git -C "$peer_src" rev-parse --show-prefix 2>/dev/null)" ]
then
    commit=$(git --git-dir="$gitdir" rev-parse HEAD)
    [ -n "$repo" ] \
        || repo=$(git --git-dir="$gitdir" config remote.origin.url || true)
    git --git-dir="$gitdir" archive HEAD | tar -x -C "$peer_build/mod"
else
    (cd "$peer_src" && tar --exclude=./.git -cf - .) \
        | tar -x -C "$peer_build/mod"
fi

[ -f "$peer_build/mod/config" ] \
    || { echo "bench: $peer_src has no nginx config script"; exit 1; }

cc_opt=
if [ "$PEER_GFM" = 1 ] && [ -f "$peer_build/mod/config_gfm" ]; then
    cp "$peer_build/mod/config_gfm" "$peer_build/mod/config"
    cc_opt=-DWITH_CMARK_GFM=1
fi

echo "peer: ${repo:-(PEER_REPO not given)}" \
     "commit ${commit:-(PEER_COMMIT not given)}," \
     "built from $peer_src${cc_opt:+ with $cc_opt}"

NGINX_BIN=$NGINX_BIN CC_OPT=$cc_opt \
    sh "$top/tools/configure-nginx" "$NGINX_SRC" "$peer_build/nginx" \
        "$peer_build/mod"
make -s -C "$peer_build/nginx" -f objs/Makefile modules \
    > "$peer_build/make.log" 2>&1 \
    || { tail -20 "$peer_build/make.log"; exit 1; }

peer_so=$(ls "$peer_build"/nginx/objs/*.so)
[ "$(echo "$peer_so" | wc -l)" = 1 ] \
    || { echo "bench: the peer built several modules: $peer_so"; exit 1; }

# the peer's directives: those of ngx_markdown_filter_module
peer_on=${PEER_DIRECTIVES:-markdown_filter on;}
if [ -z "${PEER_DIRECTIVES:-}" ] && [ -f "$peer_build/mod/template.html" ]
then
    peer_on="$peer_on markdown_template $peer_build/mod/template.html;"
fi

dir=$(mktemp -d /tmp/article-peer.XXXXXX)

stop_one() {
    local pid
    pid=$(cat "$dir/logs/$1.pid" 2>/dev/null) || pid=
    "$NGINX_BIN" -p "$dir" -c "$1.conf" -s stop 2>/dev/null || true
    for _ in $(seq 50); do
        if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
}

stop() {
    stop_one ours
    stop_one peer
    rm -rf "$dir"
}
trap stop EXIT

mkdir -p "$dir/logs" "$dir/html/a"

perl "$top/bench/gen-article.pl" 8192 > "$dir/html/a/8k.md"
perl "$top/bench/gen-article.pl" 204800 > "$dir/html/a/200k.md"
cp "$top/README.md" "$dir/html/a/readme.md"

cat > "$dir/html/a/probe.md" <<'MD'
# Probe

| a | b |
|---|---|
| 1 | 2 |

~~struck~~ and www.example.com and a note[^1].

- [x] done

<script>alert(1)</script>

```c
int main(void) { return 0; }
```

[^1]: The note.
MD

user=
[ "$(id -u)" = 0 ] && user='user root;'

# the settings both servers share
common() {
    cat <<CONF
$user
worker_processes 1;
error_log logs/$1-error.log warn;
pid logs/$1.pid;
events { worker_connections 1024; }
CONF
}

http_common() {
    cat <<CONF
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    gzip on;
    gzip_comp_level $GZIP_LEVEL;
CONF
}

{
    echo "load_module $BUILD/ngx_http_article_render_module.so;"
    common ours
    if [ -n "$POOL_THREADS" ]; then
        echo "thread_pool default threads=$POOL_THREADS max_queue=65536;"
    fi
    echo "http {"
    http_common
    cat <<CONF
    article_render_highlight_languages $top/lang;
    article_render_cache_zone bench:64m;
    server {
        listen 127.0.0.1:$PORT;
        root html;
        location /a/ {
            article_render on;
            article_render_cache off;
        }
        location /c/ {
            alias html/a/;
            article_render on;
            article_render_cache bench;
        }
        # what the peer renders: GFM tables alone, no raw HTML, no
        # emoji, math or highlighted code
        location /s/ {
            alias html/a/;
            article_render on;
            article_render_cache off;
            article_render_gfm table;
            article_render_html escape;
            article_render_emoji off;
            article_render_math off;
            article_render_highlight off;
        }
    }
}
CONF
} > "$dir/ours.conf"

{
    echo "load_module $peer_so;"
    common peer
    echo "http {"
    http_common
    cat <<CONF
    server {
        listen 127.0.0.1:$PEER_PORT;
        root html;
        location /a/ {
            # the peer sets its Content-Type and leaves the length of the
            # file's: gzip_types compares that many bytes, which match
            # "text/html" only when the file's own type was as long
            types { }
            default_type text/html;
            $peer_on
        }
    }
}
CONF
} > "$dir/peer.conf"

"$NGINX_BIN" -p "$dir" -c ours.conf
"$NGINX_BIN" -p "$dir" -c peer.conf
sleep 0.5

worker() {
    pgrep -P "$(cat "$dir/logs/$1.pid")" | head -1
}

ours_w=$(worker ours)
peer_w=$(worker peer)

url() {
    case $1 in
        peer)   echo "http://127.0.0.1:$PEER_PORT/a/$2" ;;
        off)    echo "http://127.0.0.1:$PORT/a/$2" ;;
        cached) echo "http://127.0.0.1:$PORT/c/$2" ;;
        same)   echo "http://127.0.0.1:$PORT/s/$2" ;;
    esac
}

pid_of() {
    if [ "$1" = peer ]; then echo "$peer_w"; else echo "$ours_w"; fi
}

# what each renders of the probe, and the headers each sends

has() {
    if grep -q -- "$2" "$1"; then echo yes; else echo no; fi
}

curl -sf -D "$dir/peer.h" -o "$dir/peer.html" "$(url peer probe.md)"
curl -sf -D "$dir/ours.h" -o "$dir/ours.html" "$(url off probe.md)"
curl -sf -D "$dir/peer.gz.h" -o /dev/null -H 'Accept-Encoding: gzip' \
    "$(url peer probe.md)"
curl -sf -D "$dir/ours.gz.h" -o /dev/null -H 'Accept-Encoding: gzip' \
    "$(url off probe.md)"

echo
echo "what each renders of a probe article (bench/peer.sh):"
printf '%-34s %-6s %-6s\n' "" ours peer
for f in "a whole page (<!doctype)|<!doctype" \
         "a <title> with the first heading|<title>Probe</title>" \
         "table|<table" "strikethrough|<del>" \
         "autolink (www.)|href=\"http://www.example.com\"" \
         "task list|type=\"checkbox\"" "footnote|fnref" \
         "raw <script> sent as markup|<script>alert" \
         "code highlighted|<span class=" \
         "heading ids|<h1[^>]* id=" \
         "Content-Length (not chunked)|^Content-Length:" \
         "ETag|^ETag:" "gzip when asked for|^Content-Encoding: gzip"
do
    name=${f%%|*}
    pat=${f#*|}
    if [ "${name#gzip}" != "$name" ]; then
        printf '%-34s %-6s %-6s\n' "$name" \
            "$(has "$dir/ours.gz.h" "$pat")" "$(has "$dir/peer.gz.h" "$pat")"
    elif [ "${name#Content}" != "$name" ] || [ "$name" = ETag ]; then
        printf '%-34s %-6s %-6s\n' "$name" "$(has "$dir/ours.h" "$pat")" \
            "$(has "$dir/peer.h" "$pat")"
    else
        printf '%-34s %-6s %-6s\n' "$name" \
            "$(has "$dir/ours.html" "$pat")" "$(has "$dir/peer.html" "$pat")"
    fi
done

# the bytes each sends of each article, and with gzip

echo
printf '%-10s %10s %10s %10s %10s\n' article "ours B" "peer B" \
    "ours gz B" "peer gz B"
for a in 8k 200k readme; do
    o=$(curl -sf "$(url off $a.md)" | wc -c)
    p=$(curl -sf "$(url peer $a.md)" | wc -c)
    oz=$(curl -sf -H 'Accept-Encoding: gzip' "$(url off $a.md)" | wc -c)
    pz=$(curl -sf -H 'Accept-Encoding: gzip' "$(url peer $a.md)" | wc -c)
    curl -sf -o /dev/null "$(url cached $a.md)"
    printf '%-10s %10d %10d %10d %10d\n' "$a" "$o" "$p" "$oz" "$pz"
done

# one run of wrk: "requests/s cpu_us_per_request"
run_once() {
    local server=$1 article=$2 enc=$3 w s0 s1 out n rps
    local hz
    hz=$(getconf CLK_TCK)
    w=$(pid_of "$server")
    s0=$(awk '{ print $14 + $15 }' "/proc/$w/stat")
    if [ "$enc" = gzip ]; then
        out=$(wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" --timeout 30s \
                  -H 'Accept-Encoding: gzip' "$(url "$server" "$article")" 2>&1)
    else
        out=$(wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" --timeout 30s \
                  "$(url "$server" "$article")" 2>&1)
    fi
    s1=$(awk '{ print $14 + $15 }' "/proc/$w/stat")
    if echo "$out" | grep -q 'Non-2xx\|Socket errors'; then
        echo "bench: errors from $(url "$server" "$article"):" >&2
        echo "$out" >&2
        exit 1
    fi
    n=$(echo "$out" | awk '/requests in/ { print $1 }')
    rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
    awk -v r="$rps" -v n="$n" -v t="$((s1 - s0))" -v hz="$hz" 'BEGIN {
        printf "%s %.1f\n", r, n ? t * 1e6 / hz / n : 0 }'
}

median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
        END { print v[int((NR + 1) / 2)] }'
}

servers="peer off same cached"

# the pool's threads started and their memory grown, before any figure
for s in $servers; do
    wrk -t1 -c"$CONNS" -d2s "$(url "$s" 200k.md)" > /dev/null
done

echo
echo "uptime before: $(uptime)"
echo "nginx $("$NGINX_BIN" -v 2>&1 | sed 's|.*/||'), $(nproc) cores," \
     "wrk -t1 -c$CONNS, median of $RUNS x ${SECONDS_EACH}s, 1 worker" \
     "each, gzip_comp_level $GZIP_LEVEL," \
     "the module's pool ${POOL_THREADS:-32} threads"
printf '%-7s %-5s %8s %8s %8s %8s %6s %6s %8s %8s %8s\n' article coding \
    "peer" "off" "same" "zone" "off/p" "same/p" "peer us" "off us" \
    "same us"

for a in $ARTICLES; do
    for enc in identity gzip; do
        declare -A rs=() cs=()
        order=$servers
        for _ in $(seq "$RUNS"); do
            for s in $order; do
                res=$(run_once "$s" "$a.md" "$enc") || exit 1
                # shellcheck disable=SC2086
                set -- $res
                rs[$s]+="$1 "
                cs[$s]+="$2 "
            done
            # the next run starts with the next server
            # shellcheck disable=SC2086
            set -- $order
            order="$(echo "$order" | cut -d' ' -f2-) $1"
        done
        # shellcheck disable=SC2086
        awk -v a="$a" -v e="$enc" \
            -v p="$(median ${rs[peer]})" -v o="$(median ${rs[off]})" \
            -v m="$(median ${rs[same]})" -v c="$(median ${rs[cached]})" \
            -v pc="$(median ${cs[peer]})" -v oc="$(median ${cs[off]})" \
            -v mc="$(median ${cs[same]})" 'BEGIN {
            printf "%-7s %-5s %8.0f %8.0f %8.0f %8.0f %6.2f %6.2f %8.0f" \
                   " %8.0f %8.0f\n", a, substr(e, 1, 5), p, o, m, c, o / p,
                   m / p, pc, oc, mc }'
        unset rs cs
    done
done

echo "uptime after: $(uptime)"
echo "requests a second of: the peer; the module with article_render_cache"
echo "off (off), the same with the peer's features alone (same: GFM tables,"
echo "no raw HTML, emoji, math or highlighting), a warm zone (zone, for"
echo "reference); us: the worker's CPU microseconds a request"
echo "target: off/peer at least 1.00"

if grep -E '\[(alert|crit|emerg)\]' "$dir"/logs/*-error.log; then
    echo "bench: errors in the error logs" >&2
    exit 1
fi
