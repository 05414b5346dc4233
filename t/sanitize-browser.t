#!/usr/bin/perl

# A README-style article with raw HTML, sanitized (the default), as
# Chromium shows it: the centred logo is an image, the badges are linked
# images, kbd elements are elements, the details element opens and
# closes, and nothing the author scripted runs.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use MIME::Base64 ();
use Test::More;
use ArticleRender::Test;
use ArticleRender::Browser;

my $why = ArticleRender::Browser::skip_reason();
plan(skip_all => $why) if $why;

my $t = ArticleRender::Test->new();

# a 1x1 PNG for the logo and the badges

my $png = MIME::Base64::decode_base64('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAf'
    . 'FcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==');

$t->write_file('site/logo.png', $png);
$t->write_file('site/badge.png', $png);

$t->write_file('site/readme.md', <<'EOF');
<p align="center">
  <img src="logo.png" width="200" alt="Logo" onload="document.title='pwned'">
</p>

<p align="center">
<a href="https://ci.example.org/"><img src="badge.png" alt="build"></a>
</p>

[![docs](badge.png)](https://docs.example.org/)

Press <kbd>Ctrl</kbd>+<kbd>C</kbd> to stop.
<script>document.title = 'pwned';</script>
<img src="missing.png" onerror="document.title='pwned'">

<details>
<summary>Click to expand</summary>

The hidden paragraph.

</details>
EOF

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
    }
}
EOF

$t->plan(9)->run();

my $b = ArticleRender::Browser->new();

$b->viewport(1280, 800);
$b->navigate('http://127.0.0.1:' . $t->port() . '/readme.md');

# the images have loaded by the load event

is($b->evaluate('(function () {'
    . ' var i = document.querySelector("article p[align=center] > img");'
    . ' return i && i.complete && i.naturalWidth === 1'
    . ' ? i.getBoundingClientRect().width : null; })()'), 200,
    'the centred logo is an image, loaded, 200 px wide');
ok($b->evaluate('(function () {'
    . ' var i = document.querySelector("article p[align=center] > img")'
    . '.getBoundingClientRect(),'
    . ' a = document.querySelector("article").getBoundingClientRect();'
    . ' return Math.abs(i.left + i.right - a.left - a.right) < 4; })()'),
    'the logo is centred in the article');
is($b->evaluate('Array.prototype.filter.call('
    . 'document.querySelectorAll("article a > img"), function (i) {'
    . ' return i.complete && i.naturalWidth === 1; }).length'), 2,
    'the HTML badge and the Markdown badge are linked images');
is($b->evaluate('Array.prototype.map.call('
    . 'document.querySelectorAll("article kbd"), function (k) {'
    . ' return k.textContent; }).join("+")'), 'Ctrl+C',
    'kbd elements are elements');
isnt($b->evaluate('document.title'), 'pwned',
    'no script, onload or onerror of the author ran');

# the details element, closed at first, opens and closes on a click

my $hidden = '(function () {'
    . ' var p = document.querySelector("article details > p");'
    . ' return !p.checkVisibility(); })()';

ok($b->evaluate('!document.querySelector("article details").open'),
    'details: closed at first');
ok($b->evaluate($hidden), 'details: its paragraph is not shown at first');

$b->evaluate('document.querySelector("article summary").click()');

ok($b->evaluate('document.querySelector("article details").open'
    . ' && !' . $hidden), 'details: a click on the summary opens it, '
    . 'showing its paragraph');

$b->evaluate('document.querySelector("article summary").click()');

ok($b->evaluate('!document.querySelector("article details").open'
    . ' && ' . $hidden), 'details: a second click closes it again');

$b->close();
