#!/usr/bin/perl

# Every rendered page names its Markdown source, which the same URI
# serves to "Accept: text/markdown": Link: <URI>; rel="alternate";
# type="text/markdown", its URI escaped; not on an included page.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

my $t = ArticleRender::Test->new()
    ->skip_without_modules(qw(http_ssi));

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location /ssi/ {
            ssi on;
        }
    }
}
EOF

$t->write_file('site/a.md', "# A\n");
$t->write_file('site/with space <x>.md', "# Odd name\n");
$t->write_file('site/ssi/page.html', '<!--# include virtual="/a.md" -->');

$t->plan(6)->run();

my $alt = 'rel="alternate"; type="text/markdown"';

my $r = $t->get('/a.md');
is($r->{headers}{link}, "</a.md>; $alt", 'a page links its source');

my $src = $t->get('/a.md', Accept => 'text/markdown');
is($src->{headers}{'content-type'}, 'text/markdown; charset=utf-8',
    'which the same URI serves as Markdown');

is($t->get('/a.md', 'If-None-Match' => $r->{headers}{etag})
    ->{headers}{link}, "</a.md>; $alt", 'a 304 links it too');

$r = $t->get('/with%20space%20%3Cx%3E.md');
is($r->{headers}{link}, "</with%20space%20%3Cx%3E.md>; $alt",
    'the URI is escaped');

$r = $t->get('/ssi/page.html');
ok(!defined $r->{headers}{link}, 'an including page gets no link');
like($r->{body}, qr/<h1/, 'though it includes the article');
