#!/usr/bin/perl

# Holds that end with their holder: a worker killed (-9) while it sends a
# page (a pin), while it renders one (a mark), or while its codings task
# holds the mark after writing the page file.  Afterwards the zone keeps,
# evicts and frees pages as before, a request for the page renders it at
# once (no wait for the dead renderer, no 503), and no page file is left
# that the zone does not own.  The holders are found through the test
# build (the "renderer" file, the ".filed" hold) and the worker's pid in
# a response header, never by timing.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status wait_until);

my $t = ArticleRender::Test->new(workers => 2);

plan(skip_all => 'no test hooks') unless $t->has_test_hooks();

# a small send buffer and a client's small receive buffer: a large page
# is being sent, and its node pinned, until the client reads it

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%
    %%TEST_HOOKS_LOG%%

    article_render_cache_zone files:1m max_entry=600k
                              path=%%TESTDIR%%/pages;
    article_render_cache_zone mem:1m max_entry=600k;

    server {
        listen 127.0.0.1:%%PORT%% sndbuf=4k;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;
        add_header X-Pid $pid always;

        article_render on;
        article_render_cache files;
        article_render_compress off;
        article_render_timeout 60s;

        location /mem/ {
            alias %%TESTDIR%%/site/;
            article_render_cache mem;
        }

        location /slow/ {
            alias %%TESTDIR%%/site/;
            article_render_test_delay 50s;
        }

        location /c/ {
            alias %%TESTDIR%%/site/;
            article_render_compress gzip;
        }
    }
}
EOF

# about 300 KB of page: three fill a zone, or its files' budget, of 1m

for my $name (qw(p1 p2 p3 q1 q2 m1 m2 m3)) {
    $t->write_file("site/$name.md", $t->article_text($name, 6000));
}

for my $i (1 .. 10) {
    $t->write_file("site/s$i.md", "# Small $i\n\nA short article.\n");
}

$t->write_file('site/x.md', "# Slow\n\nRendered slowly in /slow/.\n");
$t->write_file('site/k.md', $t->article_text('k', 6000));

$t->allow_alerts(qr/exited on signal 9/);

$t->plan(12)->run();

# kills workers and waits until the master has put others in their place

sub kill_workers {
    my (@pids) = @_;

    my %dead = map { $_ => 1 } @pids;

    kill 'KILL', keys %dead;

    return wait_until(sub {
        my @now = $t->worker_pids();
        @now == 2 && !grep { $dead{$_} } @now;
    });
}

sub kept {
    my ($uri) = @_;
    $t->get($uri);
    return cache_status($t->get($uri)) eq 'HIT';
}

###############################################################################

# pins of a worker killed while it sends pages from files: the pages are
# replaced meanwhile (an edit), so that their nodes wait for their last
# reader, and hold the files' budget

my %old;

for my $name (qw(p1 p2 p3)) {
    $t->get("/$name.md");
    $old{$name} = $t->get("/$name.md")->{body};
}

my (@readers, %holders);

for my $name (qw(p1 p2 p3)) {
    my ($s, $head) = $t->slow_reader("/$name.md", hit => 1);
    my ($pid) = $head =~ /^X-Pid: (\d+)/mi;
    push @readers, $s;
    $holders{$pid} = 1;
}

for my $name (qw(p1 p2 p3)) {
    $t->write_file("site/$name.md",
                   $t->article_text($name, 6000) . "Edited.\n");
}

$t->get("/$_.md") for qw(p1 p2 p3);

ok(kill_workers(keys %holders), 'pins in files: the holders killed');
close $_ for @readers;

ok(kept('/q1.md') && kept('/q2.md'),
    'pins in files of a killed worker: new pages kept in files');

my @stale = grep { my $c = $_; grep { $c eq $_ } values %old }
    values %{ { $t->page_files() } };
is(scalar @stale, 0, 'pins in files of a killed worker: their files deleted');

my %want = map { $_ => $t->get("/$_.md")->{body} } qw(p1 p2 p3 q1 q2);
my %files = $t->page_files();
my @unowned = grep { my $c = $_; !grep { $c eq $_ } values %want }
    values %files;
ok(keys %files <= 3 && !@unowned,
    'pins in files: every page file left is a page of the zone ('
    . scalar(keys %files) . ')');

# pins of a worker killed while it sends pages from the zone: the zone is
# full of them, and they are evicted as any other once their holder died

for my $name (qw(m1 m2 m3)) {
    $t->get("/mem/$name.md");
}

(@readers, %holders) = ();

for my $name (qw(m1 m2 m3)) {
    next unless cache_status($t->get("/mem/$name.md")) eq 'HIT';
    my ($s, $head) = $t->slow_reader("/mem/$name.md", hit => 1);
    my ($pid) = $head =~ /^X-Pid: (\d+)/mi;
    push @readers, $s;
    $holders{$pid} = 1;
}

ok(@readers && kill_workers(keys %holders),
    'pins in the zone: the holders killed (' . scalar(@readers) . ')');
close $_ for @readers;

ok(kept('/mem/q1.md') && kept('/mem/q2.md')
    && 10 == grep({ kept("/mem/s$_.md") } 1 .. 10),
    'pins in the zone of a killed worker: new pages kept');

# a mark of a worker killed while it renders: a request for the page
# renders it at once, rather than waiting for the dead worker (the
# timeout is 60 s, the client's patience 10 s)

unlink $t->path('renderer');
my $slow = $t->start_get('/slow/x.md');
my $renderer;
wait_until(sub {
    -s $t->path('renderer')
        and ($renderer) = $t->read_file('renderer') =~ /(\d+)/;
});

ok($renderer && kill_workers($renderer), 'a mark: the renderer killed');
close $slow;

my $r = $t->get('/x.md');
is($r->{status} . ' ' . cache_status($r), '200 MISS',
    'a mark of a killed worker: the page rendered at once');
is(cache_status($t->get('/x.md')), 'HIT',
    'a mark of a killed worker: then kept');

# a mark held by the codings task of a worker killed after it wrote the
# page file: the next request renders at once, and the file of the dead
# task is deleted

$t->write_file('site/k.md.filed', '');
$r = $t->get('/c/k.md');
my $writer = $r->{headers}{'x-pid'};
my $written = wait_until(sub { scalar keys %{ { $t->page_files() } } });

ok($written && kill_workers($writer), 'a mark of a task: the writer killed'
    . ' after writing its page file');
unlink $t->path('site/k.md.filed');

$r = $t->get('/c/k.md');
is($r->{status} . ' ' . cache_status($r), '200 MISS',
    'a mark of a killed task: the page rendered at once');

wait_until(sub { cache_status($t->get('/c/k.md')) eq 'HIT' });
my $k = $t->get('/c/k.md')->{body};
my @k = grep { index($_, $k) == 0 } values %{ { $t->page_files() } };
is(scalar @k, 1, 'a mark of a killed task: its page file deleted');

###############################################################################
