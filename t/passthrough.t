#!/usr/bin/perl

# What is not an article goes to the other modules untouched, and the
# module works together with index, try_files, alias and error_page.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use POSIX ();
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

my $png = "\x89PNG\r\n\x1a\n" . join('', map { chr } 0 .. 255);
my $raw = "# Raw\n\n*not rendered*\n";

$t->write_file('site/style.css', "body { color: red; }\n");
$t->write_file('site/image.png', $png);
$t->write_file('site/notes.txt', "# Plain notes\n");
$t->write_file('site/dir/index.html', "<p>directory index</p>\n");
$t->write_file('site/x.md/index.html', "<p>index of x.md</p>\n");
$t->write_file('site/UPPER.MD', "# Upper\n");
$t->write_file('site/Mixed.MarkDown', "# Mixed\n");
$t->write_file('site/404.md', "# Not here\n\nSorry.\n");
$t->write_file('site/off/raw.md', $raw);
$t->write_file('site/listing/a.md', "# A\n");
$t->write_file('site/listing/sub/b.md', "# B\n");
$t->write_file('site/txt/notes.txt', "# Notes as article\n");
$t->write_file('site/txt/raw.md', $raw);
$t->write_file('site/idx/index.md', "# Index page\n");
$t->write_file('site/idx/sub/index.md', "# Sub index\n");
$t->write_file('site/try/page.md', "# Page\n");
$t->write_file('site/try/plain', "plain file\n");
$t->write_file('content/doc.md', "Aliased document.\n");

POSIX::mkfifo($t->path('site/fifo.md'), 0644) or die "mkfifo: $!\n";

# the static module refuses a FIFO with a crit line: expected here

$t->allow_alerts(qr/\[crit\] .*"[^"]*\/site\/fifo\.md" is not a regular file/);

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    types {
        text/html  html;
        text/css   css;
        text/plain txt;
        image/png  png;
    }

    default_type application/octet-stream;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location / {
        }

        location /listing/ {
            autoindex on;
        }

        location /off/ {
            article_render off;
        }

        location /txt/ {
            article_render_suffixes .txt;
        }

        location /idx/ {
            index index.md;
        }

        location /try/ {
            try_files $uri $uri.md =404;
        }

        location /docs/ {
            alias %%TESTDIR%%/content/;
        }

        location /err/ {
            error_page 404 /404.md;
        }
    }
}
EOF

$t->plan(35)->run();

# other files

my $r = $t->get('/style.css');

is($r->{headers}{'content-type'}, 'text/css', 'css served as text/css');
is($r->{body}, "body { color: red; }\n", 'css served untouched');

$r = $t->get('/image.png');

is($r->{headers}{'content-type'}, 'image/png', 'png served as image/png');
is($r->{body}, $png, 'png served byte for byte');

$r = $t->get('/notes.txt');

is($r->{headers}{'content-type'}, 'text/plain', 'txt served as text/plain');
is($r->{body}, "# Plain notes\n", 'txt not rendered by default');

# directories

$r = $t->get('/listing/');

is($r->{status}, 200, 'autoindex lists a directory of articles');
like($r->{body}, qr{<a href="sub/">sub/</a>.*<a href="a\.md">a\.md</a>}s,
    'autoindex listing names the article and the subdirectory');
is($t->get('/dir/')->{body}, "<p>directory index</p>\n",
    'directory index.html served as without the module');

$r = $t->get('/x.md');

is($r->{status}, 301, 'directory named x.md redirected as a directory');
like($r->{headers}{location}, qr{/x\.md/$},
    'redirect of x.md adds the slash');
is($t->get('/x.md/')->{body}, "<p>index of x.md</p>\n",
    'directory named x.md serves its index');

# article_render off, suffixes

$r = $t->get('/off/raw.md');

is($r->{body}, $raw, 'article_render off: .md served raw');
is($r->{headers}{'content-type'}, 'application/octet-stream',
    'article_render off: .md gets the static module type');

like(article_html($t->get('/UPPER.MD')->{body}), qr{<h1 id="upper">Upper<a },
    'upper case .MD suffix rendered');
like(article_html($t->get('/Mixed.MarkDown')->{body}),
    qr{<h1 id="mixed">Mixed<a },
    'mixed case .MarkDown suffix rendered');

$r = $t->get('/txt/notes.txt');

like(article_html($r->{body}),
    qr{<h1 id="notes-as-article">Notes as article<a },
    'article_render_suffixes .txt: .txt rendered');
is($r->{headers}{'content-type'}, 'text/html; charset=utf-8',
    'article_render_suffixes .txt: .txt sent as HTML');
is($t->get('/txt/raw.md')->{body}, $raw,
    'article_render_suffixes .txt: .md no longer an article');

# index

$r = $t->get('/idx/');

is($r->{status}, 200, 'index index.md: directory request answered');
like(article_html($r->{body}), qr{<h1 id="index-page">Index page<a },
    'index index.md: index article rendered');
like(article_html($t->get('/idx/sub/')->{body}),
    qr{<h1 id="sub-index">Sub index<a },
    'index index.md: subdirectory index article rendered');

# try_files

$r = $t->get('/try/page');

is($r->{status}, 200, 'try_files $uri.md: extensionless URI answered');
like(article_html($r->{body}), qr{<h1 id="page">Page<a },
    'try_files $uri.md: page.md rendered for /page');
like(article_html($t->get('/try/page.md')->{body}), qr{<h1 id="page">Page<a },
    'try_files: the article URI itself rendered');
is($t->get('/try/plain')->{body}, "plain file\n",
    'try_files: non-article file served raw');
is($t->get('/try/none')->{status}, 404, 'try_files: =404 for no file');

# alias

$r = $t->get('/docs/doc.md');

like(article_html($r->{body}), qr{<p>Aliased document\.</p>},
    'alias: aliased article rendered');
like($r->{body}, qr{<title>doc</title>}, 'alias: title from the file name');

# error_page

$r = $t->get('/err/none.md');

is($r->{status}, 404, 'error_page 404 article: status stays 404');
like(article_html($r->{body}), qr{<h1 id="not-here">Not here<a },
    'error_page 404 article: the 404 article rendered as the body');
is($r->{headers}{'content-length'}, length $r->{body},
    'error_page 404 article: Content-Length is the page length');

$r = $t->get('/err/none.html');

ok($r->{status} == 404 && $r->{body} =~ /<h1 id="not-here">Not here<a /,
    'error_page 404 article: used for a missing non-article too');

# a FIFO with an article suffix: left to the static module, never read

$r = $t->get('/fifo.md');

is($r->{status}, 404, 'FIFO named .md left to the static module: 404');
like($t->error_log(), qr/\[crit\] .*fifo\.md" is not a regular file/,
    'FIFO named .md refused by the static module, not the article module');
