#!/usr/bin/perl

# The Markdown source for clients that ask for it: an Accept header that
# gives text/markdown a higher weight than text/html gets the article
# file as text/markdown, served as a static file (ETag, Last-Modified,
# 304, HEAD, ranges); every article response says "Vary: Accept,
# Accept-Encoding" (the scope compresses, as by default).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(http_date);

my $t = ArticleRender::Test->new();

my $source = "# Notes\n\nSome *text*.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

$t->write_file('site/notes.md', $source);
$t->write_file('site/empty.md', '');
$t->write_file('site/plain.txt', "not an article\n");

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    log_format cache '$uri "$http_accept" "$article_render_cache" '
                     '$sent_http_content_type';

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        access_log %%TESTDIR%%/cache.log cache;

        location / {
            article_render on;
        }

        location /off/ {
            alias %%TESTDIR%%/site/;
        }
    }
}
EOF

$t->plan(39)->run();

sub md {
    my ($accept) = @_;

    my $r = defined $accept ? $t->get('/notes.md', Accept => $accept)
        : $t->get('/notes.md');

    my $type = $r->{headers}{'content-type'} || '';

    return 'markdown' if $type eq 'text/markdown; charset=utf-8';
    return 'html' if $type eq 'text/html; charset=utf-8';
    return "status $r->{status}, type $type";
}

# the preference rules

is(md(undef), 'html', 'no Accept: the page');
is(md('text/markdown'), 'markdown', 'Accept text/markdown: the source');
is(md('text/html'), 'html', 'Accept text/html: the page');
is(md('text/markdown, text/html'), 'html',
    'equal weights (both 1): the page');
is(md('text/markdown;q=0.5, text/html;q=0.5'), 'html',
    'equal explicit weights: the page');
is(md('text/html;q=0.9, text/markdown'), 'markdown',
    'markdown weighted higher than html: the source');
is(md('text/markdown;q=0.4, text/html;q=0.5'), 'html',
    'markdown weighted lower than html: the page');
is(md('*/*'), 'html', 'Accept */*: the page');
is(md('text/*'), 'html', 'Accept text/*: the page');
is(md('text/markdown, */*;q=0.1'), 'markdown',
    'markdown over a weaker */*: the source');
is(md('text/markdown;q=0.8, text/*;q=0.9'), 'html',
    'html through a stronger text/*: the page');
is(md('text/html;q=0, */*'), 'markdown',
    'html refused, markdown through */*: the source');
is(md('image/png'), 'html', 'neither accepted: the page, not 406');
is(md('text/markdown;q=2, text/html;q=0.5'), 'html',
    'a range with an invalid weight is ignored');
is(md('TEXT/MARKDOWN'), 'markdown', 'media types compared without case');
is(md('text/html,application/xhtml+xml,application/xml;q=0.9,'
    . 'image/avif,image/webp,*/*;q=0.8'), 'html',
    'a browser\'s Accept: the page');

# two Accept headers are one list

my $raw = $t->http("GET /notes.md HTTP/1.0\r\nHost: localhost\r\n"
    . "Accept: text/html;q=0.5\r\nAccept: text/markdown\r\n\r\n");

like($raw || '', qr{^Content-Type: text/markdown; charset=utf-8\r$}m,
    'two Accept headers are read as one list');

# the source, served as a static file

my $r = $t->get('/notes.md', Accept => 'text/markdown');
my $mtime = (stat $t->path('site/notes.md'))[9];

is($r->{status}, 200, 'markdown: 200');
is($r->{body}, $source, 'markdown: the body is the article file');
is($r->{headers}{'content-length'}, length $source,
    'markdown: Content-Length is the file size');
is($r->{headers}{'last-modified'}, http_date($mtime),
    'markdown: Last-Modified is the file\'s');
is($r->{headers}{etag}, sprintf('"%x-%x"', $mtime, length $source),
    'markdown: the static ETag of the file');
is($r->{headers}{vary}, 'Accept, Accept-Encoding',
    'markdown: Vary: Accept, Accept-Encoding, as the page');
is($r->{headers}{'accept-ranges'}, 'bytes', 'markdown: ranges accepted');

my $html = $t->get('/notes.md');

isnt($html->{headers}{etag}, $r->{headers}{etag},
    'the page and the source have different ETags');
is($html->{headers}{vary}, 'Accept, Accept-Encoding',
    'page: Vary: Accept, Accept-Encoding');

my $etag = $r->{headers}{etag};
my $nm = $t->get('/notes.md', Accept => 'text/markdown',
    'If-None-Match' => $etag);

is($nm->{status}, 304, 'markdown: If-None-Match with its ETag: 304');
is($nm->{headers}{vary}, 'Accept, Accept-Encoding',
    'markdown 304: the same Vary');
is($t->get('/notes.md', Accept => 'text/markdown',
    'If-Modified-Since' => http_date($mtime))->{status}, 304,
    'markdown: If-Modified-Since: 304');
is($t->get('/notes.md', 'If-None-Match' => $etag)->{status}, 200,
    'the source\'s ETag does not validate the page');

my $page_nm = $t->get('/notes.md', 'If-None-Match' => $html->{headers}{etag});

is($page_nm->{status}, 304, 'page: If-None-Match with its ETag: 304');
is($page_nm->{headers}{vary}, 'Accept, Accept-Encoding',
    'page 304: the same Vary');

$r = $t->request('HEAD', '/notes.md', Accept => 'text/markdown');

ok($r->{status} == 200 && $r->{body} eq ''
    && $r->{headers}{'content-type'} eq 'text/markdown; charset=utf-8'
    && $r->{headers}{'content-length'} == length $source,
    'markdown HEAD: the headers of GET, no body');

$r = $t->get('/notes.md', Accept => 'text/markdown', Range => 'bytes=2-6');

ok($r->{status} == 206 && $r->{body} eq 'Notes',
    'markdown range: 206 with the bytes of the file');

$r = $t->get('/empty.md', Accept => 'text/markdown');

ok($r->{status} == 200 && $r->{body} eq ''
    && $r->{headers}{'content-length'} eq '0',
    'markdown of an empty file: 200, empty');

# what is left alone

$r = $t->get('/plain.txt', Accept => 'text/markdown');

ok($r->{status} == 200 && !exists $r->{headers}{vary}
    && $r->{body} eq "not an article\n",
    'a file that is no article: served as before, no Vary');

$r = $t->get('/off/notes.md', Accept => 'text/markdown');

ok($r->{status} == 200 && !exists $r->{headers}{vary}
    && ($r->{headers}{'content-type'} || '') !~ /markdown|html/,
    'article_render off: the static module answers, no Vary');

is($t->request('POST', '/notes.md', Accept => 'text/markdown')->{status},
    405, 'markdown: POST is still 405');

# $article_render_cache is empty for the source: nothing was rendered

$t->get('/notes.md', Accept => 'text/markdown;q=1, text/html;q=0.1');

like($t->read_file('cache.log'),
    qr{^/notes\.md "text/markdown;q=1, text/html;q=0\.1" "-" text/markdown;}m,
    '$article_render_cache is empty for the source');
