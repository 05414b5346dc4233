#!/usr/bin/perl

# One render per change: concurrent misses for one article, in any
# worker, wait for the render under way and get its page; a waiter gives
# up with 503 at its time budget; a mark left by a worker that died does
# not block the article for long; an unknown pool fails "nginx -t".

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes qw(sleep);
use ArticleRender::Test;

my $t = ArticleRender::Test->new(workers => 2);

# the budget is three times the render, more where nginx runs slower
my $budget = int(3 * 700 * ArticleRender::Test::slow());

(my $conf = <<'EOF') =~ s/%%BUDGET%%/${budget}ms/;
http {
    %%TEST_GLOBALS_HTTP%%

    error_log %%TESTDIR%%/error.log info;
    %%TEST_HOOKS_LOG%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_test_delay 700ms;
        article_render_timeout %%BUDGET%%;

        # the same file and rendering as /, with a short time budget
        location /impatient/ {
            alias %%TESTDIR%%/site/;
            article_render_timeout 200ms;
        }
    }
}
EOF

$t->config($conf);

plan(skip_all => 'not the test build: article_render_test_delay unknown')
    unless $t->has_test_hooks();

$t->write_file('site/a.md', "# A\n\nversion 1\n");
$t->write_file('site/b.md', "# B\n\nversion 1\n");
$t->write_file('site/c.md', "# C\n\nversion 1\n");

$t->plan(9)->run();

# after an edit, ten concurrent requests: one render, ten new pages

$t->get('/a.md');
$t->write_file('site/a.md', "# A\n\nversion 2\n");

my @s = map { $t->start_get('/a.md') } 1 .. 10;
my @r = map { $t->finish_get($_) } @s;

is(scalar(grep { $_->{status} == 200 && $_->{body} =~ /version 2/ } @r),
    10, 'every concurrent request gets the new page');
is($t->renders('/a.md'), 2, 'the edit is rendered once for all of them');

# a waiter does not wait past its own time budget

my $first = $t->start_get('/b.md');
sleep(0.1);
my $r = $t->get('/impatient/b.md');

is($r->{status}, 503, 'a waiter past its budget gets 503');
is($r->{headers}{'retry-after'}, '1', 'with Retry-After');
is($t->finish_get($first)->{status}, 200, 'the render it waited for ends');

# a worker that dies while rendering leaves its mark behind: the next
# requests wait for it at most until it lapses, then render themselves

$t->allow_alerts(qr/exited on signal 9/);

my $dying = $t->start_get('/c.md');
sleep(0.2);
my $rendering = !$t->ready($dying);
my @pids = $t->worker_pids();
kill 'KILL', @pids;
close $dying;

ok($rendering && @pids == 2,
    'both workers were killed while the article was still rendering');

sleep(0.3);

$r = $t->get('/c.md');
$r = $t->get('/c.md') if $r->{status} == 503;

is($r->{status}, 200, 'the article is rendered after its owner died');
like($r->{body}, qr/version 1/, 'with its page');

# an unknown pool

$t->stop();
$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%
    server {
        listen 127.0.0.1:%%PORT%%;
        article_render on;
        article_render_thread_pool nosuch;
    }
}
EOF
my ($ok, $out) = $t->test_config();
like($out, qr/unknown thread pool "nosuch"/, 'an unknown pool fails nginx -t');
