#!/usr/bin/perl

# The render cache: hits, live edits of every kind, eviction, entries too
# large to keep, per-configuration entries, and conditional requests,
# HEAD and ranges served from the zone.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes ();
use ArticleRender::Test qw(cache_status);

my $t = ArticleRender::Test->new(workers => 2);

$t->write_file('tpl/a.html', "<html><title>{{title}}</title>A\n"
    . "{{content}}</html>\n");
$t->write_file('tpl/b.html', "<html><title>{{title}}</title>B\n"
    . "{{content}}</html>\n");

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_cache_zone tiny:32k;
    # the built-in page (6 KB with its styles) and its codings fit,
    # big.md does not
    article_render_cache_zone small:1m max_entry=12k;

    log_format cache "$uri $article_render_cache";

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        access_log %%TESTDIR%%/cache.log cache;
        add_header X-Cache $article_render_cache always;

        article_render on;

        location /nocache/ {
            article_render_cache off;
        }

        # inline: a page's codings are made before the next request,
        # so pages are stored in the order they are asked for
        location /evict/ {
            article_render_cache tiny;
            article_render_thread_pool off;
        }

        location /small/ {
            article_render_cache small;
        }

        location /a/ {
            alias %%TESTDIR%%/site/shared/;
            article_render_template %%TESTDIR%%/tpl/a.html;
        }

        location /b/ {
            alias %%TESTDIR%%/site/shared/;
            article_render_template %%TESTDIR%%/tpl/b.html;
        }
    }
}
EOF

$t->write_file('site/hit.md', "# Hit\n\nFirst version.\n");
$t->write_file('site/edit.md', "# Edit\n\nversion one\n");
$t->write_file('site/atomic.md', "# Atomic\n\nversion one\n");
$t->write_file('site/same.md', "# Same\n\nversion AAAA\n");
$t->write_file('site/gone.md', "# Gone\n\nversion one\n");
$t->write_file('site/cond.md', "# Cond\n\n" . ("Some text. " x 50) . "\n");
$t->write_file('site/nocache/n.md', "# No cache\n");
$t->write_file('site/small/big.md', "# Big\n\n" . ("word " x 2000) . "\n");
$t->write_file('site/small/little.md', "# Little\n");
$t->write_file('site/shared/one.md', "# One file\n");

for my $i (1 .. 40) {
    $t->write_file("site/evict/e$i.md",
        "# Entry $i\n\n" . ("Entry $i has some text. " x 100) . "\n");
}

$t->plan(44)->run();

# miss, then hit

my $r = $t->get('/hit.md');
is(cache_status($r), 'MISS', 'first request is a miss');
my $first = $r->{body};
$r = $t->get('/hit.md');
is(cache_status($r), 'HIT', 'second request is a hit');
is($r->{body}, $first, 'hit serves the same page as the miss');
is($r->{headers}{'content-length'}, length $first,
    'hit has the page length as Content-Length');
like($t->read_file('cache.log'), qr{^/hit\.md MISS\n/hit\.md HIT\n}m,
    '$article_render_cache in log_format');

# an in-place rewrite

$t->get('/edit.md');
$t->write_file('site/edit.md', "# Edit\n\nversion two, longer\n");
$r = $t->get('/edit.md');
is(cache_status($r), 'EXPIRED', 'in-place rewrite: expired');
like($r->{body}, qr/version two/, 'in-place rewrite: new content');
is(cache_status($t->get('/edit.md')), 'HIT', 'new version is then a hit');

# an editor's atomic save: a temporary file renamed over the article

$t->get('/atomic.md');
$t->write_file('site/.atomic.md.tmp', "# Atomic\n\nversion two\n");
rename $t->path('site/.atomic.md.tmp'), $t->path('site/atomic.md')
    or die "rename: $!";
$r = $t->get('/atomic.md');
is(cache_status($r), 'EXPIRED', 'atomic rename: expired');
like($r->{body}, qr/version two/, 'atomic rename: new content');

# two saves of the same size within one second: only the nanoseconds of
# the modification time tell them apart

my ($same_second, $body) = (0, '');

for my $try (1 .. 20) {
    $t->write_file('site/same.md', "# Same\n\nversion AAAA\n");
    my $m1 = (Time::HiRes::stat($t->path('site/same.md')))[9];
    $t->get('/same.md');
    $t->write_file('site/same.md', "# Same\n\nversion BBBB\n");
    my $m2 = (Time::HiRes::stat($t->path('site/same.md')))[9];
    $body = $t->get('/same.md')->{body};
    if (int($m1) == int($m2)) {
        $same_second = 1;
        last;
    }
}

ok($same_second && $body =~ /version BBBB/,
    'same-size edit within one second is served fresh')
    or diag($same_second ? "served: $body"
        : 'no two saves in 20 landed within one second');

# delete and re-create

$t->get('/gone.md');
unlink $t->path('site/gone.md');
is($t->get('/gone.md')->{status}, 404, 'deleted article: 404');
$t->write_file('site/gone.md', "# Gone\n\nversion two\n");
$r = $t->get('/gone.md');
is(cache_status($r), 'EXPIRED', 're-created article: expired');
like($r->{body}, qr/version two/, 're-created article: new content');

# caching off

is(cache_status($t->get('/nocache/n.md')), 'BYPASS',
    'article_render_cache off: bypass');
is(cache_status($t->get('/nocache/n.md')), 'BYPASS',
    'article_render_cache off: bypass again');

# pages over max_entry are served, not kept

$r = $t->get('/small/big.md');
is(cache_status($r), 'BYPASS', 'page over max_entry: bypass');
like($r->{body}, qr/<h1 id="big">Big<a /, 'page over max_entry is served');
is(cache_status($t->get('/small/big.md')), 'BYPASS',
    'page over max_entry is never kept');
$t->get('/small/little.md');
is(cache_status($t->get('/small/little.md')), 'HIT',
    'page under max_entry in the same zone is kept');

# a zone of 32k holds a few of forty 6.5k pages: the least recently used
# are evicted, and every page stays right

my ($right, @statuses) = (0);
my $log_before = length $t->error_log();

for my $pass (1 .. 2) {
    for my $i (1 .. 40) {
        my $r = $t->get("/evict/e$i.md");
        $right++ if $r->{status} == 200
            && $r->{body} =~ /<h1 id="entry-$i">Entry $i<a /
            && $r->{body} !~ /Entry (?!$i\b)\d+ has/;
        $statuses[$pass] .= cache_status($r) . ' ';
    }
}

is($right, 80, 'pages stay right while the zone evicts');
like($statuses[2], qr/MISS/,
    'the tiny zone evicted pages of the first pass');
$r = $t->get('/evict/e40.md');
is(cache_status($r), 'HIT', 'the most recent page is still in the zone');
unlike(substr($t->error_log(), $log_before),
    qr/\[(error|crit|alert|emerg)\]/,
    'eviction logs nothing above warn');

# two locations with different templates over one file

my $a1 = $t->get('/a/one.md');
my $b1 = $t->get('/b/one.md');
is(cache_status($a1) . ' ' . cache_status($b1), 'MISS MISS',
    'two templates over one file: separate entries');
like($a1->{body}, qr/^<html><title>One file<\/title>A$/m,
    'first location has its template');
like($b1->{body}, qr/^<html><title>One file<\/title>B$/m,
    'second location has its template');
my $a2 = $t->get('/a/one.md');
my $b2 = $t->get('/b/one.md');
is(cache_status($a2) . ' ' . cache_status($b2), 'HIT HIT',
    'each location hits its own entry');
is($a2->{body} . $b2->{body}, $a1->{body} . $b1->{body},
    'each hit serves its own template');
isnt($a1->{headers}{etag}, $b1->{headers}{etag},
    'two templates give two ETags');

# conditional requests, HEAD and ranges behave on hits as on misses

$t->write_file('site/cond.md', "# Cond\n\n" . ("Some text. " x 51) . "\n");
my $miss = $t->get('/cond.md');
my $hit = $t->get('/cond.md');
is(cache_status($miss) . ' ' . cache_status($hit), 'MISS HIT',
    'conditional tests see a miss and a hit');
is($hit->{headers}{etag}, $miss->{headers}{etag}, 'hit keeps the ETag');
is($hit->{headers}{'last-modified'}, $miss->{headers}{'last-modified'},
    'hit keeps Last-Modified');

$r = $t->get('/cond.md', 'If-None-Match' => $miss->{headers}{etag});
is($r->{status} . ' ' . cache_status($r), '304 HIT',
    'If-None-Match on a hit: 304');
$r = $t->get('/cond.md',
    'If-Modified-Since' => $miss->{headers}{'last-modified'});
is($r->{status}, 304, 'If-Modified-Since on a hit: 304');

$r = $t->request('HEAD', '/cond.md');
is($r->{status} . ' ' . cache_status($r), '200 HIT', 'HEAD on a hit');
is($r->{body}, '', 'HEAD on a hit sends no body');
is($r->{headers}{'content-length'}, length $miss->{body},
    'HEAD on a hit has the page length');

$r = $t->get('/cond.md', Range => 'bytes=10-29');
is($r->{status} . ' ' . cache_status($r), '206 HIT', 'range on a hit: 206');
is($r->{body}, substr($miss->{body}, 10, 20), 'range on a hit: the bytes');

# If-Match that matches nothing: nginx's filter answers 412 and clears the
# request's module contexts; the request still lets go of its pinned page

$r = $t->get('/cond.md', 'If-Match' => '"nothing"');
is($r->{status}, 412, 'If-Match not matching on a hit: 412');
is(cache_status($t->get('/cond.md')), 'HIT', 'a hit after the 412');
$r = $t->get('/cond.md', 'If-Match' => $miss->{headers}{etag});
is($r->{status} . ' ' . cache_status($r), '200 HIT',
    'If-Match matching on a hit: 200');

# both workers share the zone: each request may land on either one, and
# every answer must be the latest version

my $fresh = 0;

for my $v (1 .. 10) {
    $t->write_file('site/hit.md', "# Hit\n\nversion $v\n");
    for (1 .. 4) {
        $fresh++ if $t->get('/hit.md')->{body} =~ /version $v</;
    }
}

is($fresh, 40, 'every request after an edit gets the latest version');
