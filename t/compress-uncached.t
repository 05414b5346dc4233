#!/usr/bin/perl

# A page nobody keeps ("article_render_cache off") is made only in the
# coding its response is sent in, with the thread pool and without it;
# a page the zone keeps, without a pool, is made in every coding of the
# scope at once.  The test build counts the codings each request's
# render made in $article_render_test_codings.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status decode_body);

my $t = ArticleRender::Test->new()
    ->skip_without_modules(qw(http_gzip));

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    log_format article_render_codings
        '$article_render_test_codings "$uri"';
    access_log %%TESTDIR%%/codings.log article_render_codings;

    gzip_http_version 1.0;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_compress gzip br zstd;
        add_header X-Cache $article_render_cache always;

        location /inline/ {
            alias %%TESTDIR%%/site/;
            article_render_cache off;
            article_render_thread_pool off;
        }

        location /pool/ {
            alias %%TESTDIR%%/site/;
            article_render_cache off;
        }

        location /kept/ {
            alias %%TESTDIR%%/site/;
            article_render_thread_pool off;
        }

        location /off/ {
            alias %%TESTDIR%%/site/;
            article_render_cache off;
            article_render_compress off;
        }
    }
}
EOF

plan(skip_all => 'not the test build: article_render_test_delay unknown')
    unless $t->has_test_hooks();

my $text = "# Codings\n\n"
    . join('', map { "Paragraph $_ says *the same* thing again.\n\n" }
           1 .. 500);

$t->write_file('site/a.md', $text);

$t->plan(11)->run();

# the codings made for each request for uri, in order; nginx writes the
# access log line before the answer's last bytes reach the client

sub codings {
    my ($uri) = @_;
    return map { /^(\d+) "\Q$uri\E"$/ ? $1 : () }
        split /\n/, $t->read_file('codings.log');
}

sub last_codings {
    my @n = codings(@_);
    return $n[-1] // -1;
}

sub coding {
    my ($r) = @_;
    return $r->{headers}{'content-encoding'} // '';
}

my $page = $t->get('/off/a.md')->{body};
like($page, qr/Paragraph 500 says/, 'the identity page');

for my $loc (qw(inline pool)) {
    my $name = $loc eq 'inline' ? 'no thread pool' : 'thread pool';

    my $r = $t->get("/$loc/a.md");
    ok(coding($r) eq '' && $r->{body} eq $page
        && last_codings("/$loc/a.md") == 0,
        "cache off, $name, no Accept-Encoding: no coding made");

    for my $c (qw(gzip br zstd)) {
        $r = $t->get("/$loc/a.md", 'Accept-Encoding' => $c);
        ok(coding($r) eq $c && decode_body($c, $r->{body}) eq $page
            && last_codings("/$loc/a.md") == 1,
            "cache off, $name, $c asked: only $c made");
    }
}

my $all = $t->get('/inline/a.md', 'Accept-Encoding' => 'gzip, br, zstd');
ok(coding($all) eq 'gzip' && decode_body('gzip', $all->{body}) eq $page
    && last_codings('/inline/a.md') == 1,
    'cache off, no thread pool, every coding taken: the quickest alone');

my $kept = $t->get('/kept/a.md', 'Accept-Encoding' => 'gzip');
my $hit = $t->get('/kept/a.md', 'Accept-Encoding' => 'br');
ok(coding($kept) eq 'gzip' && (codings('/kept/a.md'))[0] == 3
    && cache_status($hit) eq 'HIT' && coding($hit) eq 'br'
    && decode_body('br', $hit->{body}) eq $page,
    'a page the zone keeps, no thread pool: every coding made at once');
