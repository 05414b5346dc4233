#!/usr/bin/perl

# Feeds and sitemaps against many Hosts: 1,000 Hosts asking for a feed
# leave the warm articles of a 1 MB zone cached (none rendered again),
# cost no scan of the directory each (what was read is taken again,
# whatever the Host), and each is sent its own URLs; the server's own
# name is kept, as are feeds under server_name_in_redirect or
# article_render_base_url, once for every Host; and the directive's
# invalid values.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes ();
use ArticleRender::Test qw(cache_status);

my $N = 40;
my $HOSTS = 1000;

my $t = ArticleRender::Test->new();

unless ($t->has_test_hooks()) {
    plan skip_all => 'the module is not a test build';
}

my $must = 'it must be an http or https URL without query, or "off"';

my @bad = (
    [ 'article_render_base_url ftp://example.com;', $must ],
    [ 'article_render_base_url example.com;', $must ],
    [ 'article_render_base_url https://;', $must ],
    [ 'article_render_base_url https://example.com/?q;', $must ],
    [ 'article_render_base_url https://a.example; '
      . 'article_render_base_url https://b.example;', 'is duplicate' ],
);

$t->plan(2 * @bad + 16);

$t->bad_directive(@$_) for @bad;

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    log_format counts '$article_render_test_renders '
                      '$article_render_test_scans $uri';
    access_log %%TESTDIR%%/counts.log counts;

    article_render_cache_zone small:1m;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name site.example www.site.example;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_cache small;
        article_render_feed feed.atom;
        article_render_sitemap sitemap.xml;
        add_header X-Cache $article_render_cache always;

        location /based/ {
            alias %%TESTDIR%%/site/blog/;
            article_render_base_url https://www.example.org/prefix/;
        }

        location /named/ {
            alias %%TESTDIR%%/site/blog/;
            server_name_in_redirect on;
        }
    }
}
EOF

for my $i (0 .. $N - 1) {
    $t->write_file(sprintf('site/blog/a%02d.md', $i),
        sprintf("---\ntitle: Article %d\ndate: 2024-01-%02d\n---\n\n", $i,
            1 + $i % 28)
        . ("Some words of the article, for a page of a few KB. " x 40)
        . "\n");
}

$t->run();

my $port = $t->port();

# warm articles

$t->get(sprintf('/blog/a%02d.md', $_)) for 0 .. $N - 1;
my $warm = grep { cache_status($t->get(sprintf('/blog/a%02d.md', $_)))
    eq 'HIT' } 0 .. $N - 1;
is($warm, $N, 'articles warm');

my $renders = article_renders();

# 1,000 Hosts

my $before = scans();
my $start = Time::HiRes::time();
my ($own, $status) = (0, 0);

for my $i (1 .. $HOSTS) {
    my $r = $t->get('/blog/feed.atom', Host => "h$i.example");
    $status++ if $r->{status} == 200;
    $own++ if $r->{body} =~ m{<id>http://h$i\.example:$port/blog/</id>}
        && $r->{body} !~ m{h(?!$i\.)\d+\.example};
}

my $elapsed = Time::HiRes::time() - $start;
my $scans = scans() - $before;

is($status, $HOSTS, '1,000 Hosts: each sent its feed');
is($own, $HOSTS, '1,000 Hosts: each its own URLs, no other\'s');
ok($scans <= 2 + $elapsed,
    "1,000 Hosts: the directory read at most once a second "
    . "($scans scans in " . sprintf('%.1f', $elapsed) . ' s)');

$warm = grep { cache_status($t->get(sprintf('/blog/a%02d.md', $_)))
    eq 'HIT' } 0 .. $N - 1;
is($warm, $N, '1,000 Hosts: every warm article still cached');
is(article_renders() - $renders, 0, '1,000 Hosts: no article rendered');

# the server's own names are kept

$t->get('/blog/feed.atom', Host => 'site.example');
ok($t->hit_within(3, '/blog/feed.atom', Host => 'site.example'),
    'the server\'s first name: kept');
$t->get('/blog/feed.atom', Host => 'www.site.example');
ok($t->hit_within(3, '/blog/feed.atom', Host => 'www.site.example'),
    'another of its names: kept');
like($t->get('/blog/feed.atom', Host => 'www.site.example')->{body},
    qr{<id>http://www\.site\.example:$port/blog/</id>},
    'another of its names: its own URLs');

# article_render_base_url: one feed for every Host

my $r = $t->get('/based/feed.atom', Host => 'a.example');
like($r->{body},
    qr{<link href="https://www\.example\.org/prefix/based/a00\.md"/>},
    'base_url: the links below it');
like($r->{body}, qr{<author><name>www\.example\.org</name></author>},
    'base_url: the author its host');
unlike($r->{body}, qr{a\.example}, 'base_url: nothing of the Host');
ok($t->hit_within(3, '/based/feed.atom', Host => 'b.example'),
    'base_url: kept once for every Host');
like($t->get('/based/sitemap.xml', Host => 'c.example')->{body},
    qr{<loc>https://www\.example\.org/prefix/based/a00\.md</loc>},
    'base_url: the sitemap too');

# server_name_in_redirect: the same

$t->get('/named/feed.atom', Host => 'x.example');
$r = $t->get('/named/feed.atom', Host => 'y.example');
ok(cache_status($r) eq 'HIT'
    || $t->hit_within(3, '/named/feed.atom', Host => 'z.example'),
    'server_name_in_redirect: kept once for every Host');
like($r->{body}, qr{<link href="http://site\.example:$port/named/a00\.md"/>},
    'server_name_in_redirect: its links');

$t->stop();


# the renders of articles the requests so far ran

sub article_renders {
    my $n = 0;

    for (split /\n/, $t->read_file('counts.log')) {
        $n += $1 if /^(\d+) \d+ \S+\.md$/;
    }

    return $n;
}


# the directories the worker has scanned, as its last request logged

sub scans {
    my @lines = split /\n/, $t->read_file('counts.log');
    my ($n) = $lines[-1] =~ /^\d+ (\d+) /;
    return $n;
}
