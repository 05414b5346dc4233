#!/usr/bin/perl

# A worker given the pid of one that died: kill() says the pid runs, so
# the holds the dead worker recorded under it would never lapse.  A
# worker starting lets go of every hold under its own pid.  The test
# build's AR_TEST_OWNER makes every worker record its holds under one
# pid, so that the worker the master starts in place of a killed one
# has the dead one's pid, as a reused pid would.  A pid given to a
# process that is no worker (a process of the test) is told apart by
# its start time.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status wait_until);

my $t = ArticleRender::Test->new();

plan(skip_all => 'no test hooks') unless $t->has_test_hooks();

my $http = <<'EOF';
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_cache_zone files:1m max_entry=600k
                              path=%%TESTDIR%%/pages;

    server {
        listen 127.0.0.1:%%PORT%% sndbuf=4k;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;
        add_header X-Pid $pid always;

        article_render on;
        article_render_cache files;
        article_render_compress off;
        article_render_timeout 60s;

        location /slow/ {
            alias %%TESTDIR%%/site/;
            article_render_test_delay 50s;
        }
    }
}
EOF

$t->main_conf("env AR_TEST_OWNER=999999;\n")->config($http);

$t->write_file('site/p.md', $t->article_text('p', 6000));
$t->write_file('site/q.md', $t->article_text('q', 6000));
$t->write_file('site/x.md', "# Slow\n\nRendered slowly in /slow/.\n");
# small articles whose stores make the zone look at its nodes: t for the
# first case, s for the second (an article already kept stores nothing)

for my $p (qw(s t)) {
    $t->write_file("site/$p$_.md", "# Small $p$_\n\nA short article.\n")
        for 1 .. 50;
}

$t->allow_alerts(qr/exited on signal 9/);

$t->plan(7)->run();

sub kill_worker {
    my ($pid) = @_;

    kill 'KILL', $pid;

    return wait_until(sub {
        my @now = $t->worker_pids();
        @now == 1 && $now[0] != $pid;
    });
}

###############################################################################

# a pin: the page is being sent from its file when it is replaced, so
# that its node waits for its reader, who dies with the worker

$t->get('/p.md');
my $old = $t->get('/p.md')->{body};

my ($reader) = $t->slow_reader('/p.md', hit => 1);

$t->write_file('site/p.md', $t->article_text('p', 6000) . "Edited.\n");
$t->get('/p.md');

ok(kill_worker($t->worker_pid()), 'a pin: its worker killed, another'
    . ' started with the same pid');
close $reader;

my $i = 0;
ok(wait_until(sub {
    $i++;
    $t->get("/t$i.md") if $i <= 50;
    !grep { $_ eq $old } values %{ { $t->page_files() } };
}), 'a pin under the new worker\'s own pid: let go, its page file deleted');

# a mark: the worker dies rendering; the next request renders at once
# rather than waiting for the mark, which its own pid would keep

unlink $t->path('renderer');
my $slow = $t->start_get('/slow/x.md');
my $renderer;
wait_until(sub {
    -s $t->path('renderer')
        and ($renderer) = $t->read_file('renderer') =~ /(\d+)/;
});

ok($renderer && kill_worker($renderer), 'a mark: the renderer killed');
close $slow;

my $r = $t->get('/x.md');
is($r->{status} . ' ' . cache_status($r), '200 MISS',
    'a mark under the new worker\'s own pid: the page rendered at once');
is(cache_status($t->get('/x.md')), 'HIT', 'a mark: then kept');

# a pin recorded under the pid of a process that runs, but is not the
# worker that pinned: the worker, started after that process, is killed,
# and the pin lapses by the start time

my $other = ArticleRender::Test::fork_child(sub { sleep 600 });

# /proc counts start times in clock ticks (USER_HZ, 100 a second): the
# worker starts some ticks after that process, as a process given a dead
# worker's pid starts after the worker

select(undef, undef, undef, 0.05);

sub reload_as {
    my ($owner) = @_;

    my @old = $t->worker_pids();

    $t->main_conf("env AR_TEST_OWNER=$owner;\n")->config($http);
    kill 'HUP', $t->{pid} or die "cannot signal nginx: $!\n";

    return wait_until(sub {
        my %was = map { $_ => 1 } @old;
        grep { !$was{$_} } $t->worker_pids();
    });
}

reload_as($other);
wait_until(sub { $t->worker_pids() == 1 });
my ($pinner) = $t->worker_pids();

$t->get('/q.md');
$old = $t->get('/q.md')->{body};

($reader) = $t->slow_reader('/q.md', hit => 1);

$t->write_file('site/q.md', $t->article_text('q', 6000) . "Edited.\n");
$t->get('/q.md');

ok(reload_as(999998) && kill_worker_gone($pinner),
    'a pin under a running process\'s pid: its worker killed');
close $reader;

$i = 0;
ok(wait_until(sub {
    $i++;
    $t->get("/s$i.md") if $i <= 50;
    !grep { $_ eq $old } values %{ { $t->page_files() } };
}), 'a pin under a pid that is another process\'s now: let go by its start'
    . ' time, its page file deleted');

sub kill_worker_gone {
    my ($pid) = @_;

    kill 'KILL', $pid;

    return wait_until(sub { !grep { $_ == $pid } $t->worker_pids() });
}

###############################################################################
