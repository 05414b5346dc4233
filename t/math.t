#!/usr/bin/perl

# Formulas through real nginx: "$...$", "$$...$$" and "```math" become
# MathML on the page, the "$" rules leave prices, shell variables, code
# and escaped dollars alone, a formula that does not parse is an error
# element and never a failed page, nesting is limited, a 1 MB formula
# renders within the time budget, every newline mode, the title, the
# table of contents and the feed, sanitize mode, and
# "article_render_math off", which is part of the ETag.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

# a pattern of pieces, each written as a qr//

sub re { my $s = join '', @_; return qr/$s/; }

my $formulas = <<'EOF';
# The $E=mc^2$ law

Euler's identity $e^{i\pi} + 1 = 0$, with
$$
\sum_{k=0}^{n} \binom{n}{k} = 2^n
$$

```math
\begin{pmatrix} a & b \\ c & d \end{pmatrix}
```

It costs $5 and $10. Run `echo $HOME` then echo $PATH too.

Escaped: \$x$.
EOF

$t->write_file('site/formulas.md', $formulas);

$t->write_file('site/errors.md', <<'EOF');
Unknown: $\nope{<b>}$ here.

Unbalanced: $\frac{a}{b$ and after.

Deep: $x^{y^{z}}$ fine.
EOF

$t->write_file('site/deep.md',
    'Deep: $' . ('{' x 60) . 'x' . ('}' x 60) . "\$ end.\n\nAfter.\n");

$t->write_file('site/big.md',
    "Before.\n\n\$\$\n" . ('a_i+' x (256 * 1024)) . "b\n\$\$\n\nAfter.\n");

$t->write_file('site/lines.md', <<'EOF');
Inline $a_1$ here
$$
x = \frac{1}{2}
$$
After the formula
EOF

$t->write_file('site/toc.md', <<'EOF');
# Notes on $\alpha$

## The sum $\sum x_i$

## Two
EOF

$t->write_file('site/raw.md', "Raw <math><mi onclick=\"x\">y</mi></math>"
    . " and \$\\frac{a}{b}\$ <b>b</b>\n");

$t->write_file('toc.html', "<title>{{title}}</title><aside>{{toc}}</aside>\n"
    . "<article>\n{{content}}</article>\n");

# the default time budget, as many times longer as nginx runs slower here

my $budget = 5 * ArticleRender::Test::slow();

$t->config(<<'EOF' =~ s/%%BUDGET%%/${budget}s/r);
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_timeout %%BUDGET%%;
        article_render_feed feed.atom;

        location /plain/ {
            alias %%TESTDIR%%/site/;
            article_render_math off;
        }

        location /hard/ {
            alias %%TESTDIR%%/site/;
            article_render_newline hard;
        }

        location /block/ {
            alias %%TESTDIR%%/site/;
            article_render_newline block;
        }

        location /toc/ {
            alias %%TESTDIR%%/site/;
            article_render_template %%TESTDIR%%/toc.html;
        }
    }
}
EOF

$t->plan(30)->run();

my $r = $t->get('/formulas.md');
my $html = article_html($r->{body});

is($r->{status}, 200, 'an article with formulas is 200');
like($html, qr{identity <math><semantics><mrow><msup><mi>e</mi>},
    'inline $...$ is MathML');
like($html, qr{<math display="block"><semantics><mrow><munderover>},
    'display $$...$$ over lines is block MathML');
like($html, re(qr{<math display="block"><semantics><mrow><mrow>},
      qr{<mo fence="true" form="prefix" stretchy="true">\(</mo><mtable>}),
    '```math with pmatrix is a table in parentheses');
like($html, re(qr{<annotation encoding="application/x-tex">},
      qr{e\^\{i\\pi\} \+ 1 = 0</annotation>}),
    'the TeX source is the annotation');
like($html, re(qr{It costs \$5 and \$10\. Run <code>echo \$HOME</code> then },
      qr{echo \$PATH too\.}), 'prices, shell variables and code stay text');
like($html, qr{Escaped: \$x\$\.}, 'an escaped dollar is a dollar');
unlike($html, qr{<script}, 'no script in the article');
unlike($r->{body}, qr{<script[^>]*\bsrc=}, 'the page loads no script');

# errors

$r = $t->get('/errors.md');
$html = article_html($r->{body});

is($r->{status}, 200, 'formulas that do not parse: the page is 200');
like($html, re(qr{Unknown: <code class="math-error" title="unknown command },
      qr{\\nope">\\nope\{&lt;b&gt;\}</code> here\.}),
    'an unknown command is an error element showing the escaped source');
like($html, re(qr{Unbalanced: <code class="math-error" title="missing \}">},
      qr{\\frac\{a\}\{b</code> and after\.}),
    'unbalanced braces are an error element, the text after it intact');
like($html, qr{Deep: <math>}, 'the formula after them renders');

$r = $t->get('/deep.md');
like(article_html($r->{body}),
    qr{<code class="math-error" title="nested too deeply">.*After\.}s,
    'nesting deeper than the limit is an error element');

# a 1 MB formula within the default budgets (5 s, scaled, and 128 MB)

$r = $t->get('/big.md');
is($r->{status}, 200, 'a 1 MB formula: the page is 200');
like(article_html($r->{body}),
    qr{^<p>Before\.</p>\n<p><math display="block">.*<p>After\.</p>\n$}s,
    'a 1 MB formula renders as MathML within the budgets');

# every newline mode

for my $mode ('', 'hard/', 'block/') {
    my $h = article_html($t->get("/${mode}lines.md")->{body});
    my $name = $mode ? "newline " . substr($mode, 0, -1) : 'newline soft';

    ok(defined $h && $h =~ m{Inline <math><semantics><mrow><msub>}
        && $h =~ m{<math display="block"><semantics><mrow><mi>x</mi><mo>=}
        && $h !~ m{\$}, "$name: an inline and a display formula over lines");
}

# titles, the table of contents, the feed; in the feed of a scope with
# formulas off, the heading as written

$r = $t->get('/formulas.md');
like($r->{body}, qr{<title>The E=mc\^2 law</title>},
    'a formula in the first heading gives the title its TeX');

$r = $t->get('/toc/toc.md');
like($r->{body}, qr{<title>Notes on \\alpha</title>},
    'the title with a formula, through a template');
like($r->{body}, qr{<a href="#the-sum-sum-x_i">The sum \\sum x_i</a>},
    'a formula in a heading gives the table of contents its TeX');
like($r->{body}, qr{<h2 id="the-sum-sum-x_i">The sum <math>},
    'the heading itself shows the MathML');

$r = $t->get('/feed.atom');
like($r->{body}, qr{<title[^>]*>The E=mc\^2 law</title>},
    'the feed titles an article as the page does: a formula as its TeX');

$r = $t->get('/plain/feed.atom');
like($r->{body}, qr{<title[^>]*>The \$E=mc\^2\$ law</title>},
    'article_render_math off: the feed shows the heading as written');

# sanitize mode: the core's MathML kept, the author's raw <math> not

$html = article_html($t->get('/raw.md')->{body});
like($html, qr{<math><semantics><mrow><mfrac><mrow><mi>a</mi>},
    'sanitize mode keeps the core\'s MathML beside raw HTML');
unlike($html, qr{onclick|<mi onclick}, 'the author\'s raw <math> is '
    . 'not passed through');

# article_render_math off

$r = $t->get('/plain/formulas.md');
$html = article_html($r->{body});

like($html, qr{identity \$e\^\{i\\pi\} \+ 1 = 0\$},
    'article_render_math off: formulas stay text');
unlike($html, qr{<math}, 'article_render_math off: no MathML');
isnt($r->{headers}{etag}, $t->get('/formulas.md')->{headers}{etag},
    'article_render_math is part of the ETag');
