#!/usr/bin/perl

# A page file directory on a file system that is really full: a tmpfs
# of 64 KB mounted on it (as root, where mount is permitted; skipped
# otherwise, and t/page-files-full.t makes the same faults through the
# test build).  A page larger than the room left is sent whole, and no
# partial file is left; one that fits is kept in its file, which ends
# the fault episode.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status);

plan(skip_all => 'must be root, to mount a file system') unless $> == 0;

my $t = ArticleRender::Test->new();
my $pages = $t->path('pages');

mkdir $pages, 0755 or die "mkdir $pages: $!\n";

my $out = `mount -t tmpfs -o size=64k,mode=0755 tmpfs $pages 2>&1`;
plan(skip_all => "mount not permitted: $out") if $?;

my $mounted = 1;

END {
    if ($mounted) {
        $t->stop() if $t;
        system('umount', $pages) == 0 or system('umount', '-l', $pages);
    }
}

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

# pages of about 100 KB (no room) and 45 KB (room)

$t->write_file('site/big.md', $t->article_text('big', 2000));
$t->write_file('site/mid.md', $t->article_text('mid', 900));

my $full = qr/\(\d+: No space left on device\)/;
$t->allow_alerts(qr/\[crit\] .* write\(\) ".*" failed, article ".*", directory/
    . qr/ ".*": .* $full/);

$t->plan(5)->run();

sub page_files {
    my %files;

    opendir my $d, $pages or return %files;

    for my $name (grep { /^\d{10}$/ } readdir $d) {
        $files{$name} = $t->read_file("pages/$name");
    }

    return %files;
}

sub whole {
    my ($r, $name, $n) = @_;
    return $r->{status} == 200
        && $r->{body} =~ /Paragraph $n of $name, <em>with<\/em> some text/
        && $r->{body} =~ m{</html>\s*$};
}

###############################################################################

my $big = $t->get('/big.md');

ok(whole($big, 'big', 2000), 'a full disk: the article sent whole');
is(scalar keys %{ { page_files() } }, 0, 'a full disk: no partial file left');

my @crit = grep { /\[crit\].*No space left on device/ }
    split /\n/, $t->error_log();
ok(@crit == 1 && $crit[0] =~ m{article "[^"]*/site/big\.md"}
    && $crit[0] =~ m{directory "[^"]*/pages"},
    'a full disk: one crit line, with article and directory');

$t->get('/mid.md');
my $mid = $t->get('/mid.md');
my @files = values %{ { page_files() } };

ok(cache_status($mid) eq 'HIT' && @files == 1 && $files[0] eq $mid->{body}
    && whole($mid, 'mid', 900), 'a page that fits: kept in its file');
like($t->error_log(), qr/\[notice\].*page files in ".*pages" are written/,
    'a page that fits: the episode ends');

###############################################################################
