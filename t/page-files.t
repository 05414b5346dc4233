#!/usr/bin/perl

# No page file outlives its node: a file that cannot be deleted (a
# read-only directory) keeps its node and is deleted once it can be,
# with one "crit" line for the episode that names the article and the
# directory; a page file that cannot be written is one such line too;
# the old master of a binary upgrade takes its zone's files with it.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status wait_until);

plan(skip_all => 'must be root, to run workers as another user')
    unless $> == 0;

my $t = ArticleRender::Test->new(user => 'nobody', daemon => 1);

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_cache_zone files:1m max_entry=600k
                              path=%%TESTDIR%%/pages;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;

        article_render on;
        article_render_cache files;
        article_render_compress off;
    }
}
EOF

# about 100 KB of page: over the 32 KB from which pages go to files

$t->write_file("site/$_.md", $t->article_text($_, 2000)) for qw(a b big);

for my $i (1 .. 50) {
    $t->write_file("site/s$i.md", "# Small $i\n\nA short article.\n");
}

$t->allow_alerts(qr/\[crit\].*failed, article ".*", directory ".*"/);

$t->plan(9)->run();

sub holding {
    my ($body) = @_;
    return scalar grep { $_ eq $body } values %{ { $t->page_files() } };
}

###############################################################################

# a read-only directory: the replaced page's file stays, and so does its
# node, until the directory can be written again

$t->get('/a.md');
my $old = $t->get('/a.md');
is(cache_status($old) . ' ' . holding($old->{body}), 'HIT 1',
    'a page in its file');

chmod 0555, $t->path('pages');

$t->write_file('site/a.md', $t->article_text('a', 2000) . "Edited.\n");
my $new = $t->get('/a.md');
$t->write_file('site/a.md', $t->article_text('a', 2000) . "Edited again.\n");
$t->get('/a.md');

is(holding($old->{body}), 1, 'read-only: the replaced page\'s file stays');

my @crit = $t->error_log() =~ /^.*\[crit\].*$/mg;
my @delete = grep { /unlink\(\)/ } @crit;
my @write = grep { /open\(\)/ } @crit;

ok(@delete == 1 && $delete[0] =~ m{site/a\.md"} && $delete[0] =~ m{pages"},
    'read-only: one crit line of a deletion, with article and directory');
ok(@write == 1 && $write[0] =~ m{site/a\.md"} && $write[0] =~ m{pages"},
    'read-only: one crit line of a write, with article and directory');

# writable again: a write of the zone (any page stored) deletes it, once
# its retry is due

chmod 0755, $t->path('pages');

my $i = 0;
ok(wait_until(sub {
    $i++;
    $t->get("/s$i.md") if $i <= 50;
    holding($old->{body}) == 0;
}), 'writable again: the file deleted');

like($t->error_log(), qr/\[notice\].*page files in ".*pages" are deleted again/,
    'writable again: the end of the episode is logged');

# a binary upgrade: the old master's zone's files go when it quits

my $big = $t->get('/big.md');
$t->get('/big.md');

my $upgraded = $t->binary_upgrade();
$t->quit_master($upgraded);

is(holding($big->{body}), 0, 'binary upgrade: the old zone\'s files deleted');

$t->get('/big.md');
my $r = $t->get('/big.md');
is(cache_status($r) . ' ' . holding($r->{body}), 'HIT 1',
    'binary upgrade: the new zone keeps its own file');

$t->stop();
is(scalar keys %{ { $t->page_files() } }, 0, 'stop: no page file left');

###############################################################################
