#!/usr/bin/perl

# A directory's index page, Atom feed and sitemap through real nginx:
# where each answers and where nginx answers as before (an author's index
# file, autoindex, a file of the feed's name, scopes without the module),
# their headers, the render cache (HIT, ETag, 304, one render), the codings,
# HEAD and methods, absolute URLs from Host and server_name (kept only for
# the server's own names), and freshness:
# an article added, removed or renamed shows on the next request, an
# in-place edit of its front matter within a second.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes qw(sleep);
use ArticleRender::Test qw(cache_status decode_body);

my $t = ArticleRender::Test->new();

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%
    %%TEST_HOOKS_LOG%%

    # the harness asks in HTTP/1.0
    gzip_http_version 1.0;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name site.example;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_index on;
        article_render_feed feed.atom;
        article_render_sitemap sitemap.xml;
        article_render_template %%TESTDIR%%/page.html;
        add_header X-Cache $article_render_cache always;

        location /authored/ {
            index index.md;
        }

        location /auto/ {
            autoindex on;
            article_render_index off;
            article_render_feed off;
            article_render_sitemap off;
        }

        location /plain/ {
            article_render off;
        }

        location /nocache/ {
            article_render_cache off;
        }

        location /named/ {
            server_name_in_redirect on;
        }

        location /slow/ {
            article_render_test_delay 1500ms;
        }

        location /aliased/ {
            alias %%TESTDIR%%/site/blog/;
        }

        location /nolinks/ {
            disable_symlinks on;
        }
    }
}
EOF

$t->write_file('page.html',
    "<title>{{title}}</title><main>{{content}}</main><nav>{{toc}}</nav>\n");

$t->write_file('site/blog/first.md',
    "---\ntitle: First post\ndate: 2024-01-15\n---\n\nThe first words.\n");
$t->write_file('site/blog/second.md',
    "---\ntitle: Second post\ndate: 2024-02-20\n---\n\nMore words.\n");
$t->write_file('site/blog/notes.txt', "not an article\n");
$t->write_file('site/authored/index.md',
    "# Front page\n\nWelcome.\n\n{{articles}}\n\n`{{articles}}` stays.\n");
$t->write_file('site/authored/one.md', "# One\n\nText.\n");
$t->write_file('site/auto/a.md', "# A\n");
$t->write_file('site/plain/a.md', "# A\n");
$t->write_file('site/nocache/a.md', "# A\n");
$t->write_file('site/named/a.md', "# A\n");
$t->write_file('site/static/feed.atom', "a file of the feed's name\n");
$t->write_file('site/static/a.md', "# A\n");
$t->write_file('site/empty/.keep', '');
$t->write_file('site/slow/a.md', "# A\n");
$t->write_file('outside/secret.md', "# Outside the root\n\nPrivate.\n");
$t->write_file('site/nolinks/own.md', "# Its own\n");
$t->write_file('site/links/own.md', "# Its own\n");
symlink $t->path('outside/secret.md'), $t->path('site/nolinks/linked.md');
symlink $t->path('outside/secret.md'), $t->path('site/links/linked.md');

$t->plan(67)->run();

my $port = $t->port();

# the index page

my $r = $t->get('/blog/');
is($r->{status}, 200, 'index: 200');
like($r->{headers}{'content-type'}, qr{^text/html; charset=utf-8$}i,
    'index: text/html, utf-8');
like($r->{body}, qr{<main>.*href="first\.md".*</main>}s,
    'index: in the template, links to an article');
like($r->{body}, qr{href="second\.md"}, 'index: and to the other');
unlike($r->{body}, qr{notes\.txt}, 'index: no file that is not an article');
like($r->{body}, qr{<nav></nav>}, 'index: {{toc}} is empty');
like($r->{body}, qr{<title>blog</title><main><h1>blog</h1>},
    'index: titled with the directory\'s name');
is($r->{headers}{link}, undef, 'index: no Link to a Markdown source');
is($r->{headers}{'last-modified'}, undef, 'index: no Last-Modified');
like($r->{headers}{vary} // '', qr/^Accept-Encoding$/,
    'index: Vary: Accept-Encoding alone');
is(cache_status($r), 'MISS', 'index: rendered');

my $etag = $r->{headers}{etag};
like($etag // '', qr/^"[^"]+"$/, 'index: a strong ETag');

ok($t->hit_within(3, '/blog/'), 'index: then a hit');

$r = $t->get('/blog/', 'If-None-Match' => $etag);
is($r->{status}, 304, 'index: 304 on its ETag');

$r = $t->request('HEAD', '/blog/');
is($r->{status} . ' ' . length($r->{body}), '200 0', 'index: HEAD');
ok($r->{headers}{'content-length'}, 'index: HEAD has Content-Length');

$r = $t->request('POST', '/blog/', -body => 'x');
is($r->{status}, 405, 'index: POST not allowed');

$r = $t->get('/blog/', 'Accept-Encoding' => 'gzip');
my $identity = $t->get('/blog/')->{body};
my $plain = decode_body('gzip', $r->{body});
is(($r->{headers}{'content-encoding'} // '') . ' ' . ($plain eq $identity),
    'gzip 1', 'index: sent gzipped, the same page');
isnt($r->{headers}{etag}, $etag, 'index: the gzip coding has its own ETag');

# still the same listing a second later: looked at again, same ETag

sleep 1.1;
$r = $t->get('/blog/', 'If-None-Match' => $etag);
is($r->{status} . ' ' . cache_status($r), '304 EXPIRED',
    'index: made again a second later, unchanged: its ETag kept, 304');

# freshness: added, renamed, removed

$t->write_file('site/blog/third.md', "# Third post\n\nNew.\n");
$r = $t->get('/blog/');
like($r->{body}, qr{href="third\.md"}, 'index: an added article at once');
isnt($r->{headers}{etag}, $etag, 'index: with a new ETag');

rename $t->path('site/blog/third.md'), $t->path('site/blog/renamed.md');
$r = $t->get('/blog/');
like($r->{body}, qr{href="renamed\.md"}, 'index: a renamed one at once');
unlike($r->{body}, qr{href="third\.md"}, 'index: not its old name');

rename $t->path('site/blog/renamed.md'), $t->path('site/blog/second.md');
$r = $t->get('/blog/');
unlike($r->{body}, qr{Second post}, 'index: renamed over another at once');

unlink $t->path('site/blog/second.md');
$r = $t->get('/blog/');
unlike($r->{body}, qr{href="second\.md"}, 'index: a removed one at once');

# an edit in place of the front matter: within a second

$t->write_file('site/blog/first.md',
    "---\ntitle: First, retitled\ndate: 2024-01-15\n---\n\nWords.\n");
ok(ArticleRender::Test::wait_until(sub {
        $t->get('/blog/')->{body} =~ /First, retitled/ }, 3),
    'index: an edited title within a second');

# where nginx answers as before

$r = $t->get('/authored/');
like($r->{body}, qr{<h1[^>]*>Front page}, 'authored: its index.md wins');
like($r->{body}, qr{href="one\.md"}, 'authored: {{articles}} is the list');
like($r->{body}, qr{<code>\{\{articles\}\}</code>},
    'authored: {{articles}} in code stays');
unlike($r->{body}, qr{href="index\.md"},
    'authored: the index article does not list itself');

$t->write_file('site/authored/two.md', "# Two\n\nText.\n");
like($t->get('/authored/')->{body}, qr{href="two\.md"},
    'authored: its list shows an added article at once');

$r = $t->get('/auto/');
like($r->{body}, qr{Index of /auto/}, 'autoindex: untouched where off');

is($t->get('/plain/')->{status}, 403, 'article_render off: no index');
is($t->get('/plain/feed.atom')->{status}, 404, 'article_render off: no feed');

$r = $t->get('/static/feed.atom');
is($r->{body}, "a file of the feed's name\n", 'a file of the name wins');

is($t->get('/nothere/feed.atom')->{status}, 404, 'feed: no directory, 404');
is($t->get('/nothere/')->{status}, 404, 'index: no directory, 404');

# the feed and the sitemap

$r = $t->get('/blog/feed.atom', Host => 'news.example');
is($r->{status}, 200, 'feed: 200');
like($r->{headers}{'content-type'}, qr{^application/atom\+xml}, 'feed: type');
like($r->{body}, qr{<feed xmlns="http://www\.w3\.org/2005/Atom"},
    'feed: an Atom feed');
like($r->{body}, qr{href="http://news\.example:$port/blog/first\.md"},
    'feed: absolute links from Host and the port');
like($r->{body}, qr{href="http://news\.example:$port/blog/feed\.atom"},
    'feed: its own URL');
ok(xml_ok($r->{body}), 'feed: well-formed XML');
is(cache_status($t->get('/blog/feed.atom', Host => 'news.example')),
    'BYPASS', 'feed: of a Host not the server\'s name, not kept');
$t->get('/blog/feed.atom', Host => 'site.example');
ok($t->hit_within(3, '/blog/feed.atom', Host => 'site.example'),
    'feed: of the server\'s name, then a hit');

# one feed for each host it is asked for: none is sent another's URLs

$t->get('/blog/feed.atom', Host => 'evil.example');
$r = $t->get('/blog/feed.atom', Host => 'news.example');
unlike($r->{body}, qr{evil\.example}, 'feed: not another Host\'s URLs');
like($r->{body}, qr{<id>http://news\.example:$port/blog/</id>},
    'feed: its own Host\'s');

$r = $t->get('/named/feed.atom', Host => 'other.example');
like($r->{body}, qr{href="http://site\.example:$port/named/a\.md"},
    'feed: server_name with server_name_in_redirect');

$r = $t->get('/sitemap.xml');
is($r->{status}, 200, 'sitemap: 200');
like($r->{headers}{'content-type'}, qr{^application/xml}, 'sitemap: type');
like($r->{body}, qr{<loc>http://localhost:$port/blog/first\.md</loc>},
    'sitemap: an article below');
like($r->{body}, qr{<loc>http://localhost:$port/static/a\.md</loc>},
    'sitemap: another directory');
ok(xml_ok($r->{body}), 'sitemap: well-formed XML');

# without a cache: rendered each time, still right

$r = $t->get('/nocache/');
like($r->{body}, qr{href="a\.md"}, 'no cache: listed');
$t->get('/nocache/');
is($t->renders('/nocache/'), 2, 'no cache: rendered each time');

# a listing slower than a second: made again by one request while the
# others are sent the one made before, never made by each request

is(cache_status($t->get('/slow/')), 'MISS', 'slow listing: made');
my $remake = $t->start_get('/slow/');
select undef, undef, undef, 0.3;
$r = $t->get('/slow/');
is(cache_status($r) . ' ' . ($r->{body} =~ /href="a\.md"/ ? 'listed' : '-'),
    'HIT listed', 'slow listing: sent as it was while made again');
is(cache_status($t->finish_get($remake)), 'EXPIRED',
    'slow listing: made again by one request');
is($t->renders('/slow/'), 2, 'slow listing: two renders, no more');

# disable_symlinks: a link to a file outside is not listed, nor read

$r = $t->get('/nolinks/');
like($r->{body}, qr{href="own\.md"}, 'disable_symlinks: its own listed');
unlike($r->{body}, qr{linked|Outside|Private},
    'disable_symlinks: a link neither listed nor read');
like($t->get('/links/')->{body}, qr{href="linked\.md">Outside the root<},
    'without disable_symlinks: a link listed as autoindex does');

# through an alias, the directory is named as its URI names it

like($t->get('/aliased/')->{body}, qr{<h1>aliased</h1>},
    'alias: titled with the URI\'s name');
like($t->get('/aliased/feed.atom')->{body}, qr{<title>aliased</title>},
    'alias: and so is its feed');

# an empty directory

$r = $t->get('/empty/');
is($r->{status}, 200, 'empty directory: a page all the same');

$t->stop();

is(() = $t->error_log() =~ /\[(alert|crit|emerg)\]/g, 0, 'no alert');




# well-formed XML, as xmllint reads it

sub xml_ok {
    my ($xml) = @_;

    my $file = $t->path('check.xml');
    open my $fh, '>', $file or die "$file: $!";
    print $fh $xml;
    close $fh;

    return system('xmllint', '--noout', $file) == 0;
}
