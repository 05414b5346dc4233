#!/usr/bin/perl

# Formulas in a real browser.  Headless Chromium loads a page of
# formulas, one for each construct the converter knows, and lays the
# MathML out itself: a numerator sits above its denominator, a
# superscript above its base's baseline, a display formula is a block,
# aligned columns meet at the relation, and in dark mode the formulas
# take the page's light text.  Screenshots of the page in light and in
# dark are kept as the test's artefacts: in $BUILD/math-screenshots when
# BUILD is set (make test sets it), else in the test's directory.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use File::Path qw(make_path);
use Test::More;
use ArticleRender::Test;
use ArticleRender::Browser;

my $why = ArticleRender::Browser::skip_reason();
plan(skip_all => $why) if $why;

my $t = ArticleRender::Test->new();

$t->write_file('site/formulas.md', <<'EOF');
# Formulas

Greek and symbols: $\alpha, \beta, \Gamma, \infty, \partial, \nabla$;
operators and relations: $a \times b \leq c \neq d \in \mathbb{R}$;
arrows: $f: A \to B \implies x \mapsto y$.

Fractions $\frac{a+b}{c}$, $\dfrac{1}{2}$ and $\binom{n}{k}$; roots
$\sqrt{x^2+y^2}$ and $\sqrt[3]{8}$; scripts $x_i^2$ and $f'(x)$.

Accents: $\hat{x}, \bar{y}, \vec{v}, \dot{a}, \tilde{n},
\overline{AB}, \underline{cd}$.

Fonts: $\mathrm{d}x, \mathbf{v}, \mathit{ab}, \mathbb{Z}, \mathcal{L},
\operatorname{tr} A$ and $\text{if } x > 0$, spacing $a\,b\;c\quad d$.

$$
\sum_{i=1}^{n} i = \frac{n(n+1)}{2}, \qquad
\int_0^1 x^2\,dx = \frac{1}{3}, \qquad
\prod_{k=1}^{n} k = n!, \qquad
\lim_{x \to 0} \frac{\sin x}{x} = 1
$$

$$
\left( \frac{a}{b} \right)^2 = \left\{ x \middle| x > 0 \right\}
$$

```math
A = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}, \quad
B = \begin{bmatrix} a & b \\ c & d \end{bmatrix}, \quad
\det \begin{vmatrix} x & y \\ z & w \end{vmatrix}
```

$$
|x| = \begin{cases} x & \text{if } x \ge 0 \\ -x & \text{otherwise}
\end{cases}
$$

$$
\begin{aligned}
(a+b)^2 &= a^2 + 2ab + b^2 \\
        &= b^2 + 2ab + a^2
\end{aligned}
$$

$$
\begin{array}{l|cr} a & b & c \\ \hline 10 & 20 & 30 \end{array}
\qquad
\begin{gathered} x = 1 \\ y = 2 \end{gathered}
\qquad
\begin{matrix} p & q \\ r & s \end{matrix}
$$

| formula | value |
|---------|-------|
| $e^{i\pi}$ | $-1$ |
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

$t->plan(12)->run();

my $base = 'http://127.0.0.1:' . $t->port();
my $shots = $ENV{BUILD} ? "$ENV{BUILD}/math-screenshots"
                        : $t->path('screenshots');

make_path($shots);

my $b = ArticleRender::Browser->new();

$b->viewport(1000, 800);
$b->navigate("$base/formulas.md");

is($b->evaluate('document.querySelectorAll("math").length'), 22,
    'the page has its 22 formulas as <math> elements');
is($b->evaluate('document.querySelectorAll(".math-error").length'), 0,
    'no formula on the page is an error');

# MathML laid out by the browser, not shown as text

ok($b->evaluate('(function () {'
    . ' var f = document.querySelector("mfrac");'
    . ' var n = f.children[0].getBoundingClientRect();'
    . ' var d = f.children[1].getBoundingClientRect();'
    . ' return n.height > 0 && n.bottom <= d.top + 1; })()'),
    'a numerator is laid out above its denominator');
ok($b->evaluate('(function () {'
    . ' var s = document.querySelector("msubsup, msup");'
    . ' var base = s.children[0].getBoundingClientRect();'
    . ' var sup = s.children[s.children.length - 1]'
    . '.getBoundingClientRect();'
    . ' return sup.top < base.top; })()'),
    'a superscript is raised above its base');
like($b->evaluate('getComputedStyle(document.querySelector('
    . '"math[display=block]")).display'), qr/^block/,
    'a display formula is a block');
ok($b->evaluate('(function () {'
    . ' var m = document.querySelector("math[display=block]")'
    . '.getBoundingClientRect();'
    . ' var p = document.querySelector("article p")'
    . '.getBoundingClientRect();'
    . ' return m.height > p.height / 3 && m.width > 100; })()'),
    'a display formula with limits is laid out larger than a line');
ok($b->evaluate('(function () {'
    . ' var r = document.querySelectorAll("mtd.math-ar");'
    . ' var l = document.querySelectorAll("mtd.math-al");'
    . ' return r.length == 2 && l.length == 2'
    . ' && Math.abs(r[0].getBoundingClientRect().right'
    . ' - r[1].getBoundingClientRect().right) < 1'
    . ' && Math.abs(l[0].getBoundingClientRect().left'
    . ' - l[1].getBoundingClientRect().left) < 1; })()'),
    'aligned: the rows meet at the relation');
ok($b->evaluate('document.querySelector("td math")'
    . '.getBoundingClientRect().width > 0'),
    'a formula in a table cell is laid out');

my $light = $b->screenshot_page();

open my $fh, '>:raw', "$shots/formulas-light.png" or die "$shots: $!\n";
print $fh $light;
close $fh;

is((ArticleRender::Browser::png_size($light))[0], 1000,
    'the light screenshot is taken, the page not wider than the window');

$b->send('Emulation.setEmulatedMedia',
    features => [ { name => 'prefers-color-scheme', value => 'dark' } ]);

is($b->evaluate('getComputedStyle(document.querySelector("math")).color'),
    'rgb(230, 237, 243)', 'prefers-color-scheme dark: formulas in light text');

my $dark = $b->screenshot_page();

open $fh, '>:raw', "$shots/formulas-dark.png" or die "$shots: $!\n";
print $fh $dark;
close $fh;

is((ArticleRender::Browser::png_size($dark))[0], 1000,
    'the dark screenshot is taken');
isnt($dark, $light, 'the dark screenshot differs from the light one');

$b->close();

diag("screenshots in $shots") if $ENV{TEST_NGINX_VERBOSE};
