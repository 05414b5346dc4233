#!/usr/bin/perl

# Pages whose body is empty: an empty article, and the CommonMark inputs
# whose HTML is empty, under a template of just {{content}}, are answered
# completely (200, Content-Length: 0), from a render and from the cache,
# to GET, HEAD, Range and If-None-Match, with no alert in the error log.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status);

my $t = ArticleRender::Test->new();

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_template %%TESTDIR%%/bare.html;
        add_header X-Cache $article_render_cache always;

        location /nocache/ {
            alias %%TESTDIR%%/site/;
            article_render_cache off;
        }

        location /inline/ {
            alias %%TESTDIR%%/site/;
            article_render_thread_pool off;
        }
    }
}
EOF

$t->write_file('bare.html', '{{content}}');
$t->write_file('site/empty.txt', '');

my %inputs = (
    'empty'     => '',
    'blank'     => "\n\n\n",
    'spaces'    => "   \n  \t\n",
    'reference' => "[foo]: /url\n",
    'titled'    => "[foo]: /url \"title\"\n",
    'multiline' => "[foo]:\n/url\n",
);

$t->write_file("site/$_.md", $inputs{$_}) for keys %inputs;

$t->plan(6 * 7 + 2)->run();

my $static_range = $t->get('/empty.txt', Range => 'bytes=0-')->{status};

for my $name (sort keys %inputs) {
    my $r = $t->get("/$name.md");
    is($r->{status} . ' ' . ($r->{headers}{'content-length'} // '-')
        . ' [' . $r->{body} . ']', '200 0 []', "$name: rendered, empty");

    $r = $t->get("/$name.md");
    is(cache_status($r) . ' ' . ($r->{headers}{'content-length'} // '-')
        . ' [' . $r->{body} . ']', 'HIT 0 []', "$name: a hit, empty");

    $r = $t->request('HEAD', "/$name.md");
    is($r->{status} . ' ' . ($r->{headers}{'content-length'} // '-'),
        '200 0', "$name: HEAD");

    $r = $t->get("/$name.md", Range => 'bytes=0-');
    is($r->{status}, $static_range, "$name: a range, as for a static file");

    my $etag = $t->get("/$name.md")->{headers}{etag};
    is($t->get("/$name.md", 'If-None-Match' => $etag)->{status}, 304,
        "$name: 304");

    $r = $t->get("/nocache/$name.md");
    is($r->{status} . ' ' . ($r->{headers}{'content-length'} // '-'),
        '200 0', "$name: uncached");

    $r = $t->get("/inline/$name.md");
    is($r->{status} . ' ' . ($r->{headers}{'content-length'} // '-'),
        '200 0', "$name: rendered without a thread pool");
}

unlike($t->error_log(), qr/zero size buf/, 'no zero size buffer');

my $r = $t->http("GET /empty.md HTTP/1.1\r\nHost: localhost\r\n\r\n"
    . "GET /reference.md HTTP/1.1\r\nHost: localhost\r\n"
    . "Connection: close\r\n\r\n");
is(scalar(() = $r =~ m{HTTP/1\.1 200}g), 2,
    'two empty pages on one keep-alive connection');
