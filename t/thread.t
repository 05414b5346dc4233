#!/usr/bin/perl

# Renders in a thread pool: a slow render does not hold up the worker's
# other requests; time and memory budgets end a render cleanly and the
# failed version fails fast afterwards; inline rendering without a pool.
#
# Slow renders come from article_render_test_delay, which only the test
# build (AR_TEST_HOOKS) has: deterministic whatever cmark-gfm is linked.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes qw(time sleep);
use ArticleRender::Test qw(cache_status);

my $t = ArticleRender::Test->new();

# the slow render's budget is three times its delay, more where nginx
# runs slower
my $budget = int(3 * 2500 * ArticleRender::Test::slow());

(my $conf = <<'EOF') =~ s/%%BUDGET%%/${budget}ms/;
# nginx's core debug lines, one for every task posted to a thread pool
error_log %%TESTDIR%%/core.log debug;

http {
    %%TEST_GLOBALS_HTTP%%

    error_log %%TESTDIR%%/error.log info;
    error_log %%TESTDIR%%/debug.log debug;
    %%TEST_HOOKS_LOG%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;

        article_render on;

        location /slow/ {
            article_render_test_delay 2500ms;
            article_render_timeout %%BUDGET%%;
        }

        location /budget/ {
            article_render_test_delay 3s;
            article_render_timeout 300ms;
        }

        location /memory/ {
            article_render_max_memory 8m;
        }

        location /inline/ {
            article_render_thread_pool off;
        }

        location /nocache/ {
            article_render_cache off;
        }
    }
}
EOF

$t->config($conf);

plan(skip_all => 'not the test build: article_render_test_delay unknown')
    unless $t->has_test_hooks();

$t->write_file('site/cached.md', "# Cached\n\nAlready rendered.\n");
$t->write_file('site/slow/a.md', "# Slow\n\nTakes a while.\n");
$t->write_file('site/budget/a.md', "# Over budget\n");
$t->write_file('site/nocache/a.md', "# Revalidated\n");
$t->write_file('site/inline/a.md', "# Inline\n\n| a | b |\n|---|---|\n"
    . "| 1 | 2 |\n");

# a table of n columns and n rows: n * n cells from a few n bytes

my $n = 3000;
$t->write_file('site/memory/bomb.md',
    ('x|' x $n) . "\n" . ('-|' x $n) . "\n" . ("x\n" x $n));
$t->write_file('site/memory/fine.md', "# Fine\n");

$t->plan(24)->run();

# while one request renders for seconds in the pool, the worker's other
# requests are answered: all of them arrive before the slow page does

$t->get('/cached.md');

my $slow = $t->start_get('/slow/a.md');
sleep(0.2);

my ($answered, $worst) = (0, 0);

for (1 .. 20) {
    my $start = time();
    my $r = $t->get('/cached.md');
    my $took = time() - $start;
    $worst = $took if $took > $worst;
    $answered++ if $r->{status} == 200
        && cache_status($r) eq 'HIT';
}

ok(!$t->ready($slow), 'the slow render is still running');
is($answered, 20, 'cached pages are served while a render runs');
diag(sprintf('slowest cached answer during the render: %.1f ms',
    $worst * 1000));

my $r = $t->finish_get($slow);
is($r->{status}, 200, 'the slow render is then answered');
like($r->{body}, qr{<h1 id="slow">Slow<a }, 'with its page');

# a render over its time budget ends at the budget with 500, and the
# version that failed is not rendered again

$r = $t->get('/budget/a.md');

is($r->{status}, 500, 'render over its time budget: 500');
like($t->error_log(),
    qr/\[error\] .*budget\/a\.md" of \d+ bytes passed article_render_timeout/,
    'the error log names the file and the budget');

$r = $t->get('/budget/a.md');
is($r->{status}, 500, 'the failed version fails again');
is($t->renders('/budget/a.md'), 1, 'without a second render');

$t->write_file('site/budget/a.md', "# Over budget, edited\n");
$t->get('/budget/a.md');
is($t->renders('/budget/a.md'), 2, 'an edit gives the article another render');

# a time budget depends on load: a failure to keep it is remembered for
# 10 seconds (NGX_HTTP_AR_TIME_FAIL_MEMO), then the version is tried again

$t->get('/budget/a.md');
is($t->renders('/budget/a.md'), 2, 'the time failure is remembered');
like($t->error_log(), qr/passed article_render_timeout before, tried again/,
    'a remembered time failure says when it is tried again');
sleep(10.5);
$t->get('/budget/a.md');
is($t->renders('/budget/a.md'), 3, 'and tried again after 10 seconds');

# output explosion under a small memory budget

my $pid = $t->worker_pid();
my $rss_before = rss($pid);

for (1 .. 3) {
    $r = $t->get('/memory/bomb.md');
}

is($r->{status}, 500, 'table explosion over the memory budget: 500');
like($t->error_log(), qr/bomb\.md" of \d+ bytes passed article_render_max_memory/,
    'the error log names the memory budget');
is($t->get('/memory/fine.md')->{status}, 200,
    'the worker serves on after the failed render');

my $grown = rss($pid) - $rss_before;
ok($grown < 32 * 1024, "worker memory stays bounded (grew $grown kB)");

# a conditional request that names the page's ETag is answered 304
# without a render, even where nothing is cached

$r = $t->get('/nocache/a.md');
my $etag = $r->{headers}{etag};
is($t->renders('/nocache/a.md'), 1, 'uncached page: one render');

$r = $t->get('/nocache/a.md', 'If-None-Match' => $etag);
is($r->{status}, 304, 'If-None-Match with the ETag: 304');
is($r->{headers}{etag}, $etag, 'the 304 carries the ETag');
is($t->get('/nocache/a.md', 'If-None-Match' => "W/$etag")->{status}, 304,
    'the weak form of the ETag: 304');
is($t->renders('/nocache/a.md'), 1, 'the 304s rendered nothing');

$r = $t->get('/nocache/a.md', 'If-None-Match' => '"other"');
ok($r->{status} == 200 && $t->renders('/nocache/a.md') == 2,
    'another ETag: the page, rendered');

# without a pool, renders are inline and right: a render in the pool
# posts a task, one without none

my $tasks = tasks();
$t->get('/nocache/a.md', 'If-None-Match' => '"other"');
my $pooled = tasks() - $tasks;

$r = $t->get('/inline/a.md');
my $inline = tasks() - $tasks - $pooled;

like($r->{body}, qr{<td>1</td>}, 'without a pool: the page is right');

SKIP: {
    skip 'nginx built without --with-debug logs no thread tasks', 1
        unless $t->nginx_debug();

    is("$pooled $inline", '1 0',
        'without a pool: no task posted, where a pooled render posts one');
}

sub tasks {
    my $n = () = $t->read_file('core.log')
        =~ /task #\d+ added to thread pool/g;
    return $n;
}

# a worker's resident memory in kB; dies without it, as a missing figure
# read as 0 would let the memory bound pass unchecked

sub rss {
    my ($pid) = @_;

    die "no worker pid in the error log\n" unless $pid;

    open my $fh, '<', "/proc/$pid/status"
        or die "cannot read /proc/$pid/status: $!\n";
    my ($kb) = join('', <$fh>) =~ /^VmRSS:\s+(\d+) kB/m;

    die "no VmRSS in /proc/$pid/status\n" unless defined $kb;

    return $kb;
}
