#!/usr/bin/perl

# article_render_html: raw HTML sanitized as GitHub does (the default),
# escaped or passed; the article_render_unsafe alias; the mode in the
# ETag; a README-style article, tag soup that tries to leave the
# article, deep nesting and raw HTML in block-per-line articles, served.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

my @bad = (
    [ 'article_render_html strip;',
      'invalid value "strip" in "article_render_html" directive, '
      . 'it must be "sanitize", "escape" or "unsafe"' ],
    [ 'article_render_html;',
      'invalid number of arguments in "article_render_html" directive' ],
    [ "article_render_html escape;\n        article_render_unsafe on;",
      '"article_render_unsafe" directive is duplicate' ],
    [ "article_render_unsafe off;\n        article_render_html unsafe;",
      '"article_render_html" directive is duplicate' ],
    [ 'article_render_unsafe yes;',
      'invalid value "yes" in "article_render_unsafe" directive, '
      . 'it must be "on" or "off"' ],
);

$t->plan(2 * @bad + 24);

$t->bad_directive(@$_) for @bad;

$t->write_file('site/readme.md', <<'EOF');
<p align="center">
  <img src="logo.png" width="200" alt="Logo" onerror="alert(1)">
</p>

<p align="center">
<a href="https://ci.example.org/"><img src="https://ci.example.org/badge.svg" alt="build"></a>
</p>

[![docs](https://docs.example.org/badge.svg)](https://docs.example.org/)

Press <kbd>Ctrl</kbd>+<kbd>C</kbd> to stop.<script>alert(2)</script>

<details>
<summary>Click to expand</summary>

Hidden *Markdown*.

</details>
EOF

$t->write_file('site/escape.md',
    "Text</article></body></html><p>after <b>bold\n\n</div></div>more\n");

$t->write_file('site/deep.md',
    ('<div>' x 10_000) . "x\n" . ('</div>' x 10_000) . "\n");

$t->write_file('site/stray.md', <<'EOF');
<svg>

## After svg

Text *em* [link](https://x.org/)

<select>

| a |
|---|
| <template> |

- <textarea>

Last *paragraph*
EOF

$t->write_file('site/picture.md', <<'EOF');
<picture>
  <source media="(prefers-color-scheme: dark)" srcset="dark.png">
  <img alt="Logo" src="light.png">
</picture>
EOF

$t->write_file('site/modes.md', "a <b onclick=\"x()\">b</b>\n");

$t->write_file('block/lines.md', "Intro with <kbd>Ctrl</kbd>\n"
    . "<p align=\"center\"><img src=\"a.png\" onerror=\"x()\"></p>\n"
    . "Last line <script>alert(1)</script>\n");

# the default time budget, as many times longer as nginx runs slower here

my $budget = 5 * ArticleRender::Test::slow();

(my $conf = <<'EOF') =~ s/%%BUDGET%%/${budget}s/;
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_timeout %%BUDGET%%;

        location /escape/ {
            alias %%TESTDIR%%/site/;
            article_render_html escape;
        }

        location /unsafe/ {
            alias %%TESTDIR%%/site/;
            article_render_html unsafe;
        }

        location /sanitize/ {
            alias %%TESTDIR%%/site/;
            article_render_html sanitize;
        }

        location /alias-on/ {
            alias %%TESTDIR%%/site/;
            article_render_unsafe on;
        }

        location /alias-off/ {
            alias %%TESTDIR%%/site/;
            article_render_unsafe off;
        }

        location /block/ {
            alias %%TESTDIR%%/block/;
            article_render_newline block;
        }
    }
}
EOF

$t->config($conf);

$t->run();

# the README sample

my $html = article_html($t->get('/readme.md')->{body}) // '';

like($html, qr{\Q<p align="center">\E\s*\Q<img src="logo.png" width="200"\E
               \Q alt="Logo" />\E\s*</p>}x,
    'README: the centred logo is an image, without its event handler');
like($html, qr{\Q<a href="https://ci.example.org/"><img\E
               \Q src="https://ci.example.org/badge.svg" alt="build" />\E
               </a>}x,
    'README: an HTML badge is a linked image');
like($html, qr{\Q<a href="https://docs.example.org/"><img\E
               \Q src="https://docs.example.org/badge.svg" alt="docs" />\E
               </a>}x,
    'README: a Markdown badge is a linked image');
like($html, qr{\QPress <kbd>Ctrl</kbd>+<kbd>C</kbd> to stop.&lt;script&gt;\E
               \Qalert(2)&lt;/script&gt;</p>\E}x,
    'README: kbd elements kept, the script shown as text, as GitHub does');
like($html, qr{<details>\s*\Q<summary>Click to expand</summary>\E\s*
               \Q<p>Hidden <em>Markdown</em>.</p>\E\s*</details>}x,
    'README: details and summary around the Markdown they enclose');
unlike($html, qr{<script|onerror},
    'README: no script element and no handler');

# tag soup cannot leave the article

my $page = $t->get('/escape.md')->{body};
my @closing = $page =~ m{(</article>|</body>|</html>)}g;

is("@closing", '</article> </body> </html>',
    'stray closing tags: the page closes its article, body and html once');
like(article_html($page),
    qr{\A<p>Text</p><p>after <b>bold</b></p><b>\nmore\n</b>\z},
    'stray closing tags: the text after them stays inside the article, '
    . 'the unclosed element closed there');

# a stray tag cannot take the Markdown after it

for my $mode ('', '/escape') {
    my $stray = article_html($t->get("$mode/stray.md")->{body}) // '';

    like($stray, qr{\Q<h2 id="after-svg">After svg<a \E.*</h2>\s*
                    \Q<p>Text <em>em</em> <a href="https://x.org/">link\E
                    </a></p>.*<p>Last\ <em>paragraph</em></p>}sx,
        "unclosed svg, select, template, textarea: the Markdown after them "
        . "rendered ($mode)");
}

like(article_html($t->get('/picture.md')->{body}) // '',
    qr{<picture>\s*\Q<source media="(prefers-color-scheme: dark)"\E
       \Q srcset="dark.png" />\E\s*\Q<img alt="Logo" src="light.png" />\E\s*
       </picture>}x,
    'picture with a dark-scheme source kept');

# deep nesting within the default budgets

my $r = $t->get('/deep.md');
my $deep = article_html($r->{body}) // '';

is($r->{status}, 200, 'nesting 10,000 deep: rendered within the budgets');
is(scalar(() = $deep =~ m{</div>}g), 10_000,
    'nesting 10,000 deep: every element kept and closed');

# block-per-line articles

$html = article_html($t->get('/block/lines.md')->{body}) // '';

like($html, qr{<kbd>Ctrl</kbd>.*<p align="center"><img src="a\.png" /></p>}s,
    'block-per-line article: raw HTML lines sanitized, elements kept');
unlike($html, qr{<script|onerror}, 'block-per-line article: no script '
    . 'element and no handler');

# the three modes side by side, the alias, the ETag

my %body = map {
    my $r = $t->get("$_/modes.md");
    ($_ => { html => article_html($r->{body}), etag => $r->{headers}{etag} })
} ('', '/sanitize', '/escape', '/unsafe', '/alias-on', '/alias-off');

is($body{''}{html}, "<p>a <b>b</b></p>\n",
    'default: sanitize keeps the element, not its handler');
is($body{'/sanitize'}{html}, $body{''}{html},
    'article_render_html sanitize renders as the default');
is($body{'/escape'}{html},
    "<p>a &lt;b onclick=&quot;x()&quot;&gt;b&lt;/b&gt;</p>\n",
    'article_render_html escape shows raw HTML as text');
is($body{'/unsafe'}{html}, "<p>a <b onclick=\"x()\">b</b></p>\n",
    'article_render_html unsafe passes raw HTML through');
is($body{'/alias-on'}{html}, $body{'/unsafe'}{html},
    'article_render_unsafe on renders as article_render_html unsafe');
is($body{'/alias-off'}{html}, $body{'/sanitize'}{html},
    'article_render_unsafe off renders as article_render_html sanitize');

my %etags;
$etags{ $body{$_}{etag} // '' } = 1 for ('', '/escape', '/unsafe');

is(scalar(keys %etags), 3, 'each mode gives the same file its own ETag');
is($body{'/alias-on'}{etag}, $body{'/unsafe'}{etag},
    'article_render_unsafe on gives the ETag of article_render_html unsafe');
is($body{'/alias-off'}{etag}, $body{''}{etag},
    'article_render_unsafe off gives the ETag of the default');
