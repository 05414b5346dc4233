#!/usr/bin/perl

# GFM extensions, each on by default, and article_render_gfm.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

$t->write_file('docs/gfm.md', <<'EOF');
# GFM

| Left | Center | Right | None |
|:-----|:------:|------:|------|
| a \| b | c | d | e |

~~gone~~

Visit www.example.com and https://example.org/path now.

- [x] done
- [ ] todo

Raw <script>alert(1)</script> and <b>bold</b>.

Note[^1].

[^1]: The footnote.
EOF

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;

        article_render on;

        location /all/ {
            alias %%TESTDIR%%/docs/;
        }

        location /off/ {
            alias %%TESTDIR%%/docs/;
            article_render_gfm off;
        }

        location /table/ {
            alias %%TESTDIR%%/docs/;
            article_render_gfm table;
        }

        location /unsafe/ {
            alias %%TESTDIR%%/docs/;
            article_render_unsafe on;
        }

        location /unsafe-notagfilter/ {
            alias %%TESTDIR%%/docs/;
            article_render_unsafe on;
            article_render_gfm table strikethrough autolink tasklist
                               footnotes;
        }
    }
}
EOF

$t->plan(26)->run();

my $all = article_html($t->get('/all/gfm.md')->{body});

# tables

my $head = "<th align=\"left\">Left</th>\n<th align=\"center\">Center</th>\n"
    . "<th align=\"right\">Right</th>\n<th>None</th>\n";
my $row = "<td align=\"left\">a | b</td>\n<td align=\"center\">c</td>\n"
    . "<td align=\"right\">d</td>\n<td>e</td>\n";

like($all, qr/\Q$head\E/, 'table header cells carry their column alignment');
like($all, qr/\Q$row\E/, 'escaped pipe stays inside its table cell');

# strikethrough, autolinks, task lists, footnotes

like($all, qr{<p><del>gone</del></p>}, 'strikethrough gives <del>');
like($all,
    qr{<a href="http://www\.example\.com">www\.example\.com</a>},
    'www. autolink gets an http link');
like($all,
    qr{<a href="https://example\.org/path">https://example\.org/path</a>},
    'https: autolink gets a link');
like($all,
    qr{<li><input type="checkbox" checked="" disabled="" /> done</li>},
    'checked task list item gives a checked disabled checkbox');
like($all, qr{<li><input type="checkbox" disabled="" /> todo</li>},
    'open task list item gives an unchecked disabled checkbox');
like($all, qr{Note<sup class="footnote-ref"><a href="#fn-1"},
    'footnote reference rendered');
like($all, qr{<section class="footnotes"[^>]*>\n<ol>\n<li id="fn-1">\n<p>The},
    'footnote text rendered in a footnotes section');

# tag filter, seen only with raw HTML allowed

my $unsafe = article_html($t->get('/unsafe/gfm.md')->{body});

like($unsafe, qr{Raw &lt;script>alert\(1\)&lt;/script> and},
    'tagfilter disarms <script> in unsafe mode');
like($unsafe, qr{and <b>bold</b>\.}, 'tagfilter lets <b> pass');

my $notag = article_html($t->get('/unsafe-notagfilter/gfm.md')->{body});

like($notag, qr{Raw <script>alert\(1\)</script> and},
    'without tagfilter in the list <script> passes in unsafe mode');
like($notag, qr{<table>}, 'listed extensions stay on without tagfilter');

# article_render_gfm off

my $off = article_html($t->get('/off/gfm.md')->{body});

unlike($off, qr{<table}, 'gfm off: no table');
like($off, qr{<p>\| Left \| Center \| Right \| None \|\n},
    'gfm off: table syntax stays text');
unlike($off, qr{<del>}, 'gfm off: no strikethrough');
like($off, qr{<p>~~gone~~</p>}, 'gfm off: tildes stay text');
like($off, qr{<p>Visit www\.example\.com and https://example\.org/path now},
    'gfm off: no autolinks');
like($off, qr{<li>\[x\] done</li>}, 'gfm off: task markers stay text');
unlike($off, qr{footnote-ref|class="footnotes"}, 'gfm off: no footnotes');

# article_render_gfm table

my $table = article_html($t->get('/table/gfm.md')->{body});

like($table, qr{<th align="center">Center</th>}, 'gfm table: table on');
like($table, qr{<p>~~gone~~</p>}, 'gfm table: strikethrough off');
like($table, qr{<p>Visit www\.example\.com and https://example\.org/path},
    'gfm table: autolink off');
like($table, qr{<li>\[x\] done</li>}, 'gfm table: task list off');
like($table, qr{<p>Note\[\^1\]\.</p>}, 'gfm table: footnotes off');
unlike($table, qr{class="footnotes"}, 'gfm table: no footnotes section');
