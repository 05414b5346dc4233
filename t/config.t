#!/usr/bin/perl

# Directives: invalid values rejected by nginx -t; every directive
# accepted in http, server and location and inherited downwards.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

my @bad = (
    [ 'article_render maybe;',
      'invalid value "maybe" in "article_render" directive, '
      . 'it must be "on" or "off"' ],
    [ 'article_render_unsafe;',
      'invalid number of arguments in "article_render_unsafe" directive' ],
    [ 'article_render_gfm tables;', 'invalid value "tables"' ],
    [ 'article_render_gfm off table;',
      '"off" cannot be combined with extensions in "article_render_gfm" '
      . 'directive' ],
    [ 'article_render_suffixes .md md/x;',
      'invalid value "md/x" in "article_render_suffixes" directive' ],
    [ 'article_render_suffixes "";',
      'invalid value "" in "article_render_suffixes" directive' ],
    [ "article_render_suffixes .md;\n        article_render_suffixes .txt;",
      '"article_render_suffixes" directive is duplicate' ],
    [ 'article_render_max_size 1q;',
      '"article_render_max_size" directive invalid value' ],
);

$t->plan(2 * @bad + 14);

$t->bad_directive(@$_) for @bad;

# inheritance from http and server, override in location

my $big = "# Big\n\n" . 'x' x 100 . "\n";
my $gfm = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~s~~ <u>raw</u>\n";

$t->write_file('site/big.txt', $big);
$t->write_file('site/gfm.txt', $gfm);
$t->write_file('site/gfm.md', $gfm);
$t->write_file('site/big.md', $big);
$t->write_file('default/a.md', "# A\n");

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    default_type text/plain;

    article_render on;
    article_render_suffixes .txt;
    article_render_gfm off;
    article_render_unsafe on;
    article_render_max_size 50;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name inherit;
        root %%TESTDIR%%/site;

        location / {
        }

        location /override/ {
            alias %%TESTDIR%%/site/;
            article_render_suffixes .md;
            article_render_gfm table;
            article_render_unsafe off;
            article_render_max_size 1m;
        }

        location /off/ {
            alias %%TESTDIR%%/site/;
            article_render off;
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name server;
        root %%TESTDIR%%/site;

        article_render_gfm strikethrough;

        location / {
        }
    }
}
EOF

my ($ok, $out) = $t->test_config();

ok($ok, 'every directive accepted in http, server and location')
    or diag($out);

$t->run();

my $r = $t->get('/gfm.txt', Host => 'inherit');

like(article_html($r->{body}), qr{<p>\| a \| b \|},
    'inherited from http: article_render on, .txt suffix, gfm off');
like(article_html($r->{body}), qr{~~s~~ <u>raw</u>},
    'inherited from http: article_render_unsafe on');
is($t->get('/gfm.md', Host => 'inherit')->{body}, $gfm,
    'inherited from http: .md no article with suffixes .txt');
is($t->get('/big.txt', Host => 'inherit')->{status}, 500,
    'inherited from http: article_render_max_size 50');

$r = $t->get('/override/gfm.md', Host => 'inherit');

like(article_html($r->{body}), qr{<table>}, 'location overrides gfm');
like(article_html($r->{body}), qr{~~s~~ raw</p>},
    'location overrides article_render_unsafe: off sanitizes');
is($t->get('/override/big.md', Host => 'inherit')->{status}, 200,
    'location overrides article_render_max_size');
is($t->get('/override/gfm.txt', Host => 'inherit')->{body}, $gfm,
    'location overrides article_render_suffixes');
is($t->get('/off/gfm.txt', Host => 'inherit')->{body}, $gfm,
    'location overrides article_render');

$r = $t->get('/gfm.txt', Host => 'server');

like(article_html($r->{body}), qr{<del>s</del>},
    'server level article_render_gfm strikethrough applies');
unlike(article_html($r->{body}), qr{<table>},
    'server level gfm list replaces the inherited one');

# article_render is off by default: a second nginx, whose end check is
# one of the tests planned above

my $t2 = ArticleRender::Test->new()->end_check('the second nginx');

$t2->write_file('a.md', "# A\n");
$t2->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    default_type text/plain;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%;
    }
}
EOF

$t2->run();

is($t2->get('/a.md')->{body}, "# A\n",
    'module loaded, no article_render: .md served raw');
