#!/usr/bin/perl

# A worker runs at most its bound of renders in thread pools (here 2, set
# by the test build's AR_TEST_RENDER_BOUND; the machine's CPUs otherwise):
# a render past it waits in the worker's queue and runs when one ends; a
# queued request whose client closes leaves the queue and its mark; one
# queued past article_render_timeout gets 503 (a listing made again:
# the one made before); a worker exiting
# gracefully answers its queued requests; renders without a pool are not
# queued.  Renders are held by the test build's delay, and the worker's
# renders and queue are read from $article_render_test_running and
# $article_render_test_queued, never guessed from timing.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(wait_until);

my $t = ArticleRender::Test->new(workers => 1);

# a held render lasts long enough for the probes made while it runs,
# and not minutes where nginx runs under valgrind

my $slow = ArticleRender::Test::slow();
my $hold = int(4000 * ($slow < 5 ? $slow : 5));

$t->main_conf("env AR_TEST_RENDER_BOUND=2;\n");

# a listing's budget: short, yet long enough to make it where nginx runs
# slower, and shorter than a held render

my $budget = int(300 * $slow);

(my $conf = <<'EOF') =~ s/%%HOLD%%/${hold}ms/;
http {
    %%TEST_GLOBALS_HTTP%%
    %%TEST_HOOKS_LOG%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_timeout 60s;

        location = /threads {
            return 200
                "$article_render_test_running $article_render_test_queued";
        }

        location /slow/ {
            alias %%TESTDIR%%/site/;
            article_render_test_delay %%HOLD%%;
        }

        location /inline/ {
            alias %%TESTDIR%%/site/;
            article_render_thread_pool off;
        }

        location /impatient/ {
            alias %%TESTDIR%%/site/;
            article_render_timeout 300ms;
        }

        location /listing/ {
            alias %%TESTDIR%%/site/;
            article_render_index on;
            article_render_timeout %%BUDGET%%;
            add_header X-Cache $article_render_cache always;
        }
    }
}
EOF

$conf =~ s/%%BUDGET%%/${budget}ms/;

$t->config($conf);

plan(skip_all => 'not the test build: article_render_test_delay unknown')
    unless $t->has_test_hooks();

for my $name ('a' .. 'p') {
    $t->write_file("site/$name.md", "# \U$name\E\n\narticle $name\n");
}

$t->plan(21)->run();

sub threads {
    my $r = $t->get('/threads');
    return $r->{status} == 200 ? $r->{body} : '';
}

sub held {
    my ($want) = @_;
    return wait_until(sub { threads() eq $want });
}

sub page_of {
    my ($r, $name) = @_;
    return $r->{status} == 200 && $r->{body} =~ /article $name/;
}

# two renders held: a third distinct article waits for one of them

my @held = map { $t->start_get("/slow/$_.md") } qw(a b);
held('2 0');

my $queued = $t->start_get('/c.md');

ok(held('2 1'), 'a third article waits while two renders are held');

ok(page_of($t->get('/inline/d.md'), 'd'),
    'a render without a pool is answered while two are held');
is(threads(), '2 1', 'and is not queued');

my $r = $t->finish_get($queued);
my $ended = grep { $t->ready($_) } @held;

ok(page_of($r, 'c'), 'the queued article is rendered');
ok($ended >= 1, 'after a held render ended');
is(scalar(grep { page_of($t->finish_get($held[$_]), ('a', 'b')[$_]) }
    0 .. 1), 2, 'the held renders are answered');
is(threads(), '0 0', 'nothing runs or waits afterwards');

# a queued request whose client closes leaves the queue and the mark

@held = map { $t->start_get("/slow/$_.md") } qw(e f);
held('2 0');

$queued = $t->start_get('/g.md');
held('2 1');
close $queued;

ok(held('2 0'), 'a queued request whose client closed leaves the queue');

$t->finish_get($_) for @held;

ok(page_of($t->get('/g.md'), 'g'),
    'a later request for its article renders it');

# a render not begun within article_render_timeout: 503

@held = map { $t->start_get("/slow/$_.md") } qw(h i);
held('2 0');

$r = $t->get('/impatient/j.md');

is($r->{status}, 503, 'a render queued past its time budget gets 503');
is($r->{headers}{'retry-after'}, '1', 'with Retry-After');
is(threads(), '2 0', 'and leaves the queue');

$t->finish_get($_) for @held;

ok(page_of($t->get('/j.md'), 'j'), 'its article renders afterwards');

# a listing made again, queued past its budget: the one made before is
# sent, as after a remake that failed

my $listing = $t->get('/listing/');
is($listing->{status}, 200, 'a listing is made');

# older than a listing's freshness (1 s): the next request makes it again

select(undef, undef, undef, 1.2);

@held = map { $t->start_get("/slow/$_.md") } qw(o p);
held('2 0');

$r = $t->get('/listing/');

is($r->{status} . ' ' . ($r->{headers}{'x-cache'} // ''), '200 STALE',
    'a listing whose remake waited past its budget: the one made before');
is($r->{body}, $listing->{body}, 'its body');
is(threads(), '2 0', 'the remake left the queue');

$t->finish_get($_) for @held;

# a worker exiting gracefully answers its queued requests

@held = map { $t->start_get("/slow/$_.md") } qw(k l);
held('2 0');

$queued = $t->start_get('/m.md');
held('2 1');

kill 'HUP', $t->master_pid();

ok(page_of($t->finish_get($queued), 'm'),
    'an exiting worker renders its queued request');
ok(page_of($t->finish_get($held[0]), 'k')
    && page_of($t->finish_get($held[1]), 'l'),
    'and its held ones');

ok(wait_until(sub { $t->error_log() =~ /exited with code 0/ }),
    'then exits');

ok(page_of($t->get('/n.md'), 'n'), 'the new worker renders');
