#!/usr/bin/perl

# The linked cmark-gfm: when it predates 0.29.0.gfm.13 (known slow and
# exploding inputs), the master names it in one "notice" line of the
# error log as it starts, and only then: a reload does not say it again,
# and "nginx -t" and "nginx -s" say nothing of it on the terminal of
# someone who cannot upgrade the library.  The test build's
# AR_TEST_LIBRARY_OUTDATED makes the library old or current, so that
# both cases run whatever library this machine has.

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

plan(skip_all => 'not the test build: AR_TEST_LIBRARY_OUTDATED unknown')
    unless $t->has_test_hooks();

$t->plan(9);

my $named = qr/cmark-gfm \S+ has known slow/;

sub lines {
    my ($text, $level) = @_;
    return scalar(() = $text =~ /\[$level\] [^\n]*$named/g);
}

sub signal {
    my ($sig) = @_;
    my @cmd = (@{ [ $t->nginx_args() ] }, '-s', $sig);
    return scalar `@cmd 2>&1`;
}

for my $old (1, 0) {
    local $ENV{AR_TEST_LIBRARY_OUTDATED} = $old;
    my $case = $old ? 'an old library' : 'a current library';

    my ($ok, $out) = $t->test_config();
    ok($ok && $out !~ $named, "$case: nginx -t prints nothing of it");

    $t->run();

    is(lines($t->error_log(), 'notice'), $old,
        "$case: " . ($old ? 'one notice line' : 'no line') . ' at start-up');
    is(lines($t->error_log() . $t->read_file('stderr.log'), 'warn'), 0,
        "$case: no warn line");

    my $said = signal('reopen');
    $t->reload();
    ok($said !~ $named && lines($t->error_log(), 'notice') == $old,
        "$case: nginx -s and a reload say nothing more");

    $t->stop();
    $t->write_file('error.log', '');
}

# the library this machine has, as its file name says

my $v = $t->cmark_version();

SKIP: {
    skip 'the linked cmark-gfm version is not in its file name', 1
        unless defined $v && $v =~ /^(\d+)\.(\d+)\.(\d+)\.gfm\.(\d+)$/;

    my $old = $1 == 0 && ($2 < 29 || ($2 == 29 && $3 == 0 && $4 < 13)) ? 1 : 0;

    $t->run();
    is(lines($t->error_log(), 'notice'), $old,
        "cmark-gfm $v: " . ($old ? 'named' : 'not named') . ' at start-up');
    $t->stop();
}
