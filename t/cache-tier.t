#!/usr/bin/perl

# conf.example/cache-tier.conf, the shared HTTP cache tier, working: one
# nginx runs it (addresses and times put in for loopback) in front of
# two origin servers with the module, each with its own render cache
# zone.  The tier keeps pages and Markdown sources apart (Vary: Accept),
# revalidates with the module's validators (304 from the origin while
# the article is unchanged) and takes an edited page (200) when the time
# it keeps responses has passed.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use IO::Socket::INET;
use Test::More;
use Time::HiRes qw(sleep);
use ArticleRender::Test;

my $t = ArticleRender::Test->new();

my $example = "$FindBin::Bin/../conf.example/cache-tier.conf";

open my $fh, '<', $example or die "$example: $!\n";
my $tier = do { local $/; <$fh> };
close $fh;

# two more free loopback ports, for the origins

my @origin = map {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
        Listen => 1, ReuseAddr => 1) or die "no free port: $@\n";
    $s;
} 1 .. 2;

my @port = map { $_->sockport() } @origin;
close $_ for @origin;

# what changes from the example: addresses, the cache directory, and a
# time to keep responses of one second instead of five

my @edits = (
    [ 'listen 80;', 'listen 127.0.0.1:' . $t->port() . ';' ],
    [ 'server 192.0.2.11:80;', "server 127.0.0.1:$port[0];" ],
    [ 'server 192.0.2.12:80;', "server 127.0.0.1:$port[1];" ],
    [ '/var/cache/nginx/articles', $t->testdir() . '/tier_cache' ],
    [ 'proxy_cache_valid 200 301 302 5s;',
      'proxy_cache_valid 200 301 302 1s;' ],
);

my $edited = 0;

for my $e (@edits) {
    my ($from, $to) = @$e;
    $edited++ if $tier =~ s/\Q$from\E/$to/;
}

$t->write_file('tier.conf', $tier);

for my $i (1 .. 3) {
    $t->write_file("site/a$i.md", "# Article $i\n\nFirst version.\n");
}

$t->config(<<"EOF");
http {
    %%TEST_GLOBALS_HTTP%%

    log_format origin '\$server_port \$request_method \$uri \$status '
                      '"\$http_if_none_match" \$article_render_cache';

    include %%TESTDIR%%/tier.conf;

    article_render_cache_zone origin1:1m;
    article_render_cache_zone origin2:1m;

    server {
        listen 127.0.0.1:$port[0];
        root %%TESTDIR%%/site;
        access_log %%TESTDIR%%/origin.log origin;

        article_render on;
        article_render_cache origin1;
    }

    server {
        listen 127.0.0.1:$port[1];
        root %%TESTDIR%%/site;
        access_log %%TESTDIR%%/origin.log origin;

        article_render on;
        article_render_cache origin2;
    }
}
EOF

$t->plan(17);

is($edited, scalar @edits, 'every line the test changes is in the example');

my ($ok, $out) = $t->test_config();

ok($ok, 'the example passes nginx -t') or diag($out);

$t->run();

sub origin_log {
    return split /\n/, $t->read_file('origin.log');
}

sub tier {
    my ($uri, %headers) = @_;

    my $r = $t->get($uri, Host => 'example.org', %headers);

    return ($r->{headers}{'x-cache-status'} || 'none', $r);
}

# pages: the first request goes to an origin, the next is the tier's

my ($s, $r) = tier('/a1.md');

ok($s eq 'MISS' && $r->{body} =~ m{<h1 id="article-1">Article 1<a },
    'first request: MISS at the tier, the page from an origin');
is(scalar(origin_log()), 1, 'the origin saw that request');

($s, $r) = tier('/a1.md');

ok($s eq 'HIT' && $r->{body} =~ m{<h1 id="article-1">Article 1<a },
    'second request: HIT at the tier');
is(scalar(origin_log()), 1, 'the origin did not see it');

# the Markdown source is another variant of the URL

($s, $r) = tier('/a1.md', Accept => 'text/markdown');

ok($s eq 'MISS' && $r->{body} eq "# Article 1\n\nFirst version.\n"
    && $r->{headers}{'content-type'} eq 'text/markdown; charset=utf-8',
    'Accept text/markdown: a MISS, the source from the origin');

($s, $r) = tier('/a1.md', Accept => 'text/markdown');

is($s, 'HIT', 'the source is kept too');

($s, $r) = tier('/a1.md');

ok($s eq 'HIT' && $r->{body} =~ m{<h1 id="article-1">Article 1<a },
    'the page is still a HIT, kept apart from the source');

# each URL always meets the same origin

tier("/a$_.md") for 2, 3;
tier("/a$_.md", Accept => 'text/markdown') for 1 .. 3;

my %ports;

for (origin_log()) {
    my ($port, $uri) = (split / /)[0, 2];
    $ports{$uri}{$port} = 1;
}

ok(!grep({ keys %$_ != 1 } values %ports),
    'every URL went to one origin only');

# after the time to keep: revalidation with the module's validators

sleep(2.2);

my $before = () = origin_log();

($s, $r) = tier('/a1.md');

ok($s eq 'REVALIDATED' && $r->{body} =~ m{<h1 id="article-1">Article 1<a },
    'unchanged article after the time to keep: REVALIDATED');

my @new = (origin_log())[$before .. scalar(origin_log()) - 1];

is(scalar @new, 1, 'one request went to the origin');

# (the access log writes a quote as \x22)

like($new[0] || '', qr{\ GET\ /a1\.md\ 304
    \ "\\x22 [0-9a-f]+ \. [0-9a-f]+ - [0-9a-f]+ - [0-9a-f]{8} \\x22"\ HIT$}x,
    'it carried the page\'s ETag and got 304 from the render cache');

# an edit: the tier takes the new page once the time has passed

$t->write_file('site/a1.md', "# Article 1\n\nSecond version.\n");

($s, $r) = tier('/a1.md');

ok($s eq 'HIT' && $r->{body} =~ /First version/,
    'right after an edit the tier serves what it keeps');

sleep(2.2);

($s, $r) = tier('/a1.md');

ok($s eq 'EXPIRED' && $r->{body} =~ /Second version/,
    'after the time to keep: the edited page (EXPIRED at the tier)');

($s, $r) = tier('/a1.md', Accept => 'text/markdown');

ok($s eq 'EXPIRED' && $r->{body} =~ /Second version/,
    'and the edited source');

($s, $r) = tier('/a1.md');

ok($s eq 'HIT' && $r->{body} =~ /Second version/,
    'the edited page is kept at the tier');
