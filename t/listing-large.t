#!/usr/bin/perl

# A directory of 10,000 articles: its index, feed and sitemap are made
# within the default time budget (a 200, not a 500 or a 503; the budget
# scaled by the harness's slowness factor under the sanitizers), list what
# they promise (the newest 1,000 and how many more; the newest 50; all
# 10,000), are then kept (a hit), and an article edited in place shows
# within a second.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status);

my $N = 10_000;

my $t = ArticleRender::Test->new();

# the default budget, as many times longer as nginx runs slower here

my $budget = 5 * ArticleRender::Test::slow();

(my $conf = <<'EOF') =~ s/%%BUDGET%%/${budget}s/;
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_index on;
        article_render_feed feed.atom;
        article_render_sitemap sitemap.xml;
        add_header X-Cache $article_render_cache always;
        article_render_timeout %%BUDGET%%;
    }
}
EOF

$t->config($conf);

# a date each, one day apart: article 0 is the oldest

for my $i (0 .. $N - 1) {
    my @d = gmtime(1_000_000_000 + 86400 * $i);
    my $date = sprintf '%04d-%02d-%02d', $d[5] + 1900, $d[4] + 1, $d[3];

    $t->write_file(sprintf('site/many/a%05d.md', $i),
        "---\ntitle: Article $i\ndate: $date\n---\n\n"
        . "The text of article number $i, of a few words.\n");
}

$t->plan(11)->run();

my $r = $t->get('/many/');
is($r->{status}, 200, 'index: made within the time budget');
is(scalar(() = $r->{body} =~ /href="a\d{5}\.md"/g), 1000,
    'index: 1,000 listed');
like($r->{body}, qr/\b9,?000\b/, 'index: and says how many more');
like($r->{body}, qr/href="a09999\.md".*href="a09998\.md"/s,
    'index: newest first');
unlike($r->{body}, qr/href="a08999\.md"/, 'index: not the older ones');

$r = $t->get('/many/feed.atom');
is(scalar(() = $r->{body} =~ /<entry>/g), 50, 'feed: the newest 50');
like($r->{body}, qr{a09999\.md.*a09950\.md}s, 'feed: newest first');

$r = $t->get('/many/sitemap.xml');
is(scalar(() = $r->{body} =~ m{<url>}g), $N, 'sitemap: every article');

ok($t->hit_within(3, '/many/'), 'index: then a hit');

$t->write_file('site/many/a05000.md',
    "---\ntitle: Dated anew\ndate: 2001-01-01\n---\n\nText.\n");

ok(ArticleRender::Test::wait_until(sub {
        $t->get('/many/sitemap.xml')->{body}
            =~ m{a05000\.md</loc>\s*<lastmod>2001-01-01} }, 5),
    'sitemap: an edited date within a second');

$t->stop();

is(scalar(() = $t->error_log() =~ /\[(alert|crit|emerg|error)\]/g), 0,
    'no error');
