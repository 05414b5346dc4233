#!/usr/bin/perl

# Articles over HTTP/2 (h2c with prior knowledge, curl as the client) and
# as an SSI include: a render in the thread pool and a hit from the zone
# both reach the client whole.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status);

my $t = ArticleRender::Test->new()
    ->skip_without_modules(qw(http_v2 http_ssi));

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%% http2;
        root %%TESTDIR%%/site;

        article_render on;
        add_header X-Cache $article_render_cache always;

        location /ssi/ {
            ssi on;
        }
    }
}
EOF

plan(skip_all => 'curl is not installed')
    unless system('curl --version >/dev/null 2>&1') == 0;

my $big = "# Big\n\n" . join('', map { "Paragraph $_.\n\n" } 1 .. 3000);

$t->write_file('site/a.md', "# Over two\n\nA *page*.\n");
$t->write_file('site/big.md', $big);
$t->write_file('site/inc.md', "# Included\n\nfrom an include\n");
$t->write_file('site/ssi/page.html',
    "<p>before</p>\n<!--# include virtual=\"/inc.md\" -->\n<p>after</p>\n");

$t->plan(7)->run();

sub h2 {
    my ($uri) = @_;

    my $port = $t->port();
    my $out = `curl -s --http2-prior-knowledge -D - http://127.0.0.1:$port$uri`;
    my ($head, $body) = split /\r\n\r\n/, $out, 2;

    return { head => $head // '', body => $body // '' };
}

my $miss = h2('/a.md');
like($miss->{head}, qr{^HTTP/2 200}, 'HTTP/2: a render is answered');
like($miss->{body}, qr{<em>page</em>}, 'HTTP/2: with the page');

my $hit = h2('/a.md');
ok($hit->{head} =~ /x-cache: HIT/i && $hit->{body} eq $miss->{body},
    'HTTP/2: a hit is the same page');

h2('/big.md');
h2('/big.md');
like(h2('/big.md')->{body}, qr/Paragraph 3000\./,
    'HTTP/2: a large page is whole');

my $r = h2('/ssi/page.html');
like($r->{body}, qr{<p>before</p>.*from an include.*<p>after</p>}s,
    'SSI: a rendered article is included');
like(h2('/ssi/page.html')->{body}, qr{from an include.*<p>after</p>}s,
    'SSI: a cached article is included');
like(h2('/inc.md')->{body}, qr/from an include/,
    'the included article is a page of its own');
