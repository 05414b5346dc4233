#!/usr/bin/perl

# The render cache across "nginx -s reload": a zone whose name and size
# are unchanged keeps its pages, and a changed rendering configuration
# is never answered from pages rendered under the old one.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status);

my $t = ArticleRender::Test->new();

my $conf = <<'EOF';
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_cache_zone pages:1m;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;

        article_render on;
        article_render_cache pages;
        article_render_template %%TESTDIR%%/page.html;
    }
}
EOF

$t->write_file('page.html', "<p>first template</p>\n{{content}}\n");
$t->write_file('site/a.md', "# A\n");
$t->config($conf);

$t->plan(8)->run();

sub status_and_body {
    my $r = $t->get('/a.md');
    return (cache_status($r), $r->{body});
}

my ($status, $body) = status_and_body();
is($status, 'MISS', 'first request is a miss');
($status) = status_and_body();
is($status, 'HIT', 'second request is a hit');

$t->reload();

($status, $body) = status_and_body();
is($status, 'HIT', 'reload with nothing changed keeps the page');
like($body, qr/first template/, 'kept page has the first template');

$t->write_file('page.html', "<p>second template</p>\n{{content}}\n");
$t->reload();

($status, $body) = status_and_body();
is($status, 'MISS', 'reload with a new template does not serve old pages');
like($body, qr/second template/, 'the page has the new template');

# a new size is a new zone, as nginx makes it: no crash, fresh pages

$conf =~ s/pages:1m/pages:2m/;
$t->config($conf);
$t->reload();

($status, $body) = status_and_body();
is($status, 'MISS', 'a resized zone starts empty');
like($body, qr/second template/, 'resized zone serves the page');
