#!/usr/bin/perl

# Requests waiting for a render in their own worker are woken when it
# lands: each looks at the zone twice (once to start waiting, once when
# woken), however long the render takes, and none renders again.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

my $t = ArticleRender::Test->new();

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%
    %%TEST_HOOKS_LOG%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_test_delay 600ms;
        article_render_timeout 10s;
    }
}
EOF

plan(skip_all => 'not the test build: article_render_test_delay unknown')
    unless $t->has_test_hooks();

$t->write_file('site/a.md', "# A\n\nwaited for\n");

$t->plan(4)->run();

my @s = map { $t->start_get('/a.md') } 1 .. 8;
my @r = map { $t->finish_get($_) } @s;

is(scalar(grep { $_->{status} == 200 && $_->{body} =~ /waited for/ } @r),
    8, 'every request gets the page');
is($t->renders('/a.md'), 1, 'one render for all of them');

my @lookups = sort { $a <=> $b } $t->lookups('/a.md');
is(scalar @lookups, 8, 'every request looked the page up');
is($lookups[-1], 2, 'a waiter looks at the zone twice, not in a poll');
