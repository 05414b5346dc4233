#!/usr/bin/perl

# A render without a mark (the zone had no room for one; the test
# build's AR_TEST_NO_MARK makes every lookup so) writes no page file:
# nothing in the zone would say whose the file was, and its worker
# killed between the write and the store would leave it for good.  The
# page is sent whole and kept in the zone's memory; the worker killed
# afterwards leaves no page file.  The codings task that would write the
# file waits after writing one while the article has a ".filed" beside
# it (the test build), so a file written would be found there.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status wait_until);

my $t = ArticleRender::Test->new();

plan(skip_all => 'no test hooks') unless $t->has_test_hooks();

$t->main_conf("env AR_TEST_NO_MARK=1;\n")->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_cache_zone files:1m max_entry=600k
                              path=%%TESTDIR%%/pages;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;
        add_header X-Pid $pid always;

        article_render on;
        article_render_cache files;
        article_render_compress off;

        location /c/ {
            alias %%TESTDIR%%/site/;
            article_render_compress gzip;
        }
    }
}
EOF

$t->write_file("site/$_.md", $t->article_text($_, 2000)) for qw(a k);
$t->write_file('site/k.md.filed', '');

$t->allow_alerts(qr/exited on signal 9/);

$t->plan(5)->run();

sub page_files {
    opendir my $d, $t->path('pages') or return 0;
    return scalar grep { /^\d{10}$/ } readdir $d;
}

###############################################################################

# rendered in the request (the server's coding alone)

my $a = $t->get('/a.md');
my $hit = $t->get('/a.md');

ok($a->{status} == 200 && $a->{body} =~ /Paragraph 2000 of a,/
    && cache_status($hit) eq 'HIT' && $hit->{body} eq $a->{body},
    'no mark: the page sent whole, then kept in the zone');
is(page_files(), 0, 'no mark: no page file written');

# its other codings made by the task, which would wait once the page
# file is written: it stores the page instead, and its worker is killed

my $k = $t->get('/c/k.md');
my $pid = $k->{headers}{'x-pid'};

ok($k->{status} == 200 && wait_until(sub {
    cache_status($t->get('/c/k.md')) eq 'HIT';
}), 'no mark, in the codings task: the page kept in the zone');

kill 'KILL', $pid;
wait_until(sub { my @w = $t->worker_pids(); @w == 1 && $w[0] != $pid });

is(page_files(), 0, 'no mark, in the codings task: its worker killed, no'
    . ' page file left');

is(cache_status($t->get('/c/k.md')), 'HIT',
    'no mark, in the codings task: the page kept after the kill');

###############################################################################
