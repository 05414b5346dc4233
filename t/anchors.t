#!/usr/bin/perl

# Heading ids by GitHub's slug rule, self-link anchors, {{toc}}, and ids
# that never collide with the footnotes'.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

$t->write_file('site/slugs.md', <<'EOF');
# Über Straße & Co.

## Notes

## Notes

## Notes-1

## Привет, мир!

## `code` and *emphasis*

### 中文标题
EOF

$t->write_file('site/toc.md', <<'EOF');
# Title

### Before Any h2

## First

### First A

#### Deep

### First B

## Second & <Last>

> ## Quoted
EOF

$t->write_file('site/one.md', "# Title\n\n## Only One\n\n#### Deep\n");

$t->write_file('site/fn.md', <<'EOF');
## fn-1

## fnref-1

Text[^1].

[^1]: The note.
EOF

$t->write_file('site/safe.md', "## <img src=x onerror=alert(1)> *x*\n");

my $samples = "$FindBin::Bin/../conf.example/articles";

open my $fh, '<:raw', "$samples/gfm-showcase.md"
    or die "$samples/gfm-showcase.md: $!\n";
$t->write_file('site/gfm-showcase.md', do { local $/; <$fh> });
close $fh;

$t->write_file('toc.html', "<aside>{{toc}}</aside>\n{{content}}");

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location /tpl/ {
            alias %%TESTDIR%%/site/;
            article_render_template %%TESTDIR%%/toc.html;
            article_render_html escape;
        }

        location /escape/ {
            alias %%TESTDIR%%/site/;
            article_render_html escape;
        }

        location /unsafe/ {
            alias %%TESTDIR%%/site/;
            article_render_unsafe on;
        }
    }
}
EOF

$t->plan(15)->run();

sub ids {
    my ($html) = @_;
    return [ $html =~ /<h[1-6] id="([^"]*)">/g ];
}

my $html = article_html($t->get('/slugs.md')->{body}) // '';

is_deeply(ids($html), [ 'über-straße--co', 'notes', 'notes-1',
    'notes-1-1', 'привет-мир', 'code-and-emphasis', '中文标题' ],
    'heading ids: lower case, punctuation dropped, spaces to -, letters '
    . 'beyond ASCII kept, repeats get -1 and never an id taken');

my @anchors = $html =~ m{<h([1-6])\ id="([^"]*)">.*?<a\ class="anchor"
                          \ href="\#([^"]*)"\ aria-hidden="true"
                          \ tabindex="-1">\#</a></h\1>\n}gx;

is(scalar @anchors, 3 * 7, 'every heading ends in a self-link anchor');
ok(!grep({ $anchors[3 * $_ + 1] ne $anchors[3 * $_ + 2] } 0 .. 6),
    'each self-link anchor links to its own heading');

like($html,
    qr{<h2 id="code-and-emphasis"><code>code</code> and <em>emphasis</em><a },
    'a heading keeps its inline markup around the id and the anchor');

my $show = article_html($t->get('/gfm-showcase.md')->{body}) // '';

ok($show =~ /<a href="#method">method notes<\/a>/
    && $show =~ /<h2 id="method">Method<a /,
    'the sample article link #method reaches the Method heading');

# the table of contents

is($t->get('/tpl/toc.md')->{body}, "<aside><nav class=\"toc\">\n<ul>\n"
    . "<li><a href=\"#before-any-h2\">Before Any h2</a></li>\n"
    . "<li><a href=\"#first\">First</a>\n<ul>\n"
    . "<li><a href=\"#first-a\">First A</a></li>\n"
    . "<li><a href=\"#first-b\">First B</a></li>\n"
    . "</ul>\n</li>\n"
    . "<li><a href=\"#second--last\">Second &amp; &lt;Last&gt;</a></li>\n"
    . "</ul>\n</nav>\n</aside>\n"
    . article_html($t->get('/escape/toc.md')->{body}),
    '{{toc}}: a nested nav list of the h2 and h3 headings, h3 under its '
    . 'h2, none from quotes');

like($t->get('/tpl/one.md')->{body}, qr{\A<aside></aside>\n},
    '{{toc}} is empty with fewer than two h2-h3 headings');

like($t->get('/tpl/gfm-showcase.md')->{body},
    qr{\A\Q<aside><nav class="toc">
<ul>
<li><a href="#counts-by-site">Counts by site</a></li>
<li><a href="#method">Method</a>
<ul>
<li><a href="#checklist">Checklist</a></li>
</ul>
</li>
</ul>
</nav>
</aside>\E\n},
    '{{toc}} of the sample article lists its sections');

# footnotes

$html = article_html($t->get('/fn.md')->{body}) // '';

my @all = $html =~ / id="([^"]*)"/g;
my %seen;

is(scalar(grep { $seen{$_}++ } @all), 0, 'no id appears twice on the page')
    or diag("ids: @all");
like($html, qr{<h2 id="fn-1-1">fn-1<a }, 'a heading gives a footnote its id');
like($html, qr{<h2 id="fnref-1-1">fnref-1<a },
    'a heading gives a footnote reference its id');
like($html, qr{<li id="fn-1">.*href="#fnref-1"}s,
    'the footnote keeps its own ids');

# safe mode

like(article_html($t->get('/safe.md')->{body}) // '',
    qr{\A<h2 id="-x"><img src="x" /> <em>x</em><a },
    'sanitize mode: raw HTML in a heading is kept without its event '
    . 'handler, left out of the id');

$html = article_html($t->get('/escape/safe.md')->{body}) // '';

like($html, qr{\A<h2\ id="img-srcx-onerroralert1-x">&lt;img\ src=x
                \ onerror=alert\(1\)&gt;\ <em>x</em><a\ }x,
    'escape mode: raw HTML in a heading is shown escaped, with an id');
like(article_html($t->get('/unsafe/safe.md')->{body}) // '',
    qr{\A<h2 id="-x"><img src=x onerror=alert\(1\)> <em>x</em><a },
    'unsafe mode: raw HTML in a heading passes, left out of the id');
