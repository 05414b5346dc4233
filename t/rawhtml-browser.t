#!/usr/bin/perl

# Raw HTML as Chromium shows it, sanitized (the default): a <picture>
# shows its dark source under a dark colour scheme and its image under
# a light one; links to ids land where they should: a heading's own
# self-link on the heading even when the author has an anchor of that
# name, a link to a name on a heading on that heading, a link to an
# author's prefixed id on its element; and the Markdown after an
# unclosed <svg> is laid out as Markdown.

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

# a 1x1 PNG for the light scheme, a 3x3 one for the dark

$t->write_file('site/light.png', MIME::Base64::decode_base64(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAC'
    . 'hwGA60e6kgAAAABJRU5ErkJggg=='));
$t->write_file('site/dark.png', MIME::Base64::decode_base64(
    'iVBORw0KGgoAAAANSUhEUgAAAAMAAAADCAIAAADZSiLoAAAAC0lEQVR4nGNgwAcAAB4A'
    . 'Afb96ZYAAAAASUVORK5CYII='));

my $filler = join('', map { "Filler paragraph $_.\n\n" } 1 .. 80);

$t->write_file('site/logo.md', <<'EOF');
<picture>
  <source media="(prefers-color-scheme: dark)" srcset="dark.png">
  <img alt="Logo" src="light.png">
</picture>
EOF

$t->write_file('site/ids.md', <<"EOF");
[to top](#top) [to config](#config) [to x](#user-content-x)

<a id="top"></a>

$filler

## top

$filler

<h3 name="config">Config</h3>

$filler

<span id="user-content-x">x</span>

$filler
EOF

$t->write_file('site/svg.md', <<'EOF');
<svg>

## After

- one
- two
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

$t->plan(7)->run();

my $base = 'http://127.0.0.1:' . $t->port();
my $b = ArticleRender::Browser->new();

$b->viewport(800, 600);

# the picture at each colour scheme

my $shown = '(function () {'
    . ' var i = document.querySelector("article picture img");'
    . ' return i && i.complete ? i.naturalWidth : null; })()';

for my $scheme ([ 'dark', 3 ], [ 'light', 1 ]) {
    $b->send('Emulation.setEmulatedMedia', features => [
        { name => 'prefers-color-scheme', value => $scheme->[0] } ]);
    $b->navigate("$base/logo.md");

    is($b->evaluate($shown), $scheme->[1],
        "picture: the $scheme->[0] scheme shows its image");
}

# clicks on links to ids

$b->navigate("$base/ids.md");

# at the top of the viewport, give or take the headings' scroll margin

my $top = '(function () { var y = document.querySelector(%s)'
    . '.getBoundingClientRect().top; return scrollY > 0 && y >= 0'
    . ' && y < 40; })()';

$b->evaluate('document.querySelector("article h2 a.anchor").click()');
ok($b->evaluate(sprintf($top, '"article h2"')),
    'the heading\'s self-link scrolls to the heading, not to the '
    . 'author\'s anchor of its name');

$b->evaluate('scrollTo(0, 0)');
$b->evaluate('document.querySelector("article a[href$=\'config\']")'
    . '.click()');
ok($b->evaluate(sprintf($top, '"article h3"')),
    'a link to a name on a heading scrolls to the heading');

$b->evaluate('scrollTo(0, 0)');
$b->evaluate('document.querySelector("article a[href$=\'-x\']").click()');
ok($b->evaluate(sprintf($top, '"#user-content-x"')),
    'a link to an author\'s prefixed id scrolls to its element');

# the Markdown after an unclosed svg

$b->navigate("$base/svg.md");

is($b->evaluate('document.querySelectorAll("article h2, article li")'
    . '.length'), 3, 'after an unclosed svg: a heading and a list');
ok($b->evaluate('document.querySelector("article li")'
    . '.getBoundingClientRect().height > 0'),
    'after an unclosed svg: the list is laid out');

$b->close();
