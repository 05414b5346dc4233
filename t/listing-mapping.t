#!/usr/bin/perl

# Listings under any URI mapping: the index, the feed and the sitemap
# through an exact alias to a file of the feed's name (no crash, URLs of
# the directory), a prefix alias, a regex alias, try_files and rewrite,
# and an index article's list at a rewritten URI;
# two locations that alias one directory each get their own links and
# title; and disable_symlinks (on, if_not_owner) applied to every
# directory a listing reads, as the static module applies it to a file.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status);

my $t = ArticleRender::Test->new();

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name map.example;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_index on;
        article_render_feed feed.atom;
        article_render_sitemap sitemap.xml;
        add_header X-Cache $article_render_cache always;

        location = /f {
            alias %%TESTDIR%%/site/feed.atom;
        }

        location = /sitemap-long-uri-name.xml {
            alias %%TESTDIR%%/site/blog/sitemap.xml;
        }

        location = /blogfeed {
            alias %%TESTDIR%%/site/blog/feed.atom;
        }

        location /aliased/ {
            alias %%TESTDIR%%/site/blog/;
        }

        location ~ ^/re/(.*)$ {
            alias %%TESTDIR%%/site/blog/$1;
        }

        location /tf/ {
            try_files $uri $uri/ =404;
        }

        location = /newest {
            rewrite ^ /tf/ last;
        }

        location /tfeed/ {
            try_files $uri /blog/feed.atom;
        }

        location = /latest.atom {
            rewrite ^ /blog/feed.atom last;
        }

        location /ia/ {
            index index.md;
        }

        location = /home {
            rewrite ^ /ia/index.md last;
        }

        location /c2/ {
            alias %%TESTDIR%%/site/c/;
        }

        location /sym/ {
            disable_symlinks on;
        }

        location /owner/ {
            disable_symlinks if_not_owner;
        }

        location /fromroot/ {
            root %%TESTDIR%%/linkroot;
            disable_symlinks on from=$document_root;
        }

        location /fromalias/ {
            alias %%TESTDIR%%/linkdir/;
            disable_symlinks on from=$document_root;
        }
    }
}
EOF

$t->write_file('site/top.md', "# Top article\n\nAt the root.\n");
$t->write_file('site/blog/first.md',
    "---\ntitle: First post\ndate: 2024-01-15\n---\n\nWords.\n");
$t->write_file('site/blog/deep/below.md', "# Below\n\nDeeper.\n");
$t->write_file('site/tf/a.md', "# A of tf\n");
$t->write_file('site/c/one.md', "# One of c\n");
$t->write_file('site/ia/index.md', "# Home\n\n{{articles}}\n");
$t->write_file('site/ia/x.md', "# X of ia\n");
$t->write_file('outside/secret.md', "# Outside the root\n\nPrivate.\n");
$t->write_file('site/sym/own.md', "# Its own\n");
$t->write_file('site/owner/own.md', "# Its own\n");
$t->write_file('site/links/own.md', "# Its own\n");
symlink $t->path('outside'), $t->path('site/sym/outdir');
symlink $t->path('outside'), $t->path('site/owner/outdir');
symlink $t->path('outside'), $t->path('site/links/outdir');
$t->write_file('site/fromroot/here.md', "# Here\n");
symlink $t->path('site'), $t->path('linkroot');
symlink $t->path('site/fromroot'), $t->path('linkdir');

# if_not_owner: the link is root's, what it points to another user's

my $chowned = $> == 0
    && chown((getpwnam('nobody'))[2], (getgrnam('nogroup'))[2] // 65534,
        $t->path('outside'), $t->path('outside/secret.md'));

$t->plan(44)->run();

my $port = $t->port();
my $origin = "http://map.example:$port";
my %host = (Host => 'map.example');

# an exact alias to the feed's name: the URI does not end with it

my $r = $t->get('/f', %host);
is($r->{status}, 200, 'exact alias to a feed: 200, not a dead worker');
like($r->{body}, qr{<link href="$origin/top\.md"/>},
    'exact alias: links to the directory\'s articles');
like($r->{body}, qr{<link rel="self" href="$origin/f"/>},
    'exact alias: its own URL is its URI');

$r = $t->get('/sitemap-long-uri-name.xml', %host);
like($r->{body}, qr{<loc>$origin/blog/first\.md</loc>},
    'exact alias, a long URI: the directory\'s URL below the root');
unlike($r->{body}, qr{sitemap-long}, 'exact alias: no part of its URI');

$r = $t->get('/blogfeed', %host);
like($r->{body}, qr{<link href="$origin/blog/first\.md"/>},
    'exact alias to a subdirectory\'s feed: its URL below the root');

# a prefix alias

$r = $t->get('/aliased/', %host);
like($r->{body}, qr{href="first\.md"}, 'prefix alias: index, relative');
like($r->{body}, qr{<h1>aliased</h1>}, 'prefix alias: index titled so');
like($t->get('/aliased/feed.atom', %host)->{body},
    qr{<link href="$origin/aliased/first\.md"/>},
    'prefix alias: feed links below the alias');
like($t->get('/aliased/sitemap.xml', %host)->{body},
    qr{<loc>$origin/aliased/deep/below\.md</loc>},
    'prefix alias: sitemap');

# a regex alias

$r = $t->get('/re/', %host);
like($r->{body}, qr{href="first\.md"}, 'regex alias: index, relative');
like($r->{body}, qr{<h1>re</h1>}, 'regex alias: index titled so');
like($t->get('/re/feed.atom', %host)->{body},
    qr{<link href="$origin/re/first\.md"/>}, 'regex alias: feed');
like($t->get('/re/sitemap.xml', %host)->{body},
    qr{<loc>$origin/re/first\.md</loc>}, 'regex alias: sitemap');

# try_files and rewrite: an index sent at another URI than its own
# links from its directory

like($t->get('/tf/', %host)->{body}, qr{href="a\.md"},
    'try_files $uri/: index at its own URI, relative links');

$r = $t->get('/newest', %host);
is($r->{status}, 200, 'rewrite to a directory: index');
like($r->{body}, qr{href="/tf/a\.md"},
    'rewrite to a directory: links from the directory, not the URI');

$r = $t->get('/tfeed/x', %host);
like($r->{body}, qr{<link href="$origin/blog/first\.md"/>},
    'try_files to a feed: links of the feed\'s directory');

# rewrite

$r = $t->get('/latest.atom', %host);
like($r->{body}, qr{<link href="$origin/blog/first\.md"/>},
    'rewrite to a feed: links of its directory');

# an index article: its list links from its directory where it is sent
# at another URI

like($t->get('/home', %host)->{body}, qr{href="/ia/x\.md"},
    'index article at a rewritten URI: links from its directory');
like($t->get('/ia/', %host)->{body}, qr{href="x\.md"},
    'index article at its directory: relative links');
like($t->get('/home', %host)->{body}, qr{href="/ia/x\.md"},
    'index article at a rewritten URI: not the other\'s links');

# two locations, one directory: each its own links and title

my $c = $t->get('/c/', %host)->{body};
my $c2 = $t->get('/c2/', %host)->{body};
like($c, qr{<h1>c</h1>}, 'one directory, two URIs: /c/ titled c');
like($c2, qr{<h1>c2</h1>}, 'one directory, two URIs: /c2/ titled c2');
like($t->get('/c/', %host)->{body}, qr{<h1>c</h1>},
    'one directory, two URIs: /c/ still titled c');

like($t->get('/c2/feed.atom', %host)->{body},
    qr{<link href="$origin/c2/one\.md"/>},
    'one directory, two URIs: feed of /c2/ first');
$r = $t->get('/c/feed.atom', %host);
like($r->{body}, qr{<link href="$origin/c/one\.md"/>},
    'one directory, two URIs: feed of /c/ links below /c/');
unlike($r->{body}, qr{/c2/}, 'one directory, two URIs: none of /c2/');
is(cache_status($t->get('/c/feed.atom', %host)), 'HIT',
    'one directory, two URIs: each kept');

# disable_symlinks on: a directory through a link is not listed

$r = $t->get('/sym/outdir/feed.atom', %host);
is($r->{status}, $t->get('/sym/outdir/secret.md', %host)->{status},
    'disable_symlinks: feed through a link, as the article there');
like($r->{status}, qr/^40[34]$/, 'disable_symlinks: which is not served');
unlike($r->{body}, qr{Outside}, 'disable_symlinks: nothing of it');
$r = $t->get('/sym/outdir/', %host);
like($r->{status} . ' ' . ($r->{body} =~ /Outside|secret/ ? 'listed' : '-'),
    qr/^40[34] -$/, 'disable_symlinks: index through a link, as nginx\'s');
like($t->get('/sym/outdir/sitemap.xml', %host)->{status}, qr/^40[34]$/,
    'disable_symlinks: sitemap through a link, 403 or 404');
$r = $t->get('/sym/sitemap.xml', %host);
like($r->{body}, qr{/sym/own\.md}, 'disable_symlinks: sitemap, its own');
unlike($r->{body}, qr{secret}, 'disable_symlinks: sitemap, not the link\'s');

$r = $t->get('/links/outdir/feed.atom', %host);
like($r->{body}, qr{<title>Outside the root</title>},
    'without disable_symlinks: a link followed, as for a file');

SKIP: {
    skip 'if_not_owner needs root to give files away', 3 unless $chowned;

    is($t->get('/owner/outdir/feed.atom', %host)->{status}, 403,
        'if_not_owner: feed through a link of another owner, 403');
    is($t->get('/owner/outdir/', %host)->{status}, 403,
        'if_not_owner: index, 403');
    is($t->get('/owner/outdir/secret.md', %host)->{status}, 403,
        'if_not_owner: as the article itself');
}

like($t->get('/owner/own.md', %host)->{body}, qr{Its own},
    'if_not_owner: its own article');
like($t->get('/owner/', %host)->{body}, qr{href="own\.md"},
    'if_not_owner: its own index');

# from=: a document root that is a link is the scope's to follow

like($t->get('/fromroot/', %host)->{body}, qr{href="here\.md"},
    'disable_symlinks from=: a linked document root\'s index');
like($t->get('/fromalias/feed.atom', %host)->{body},
    qr{<link href="$origin/fromalias/here\.md"/>},
    'disable_symlinks from=: the feed of an alias that is a link');

$t->stop();
