#!/usr/bin/perl

# The linked cmark-gfm: nginx names it in one "warn" line at start-up when
# it predates 0.29.0.gfm.13 (known slow and exploding inputs), as the
# README says, and only then; a reload does not say it again.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

my $t = ArticleRender::Test->new();

$t->config(<<'EOF2');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%;
        article_render on;
    }
}
EOF2

my $v = $t->cmark_version();

plan(skip_all => 'the linked cmark-gfm version is not in its file name')
    unless defined $v && $v =~ /^(\d+)\.(\d+)\.(\d+)\.gfm\.(\d+)$/;

my $old = $1 == 0 && ($2 < 29 || ($2 == 29 && $3 == 0 && $4 < 13));

$t->plan(2)->run();

sub warnings {
    my $log = $t->read_file('stderr.log') . $t->error_log();
    return scalar(() = $log =~ /\[warn\] .*cmark-gfm \Q$v\E has known slow/g);
}

is(warnings(), $old ? 1 : 0,
    "cmark-gfm $v: " . ($old ? 'one warn line' : 'no warn line')
    . ' at start-up');

$t->reload();
is(warnings(), $old ? 1 : 0, 'a reload does not warn again');
