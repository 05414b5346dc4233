#!/usr/bin/perl

# Binary upgrade: USR2 to the master starts a new one beside it, then
# QUIT to the old master leaves the new one alone.  The cache zone's
# pages, in memory and in files (path=), stay valid throughout, and a
# client asking all along gets every page whole.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes qw(sleep);
use ArticleRender::Test qw(cache_status wait_until fork_child);

my $t = ArticleRender::Test->new(daemon => 1);

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_cache_zone pages:1m max_entry=600k
                              path=%%TESTDIR%%/pages;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;

        article_render on;
        article_render_cache pages;
    }
}
EOF

# the big article's page (about 100 KB) goes to a file, the small one's
# stays in the zone

$t->write_file('site/small.md', "# Small\n\nA page in the zone.\n");
$t->write_file('site/big.md', "# Big\n\n"
    . join('', map { "Paragraph $_, *with* some text.\n\n" } 1 .. 3000));

$t->plan(12)->run();

my %page;

for my $name (qw(small big)) {
    $t->get("/$name.md");
    my $r = $t->get("/$name.md");
    $page{$name} = $r->{body};
}

ok(length $page{small} && length $page{big} > 65536,
    'both pages rendered before the upgrade');
ok(scalar(() = glob $t->path('pages/*')), 'the big page is in a file');

# a client asking all along: each answer must be 200 and the whole page

my $tally = $t->path('client.tally');
my $parent = $$;

my $client = fork_child(sub {
    my ($good, $bad, $stop) = (0, 0, 0);

    $SIG{TERM} = sub { $stop = 1 };

    # killed when the test file exits; stops by itself if its parent is gone

    until ($stop || getppid() != $parent) {
        for my $name (qw(small big)) {
            my $r = $t->get("/$name.md");

            if ($r->{status} == 200 && $r->{body} eq $page{$name}) {
                $good++;
            } elsif (!$stop) {
                $bad++;
            }
        }
    }

    open my $fh, '>', $tally or die "cannot write $tally: $!\n";
    print $fh "$good $bad\n";
    close $fh;
});

my $old = $t->binary_upgrade();
my $new = $t->master_pid();

ok(kill(0, $old) && $new != $old, 'USR2: a new master beside the old one');

my @r = map { $t->get("/$_.md") } qw(small big small big);

ok(!grep({ $_->{status} != 200 } @r)
    && $r[0]{body} eq $page{small} && $r[1]{body} eq $page{big}
    && $r[2]{body} eq $page{small} && $r[3]{body} eq $page{big},
    'both masters running: the pages whole');

$t->quit_master($old);

ok(!ArticleRender::Test::alive($old), 'QUIT: the old master exited');

my $small = $t->get('/small.md');
my $big = $t->get('/big.md');

is($small->{body}, $page{small}, 'after the old master left: small page'
    . ' whole');
is($big->{body}, $page{big}, 'after the old master left: big page whole');

$small = $t->get('/small.md');
$big = $t->get('/big.md');

is(cache_status($small) . ' ' . cache_status($big), 'HIT HIT',
    'the new master serves both from its zone');
is($big->{body}, $page{big}, 'the big page from its file, whole');

# the client saw no failure

kill 'TERM', $client;
waitpid($client, 0);

my ($good, $bad) = split ' ', $t->read_file('client.tally') || '0 -1';

ok($good > 0, "the client was answered all along ($good answers)");
is($bad, 0, 'the client got no error and no torn page');

unlike($t->error_log(), qr/\[error\]/, 'no error logged during the upgrade');
