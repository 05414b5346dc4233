#!/usr/bin/perl

# HTTP behaviour of rendered pages: headers, validators, conditional
# requests, HEAD, Range and gzip.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes ();
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use ArticleRender::Test qw(http_date);

my $t = ArticleRender::Test->new()
    ->skip_without_modules(qw(http_gzip));

my $T1 = 1700000000;        # the article
my $T2 = $T1 + 3600;        # the template, later
my $T3 = $T2 + 3600;        # a newer article

$t->write_file('site/a.md', "# Article\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    . "Some text, repeated to compress. " x 20 . "\n");
$t->write_file('site/new.md', "# Newer\n");
$t->write_file('site/edit.md', "# Version A\n");
$t->write_file('site/x.b.md', "No heading: titled by the file name.\n");
$t->write_file('tpl.html', "<html><title>{{title}}</title>{{content}}\n");

utime $T1, $T1, $t->path('site/a.md');
utime $T3, $T3, $t->path('site/new.md');
utime $T2, $T2, $t->path('tpl.html');

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location / {
        }

        location /same/ {
            alias %%TESTDIR%%/site/;
        }

        location /tpl/ {
            alias %%TESTDIR%%/site/;
            article_render_template tpl.html;
        }

        location /gfmoff/ {
            alias %%TESTDIR%%/site/;
            article_render_gfm off;
        }

        location /gfmtable/ {
            alias %%TESTDIR%%/site/;
            article_render_gfm table;
        }

        location /unsafe/ {
            alias %%TESTDIR%%/site/;
            article_render_unsafe on;
        }

        location /suffix/ {
            alias %%TESTDIR%%/site/;
            article_render_suffixes .b.md .md;
        }

        location /gz/ {
            alias %%TESTDIR%%/site/;
            gzip on;
            gzip_http_version 1.0;
            gzip_min_length 1;
        }
    }
}
EOF

$t->plan(40)->run();

# headers

my $r = $t->get('/a.md');
my $page = $r->{body};
my $h = $r->{headers};

is($h->{'content-type'}, 'text/html; charset=utf-8',
    'Content-Type is text/html; charset=utf-8');
is($h->{'content-length'}, length $page, 'Content-Length is the body length');
is($h->{'last-modified'}, http_date($T1),
    'Last-Modified is the article mtime with the built-in template');
like($h->{etag}, qr/^"[^"]+"$/, 'ETag is strong and quoted');
is($t->get('/a.md')->{headers}{etag}, $h->{etag},
    'ETag is stable across requests');
is($h->{'accept-ranges'}, 'bytes', 'Accept-Ranges: bytes');

is($t->get('/tpl/a.md')->{headers}{'last-modified'}, http_date($T2),
    'Last-Modified is the template mtime when the template is newer');
is($t->get('/tpl/new.md')->{headers}{'last-modified'}, http_date($T3),
    'Last-Modified is the article mtime when the article is newer');

# conditional requests

my $etag = $h->{etag};
my $lm = $h->{'last-modified'};

$r = $t->get('/a.md', 'If-None-Match' => $etag);

is($r->{status}, 304, 'If-None-Match with the ETag gives 304');
is($r->{body}, '', '304 has no body');

is($t->get('/a.md', 'If-None-Match' => '"other"')->{status}, 200,
    'If-None-Match with another ETag gives 200');
is($t->get('/a.md', 'If-Modified-Since' => $lm)->{status}, 304,
    'If-Modified-Since with Last-Modified gives 304');
is($t->get('/a.md', 'If-Modified-Since' => http_date($T1 - 86400))
    ->{status}, 200, 'If-Modified-Since before Last-Modified gives 200');

# HEAD

$r = $t->request('HEAD', '/a.md');

is($r->{status}, 200, 'HEAD gives 200');
is($r->{headers}{'content-length'}, length $page,
    'HEAD gives the Content-Length of the page');
like($r->{raw}, qr/\r\n\r\n\z/, 'HEAD response has headers only');
is($r->{headers}{etag}, $etag, 'HEAD gives the same ETag as GET');

# Range

my $len = length $page;

$r = $t->get('/a.md', Range => 'bytes=0-14');

is($r->{status}, 206, 'Range request gives 206');
is($r->{headers}{'content-range'}, "bytes 0-14/$len",
    'Content-Range names the range and the page length');
is($r->{body}, substr($page, 0, 15), 'Range body is those page bytes');

$r = $t->get('/a.md', Range => 'bytes=-8');

is($r->{body}, substr($page, -8), 'suffix Range gives the last bytes');
is($t->get('/a.md', Range => "bytes=$len-")->{status}, 416,
    'Range past the end gives 416');
is($t->get('/a.md', Range => 'bytes=0-14', 'If-Range' => $etag)->{status},
    206, 'If-Range with the current ETag gives 206');
is($t->get('/a.md', Range => 'bytes=0-14', 'If-Range' => '"old"')->{body},
    $page, 'If-Range with another ETag gives the whole page');

# gzip

$r = $t->get('/gz/a.md', 'Accept-Encoding' => 'gzip');

is($r->{headers}{'content-encoding'}, 'gzip',
    'gzip on: page sent gzip-encoded');

# not Transparent: a body that is not gzip fails instead of passing as is

my $plain;
gunzip(\$r->{body} => \$plain, Transparent => 0)
    or diag("gunzip: $GunzipError");

is($plain, $page, 'gzip-encoded body decompresses to the page');
is($t->get('/gz/a.md')->{headers}{'content-encoding'}, undef,
    'gzip on: no encoding without Accept-Encoding');

# ETag changes with the article

my $edit = $t->path('site/edit.md');

Time::HiRes::utime($T1 + 0.25, $T1 + 0.25, $edit);
my $r1 = $t->get('/edit.md');

$t->write_file('site/edit.md', "# Version B\n");
Time::HiRes::utime($T1 + 0.75, $T1 + 0.75, $edit);
my $r2 = $t->get('/edit.md');

# the two versions share Last-Modified: only the ETag tells them apart

ok($r2->{headers}{'last-modified'} eq $r1->{headers}{'last-modified'}
    && $r2->{headers}{etag} ne $r1->{headers}{etag},
    'same-size edit within one second changes the ETag')
    or diag("Last-Modified $r1->{headers}{'last-modified'}, then "
        . "$r2->{headers}{'last-modified'}");

$r = $t->get('/edit.md', 'If-None-Match' => $r1->{headers}{etag});

is($r->{status}, 200, 'old ETag after a same-second edit gives 200');
like($r->{body}, qr{<h1 id="version-b">Version B<a },
    'same-second edit served fresh');

Time::HiRes::sleep(0.05);
$t->write_file('site/edit.md', "# Version C\n");

isnt($t->get('/edit.md')->{headers}{etag}, $r2->{headers}{etag},
    'same-size edit in place, moments later, changes the ETag');

# ETag changes with the options

my %tags = map { $_ => $t->get("$_/a.md")->{headers}{etag} }
    ('', '/tpl', '/gfmoff', '/gfmtable', '/unsafe');

is(scalar(keys %{{ reverse %tags }}), 5,
    'template, gfm off, gfm table and unsafe each give another ETag');
is($t->get('/same/a.md')->{headers}{etag}, $tags{''},
    'the same options give the same ETag');
is($t->get('/a.md', 'If-None-Match' => $tags{'/gfmoff'})->{status}, 200,
    'ETag of a page rendered with other options gives 200');

my $x1 = $t->get('/x.b.md');
my $x2 = $t->get('/suffix/x.b.md');

ok($x1->{body} =~ m{<title>x\.b</title>} && $x2->{body} =~ m{<title>x</title>},
    'the matching suffix decides the fallback title');

# the suffix that matched shapes the page through the fallback title
# ("x.b" with .md, "x" with .b.md)

isnt($x2->{headers}{etag}, $x1->{headers}{etag},
    'suffix list that changes the page title changes the ETag');

# ETag changes with the template

$r1 = $t->get('/tpl/a.md');

$t->write_file('tpl.html', "<HTML><TITLE>{{title}}</TITLE>{{content}}\n");
utime $T2, $T2, $t->path('tpl.html');
$t->restart();

$r2 = $t->get('/tpl/a.md');

like($r2->{body}, qr/^<HTML><TITLE>Article</, 'restart reads the template');
ok(length $r2->{body} == length $r1->{body}
    && $r2->{headers}{etag} ne $r1->{headers}{etag},
    'template edit of the same size and mtime changes the ETag')
    or diag('page of ' . length($r1->{body}) . ' bytes, then '
        . length($r2->{body}));
is($t->get('/tpl/a.md', 'If-None-Match' => $r1->{headers}{etag})->{status},
    200, 'ETag from before the template edit gives 200');
is($t->get('/a.md')->{headers}{etag}, $etag,
    'ETag of an unchanged article survives a restart');
