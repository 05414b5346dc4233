#!/usr/bin/perl

# A reload that changes a zone's size makes a new zone: the old zone's
# page files (those its workers still send, and the one an old worker's
# render writes after the reload) are deleted once the old workers have
# exited, and every page file left is then a page the new zone keeps.
# The old workers are kept up by a slow reader and by a codings task
# held through the test build (".hold"), never by timing.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status wait_until);

my $t = ArticleRender::Test->new(workers => 2);

plan(skip_all => 'no test hooks') unless $t->has_test_hooks();

my $conf = <<'EOF';
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_cache_zone files:SIZE max_entry=600k
                              path=%%TESTDIR%%/pages;

    server {
        listen 127.0.0.1:%%PORT%% sndbuf=4k;
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

sub configure {
    my ($size) = @_;
    (my $c = $conf) =~ s/SIZE/$size/;
    $t->config($c);
}

# about 100 KB of page: over the 32 KB from which pages go to files

$t->write_file("site/$_.md", $t->article_text($_, 2000)) for qw(p1 p2 p3 p4 k);
$t->write_file("site/s$_.md", "# Small $_\n\nA short article.\n") for 1 .. 9;

configure('1m');

$t->plan(7)->run();

sub read_rest {
    my ($s) = @_;

    my $body = '';

    while (1) {
        my $n = sysread($s, my $buf, 65536);
        last unless $n;
        $body .= $buf;
    }

    close $s;

    return $body;
}

###############################################################################

# the old zone: three pages in files, one of them being sent, and a
# render whose codings task (and page file) waits

my %old;

for my $name (qw(p1 p2 p3)) {
    $t->get("/$name.md");
    $old{$name} = $t->get("/$name.md")->{body};
}

my ($reader) = $t->slow_reader('/p1.md');

$t->write_file('site/k.md.hold', '');
my $r = $t->get('/c/k.md');

ok(keys %{ { $t->page_files() } } == 3 && $r->{status} == 200,
    'old zone: three page files, one being sent, a render held');

# load of large pages throughout: every answer a 200

my $stop = $t->path('stop');

my $load = ArticleRender::Test::fork_child(sub {
    my $bad = 0;

    until (-e $stop) {
        for my $name (qw(p1 p2 p3 p4)) {
            my $a = $t->get("/$name.md");
            $bad++ unless $a->{status} == 200
                && $a->{body} =~ /Paragraph 2000 of $name,/;
        }
    }

    $t->write_file('load.bad', $bad);
});

# the reload: a new size, so a new zone

my @old = $t->worker_pids();

configure('2m');
kill 'HUP', $t->{pid} or die "cannot signal nginx: $!\n";

ok(wait_until(sub {
    my %was = map { $_ => 1 } @old;
    2 == grep { !$was{$_} } $t->worker_pids();
}), 'reload: new workers while the old ones send and render');

# the new zone keeps its own files meanwhile

$t->get("/$_.md") for qw(p1 p2 p3 p4);

# the old workers finish: the reader gets its page, the held render
# writes its page file into the old zone

my $body = read_rest($reader);
unlink $t->path('site/k.md.hold');

is($body, $old{p1}, 'a page sent from an old zone\'s file across the reload'
    . ' is whole');

ok(wait_until(sub { !grep { ArticleRender::Test::alive($_) } @old }, 30),
    'the old workers exited');

$t->write_file('stop', '');
waitpid($load, 0);
is($t->read_file('load.bad'), '0', 'under load: every answer a whole 200');

# what the new zone keeps: its pages in files; the old zone's files go
# at a write of the new zone once the old workers are gone

my (%want, %files, @unowned);

wait_until(sub {
    %want = map { $_ => $t->get("/$_.md")->{body} } qw(p1 p2 p3 p4);
    %files = $t->page_files();
    @unowned = grep { my $c = $_; !grep { $c eq $_ } values %want }
        values %files;
    keys %files == 4 && !@unowned;
});

is(scalar(keys %files) . ' ' . scalar(@unowned), '4 0',
    'after the old workers: the page files are the new zone\'s 4 pages');

my $hit = $t->get('/p1.md');
ok(cache_status($hit) eq 'HIT' && grep({ $_ eq $hit->{body} } values %files),
    'the new zone still sends its page from its file');

###############################################################################
