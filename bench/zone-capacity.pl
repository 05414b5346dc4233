#!/usr/bin/perl

# How many pages a render cache zone holds, measured.  For each article
# size, a zone of its own is filled twice over with more pages than fit,
# then the pages are asked for newest first: those answered HIT before
# the first MISS are the ones the zone held.  Prints them, the zone bytes
# each one cost, and the estimate of docs/operations.md (whole 4 KiB
# slab pages for entry header, path and page, plus a 24-byte page
# descriptor each).
#
#     perl bench/zone-capacity.pl [ZONE_SIZE_IN_KB]      (default 1024)
#
# Uses the test harness (t/lib) and the built module; loopback only.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/../t/lib";

use POSIX qw(ceil);
use ArticleRender::Test;

my $zone_kb = shift || 1024;

# offsetof(ngx_http_article_render_entry_t, data) on x86_64

my $HEADER = 168;
my $PAGE = 4096;
my $DESCRIPTOR = 24;

# article bodies of about these sizes; the page adds the template

my @sizes = (100, 1500, 3500, 8000, 30000);
my %pages;

my $t = ArticleRender::Test->new();

for my $size (@sizes) {
    my $n = ceil($zone_kb * 1024 / ($size + 4096)) * 2 + 10;

    for my $i (1 .. $n) {
        $t->write_file("site/s$size/p$i.md",
            "# Page $i\n\n" . ('x' x ($size - 20)) . "\n");
    }

    $pages{$size} = [ 1 .. $n ];
}

my $zones = join "\n    ", map {
    "article_render_cache_zone s$_:${zone_kb}k max_entry=1m;" } @sizes;

my $locations = join "\n", map { <<"END" } @sizes;
        location /s$_/ {
            article_render_cache s$_;
        }
END

$t->config(<<"END");
http {
    %%TEST_GLOBALS_HTTP%%

    access_log off;

    $zones

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        add_header X-Cache \$article_render_cache always;

$locations
    }
}
END

$t->run();

# the pages of a location still in its zone, newest first

sub held {
    my ($prefix, $size) = @_;

    my $held = 0;

    for my $i (reverse @{ $pages{$size} }) {
        my $r = $t->get("$prefix/s$size/p$i.md");
        last unless ($r->{headers}{'x-cache'} || '') eq 'HIT';
        $held++;
    }

    return $held;
}

printf "zone %d KiB\n\n", $zone_kb;
printf "%8s %8s %8s %12s %12s\n", 'body', 'page', 'held', 'bytes/page',
    'estimate';

for my $size (@sizes) {
    my $len;

    for my $i (@{ $pages{$size} }, @{ $pages{$size} }) {
        $len = length $t->get("/s$size/p$i.md")->{body};
    }

    my $held = held('', $size);

    my $need = $HEADER + length($t->path("site/s$size/p1.md")) + $len;
    my $estimate = $need > $PAGE / 2
        ? ceil($need / $PAGE) * ($PAGE + $DESCRIPTOR)
        : 2 ** ceil(log($need) / log(2));

    printf "%8d %8d %8d %12d %12d\n", $size, $len, $held,
        $held ? $zone_kb * 1024 / $held : 0, $estimate;
}

$t->stop();
