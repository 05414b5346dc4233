#!/usr/bin/perl

# GitHub's alerts and highlighted code in the built-in template, in
# headless Chromium: the five boxes have their titles and icons, each
# kind its own colour in the light, dark and print schemes; the code's
# tokens have their colours in each scheme; titles and tokens readable
# on their backgrounds (WCAG contrast of at least 4.5); nothing
# overflowing the page at phone and desktop widths.  A screenshot of
# each scheme and width is kept in $BUILD/artefacts/ (TEST_ARTEFACTS
# overrides it).

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

$t->write_file('site/alerts.md', <<'EOF2');
# Alerts

> [!NOTE]
> Useful information that readers should know, even when skimming.

> [!TIP]
> Helpful advice for doing things better or more easily:
>
> ```sh
> make test
> ```

> [!IMPORTANT]
> Key information readers need to know to achieve their goal.
>
> - first
> - second

> [!WARNING]
> Urgent information that needs immediate attention to avoid problems,
> written long enough to wrap over several lines on a narrow screen.

> [!CAUTION]
> Advises about risks or negative outcomes of certain actions.

> An ordinary quote, for comparison.

```js
// greets the reader
function greet(name) {
    const words = ["Hello", name];
    return words.join(", ") + "!\n" + 42;
}
```

```diff
--- a/greet.js
+++ b/greet.js
@@ -1,2 +1,2 @@
-const greeting = "Hi";
+const greeting = "Hello";
```
EOF2

my $config = <<'EOF2';
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_highlight on;
    }
}
EOF2

# a module built without GNU source-highlight refuses the directive: its
# code is plain, and the tests of the code's colours are skipped

$t->config($config);

my ($highlight, $out) = $t->test_config();

if (!$highlight) {
    BAIL_OUT("nginx -t failed: $out")
        unless $out =~ /"article_render_highlight" directive is on, but/;
    $t->config($config =~ s/^\s*article_render_highlight on;\n//mr);
}

$t->plan(66)->run();

my $url = 'http://127.0.0.1:' . $t->port() . '/alerts.md';

my $artefacts = $ENV{TEST_ARTEFACTS}
    || ($ENV{BUILD} || "$FindBin::Bin/../build") . '/artefacts';

make_path($artefacts);

my @kinds = qw(note tip important warning caution);
my %title = (note => 'Note', tip => 'Tip', important => 'Important',
    warning => 'Warning', caution => 'Caution');

# the colours of the built-in template, scheme by scheme

my %colour = (
    light => { note => '#0969da', tip => '#1a7f37', important => '#8250df',
               warning => '#9a6700', caution => '#d1242f' },
    dark => { note => '#4493f8', tip => '#3fb950', important => '#ab7df8',
              warning => '#d29922', caution => '#f85149' },
    print => { note => '#0550ae', tip => '#116329', important => '#6639ba',
               warning => '#7d4e00', caution => '#a40e26' },
);

sub rgb {
    my ($hex) = @_;
    return sprintf('rgb(%d, %d, %d)', map { hex } $hex =~ /^#(..)(..)(..)$/);
}

# WCAG 2 contrast ratio of two "rgb(r, g, b)" colours

sub luminance {
    my @c = map { $_ / 255 } $_[0] =~ /(\d+), (\d+), (\d+)/;
    @c = map { $_ <= 0.03928 ? $_ / 12.92 : (($_ + 0.055) / 1.055) ** 2.4 }
        @c;
    return 0.2126 * $c[0] + 0.7152 * $c[1] + 0.0722 * $c[2];
}

sub contrast {
    my ($l1, $l2) = sort { $b <=> $a } map { luminance($_) } @_;
    return ($l1 + 0.05) / ($l2 + 0.05);
}

sub style {
    my ($b, $selector, $property) = @_;
    return $b->evaluate("getComputedStyle(document.querySelector("
        . "'$selector')).$property");
}

my $b = ArticleRender::Browser->new();

$b->viewport(1280, 800);
$b->navigate($url);

is_deeply($b->evaluate('[].map.call(document.querySelectorAll('
    . '".markdown-alert"), function (e) { return e.className; })'),
    [ map { "markdown-alert markdown-alert-$_" } @kinds ],
    'DOM: the five alerts, in order');
is_deeply($b->evaluate('[].map.call(document.querySelectorAll('
    . '".markdown-alert-title"), function (e) { return e.textContent; })'),
    [ map { $title{$_} } @kinds ], 'DOM: each alert has its title');
is($b->evaluate('document.querySelectorAll("blockquote").length'), 1,
    'DOM: the ordinary quote stays a quote');
ok($b->evaluate('document.querySelector(".markdown-alert-tip pre code")')
    && $b->evaluate('document.querySelector('
    . '".markdown-alert-important ul")'),
    'DOM: the code block and the list are inside their alerts');
is_deeply($b->evaluate('[].map.call(document.querySelectorAll('
    . '".markdown-alert-icon"), function (e) { var r ='
    . ' e.getBoundingClientRect(); return r.width + "x" + r.height; })'),
    [ ('16x16') x 5 ], 'the icons are 16 px squares');
ok($b->evaluate('(function () { var t = document.querySelector('
    . '".markdown-alert-note .markdown-alert-title"), i = t.querySelector('
    . '"svg").getBoundingClientRect(), r = document.createRange();'
    . ' r.selectNodeContents(t.lastChild); var w ='
    . ' r.getBoundingClientRect(); return i.right <= w.left'
    . ' && Math.abs((i.top + i.bottom) - (w.top + w.bottom)) < 8; })()'),
    'an icon sits before its title word, on the same line');

for my $scheme (qw(light dark print)) {
    $b->send('Emulation.setEmulatedMedia',
        media => $scheme eq 'print' ? 'print' : '',
        features => [ { name => 'prefers-color-scheme',
            value => $scheme eq 'dark' ? 'dark' : 'light' } ]);

    my $bg = style($b, 'body', 'backgroundColor');

    for my $kind (@kinds) {
        my $want = rgb($colour{$scheme}{$kind});
        my $sel = ".markdown-alert-$kind";

        is(style($b, $sel, 'borderLeftColor') . ' '
            . style($b, "$sel .markdown-alert-title", 'color'),
            "$want $want", "$scheme: the $kind alert's bar and title are "
            . $colour{$scheme}{$kind});

        my $c = contrast(style($b, "$sel .markdown-alert-title", 'color'),
            $bg);

        ok($c >= 4.5, "$scheme: the $kind title contrasts with the page"
            . sprintf(' (%.2f:1)', $c));
    }
}

is(style($b, '.markdown-alert', 'breakInside'), 'avoid',
    'print: an alert is not split across pages');

# the code's colours, scheme by scheme, and their contrast with the
# code's background (or the token's own, for a diff's lines)

my %code = (
    light => { keyword => '#cf222e', string => '#0a3069',
               comment => '#59636e', number => '#0550ae',
               function => '#8250df', inserted => '#116329',
               deleted => '#82071e' },
    dark => { keyword => '#ff7b72', string => '#a5d6ff',
              comment => '#9198a1', number => '#79c0ff',
              function => '#d2a8ff', inserted => '#aff5b4',
              deleted => '#ffdcd7' },
    print => { keyword => '#a40e26', string => '#0a3069',
               comment => '#444444', number => '#0550ae',
               function => '#6639ba', inserted => '#116329',
               deleted => '#82071e' },
);

SKIP: {
    skip 'the module is built without GNU source-highlight', 21
        unless $highlight;

    for my $scheme (qw(light dark print)) {
        $b->send('Emulation.setEmulatedMedia',
            media => $scheme eq 'print' ? 'print' : '',
            features => [ { name => 'prefers-color-scheme',
                value => $scheme eq 'dark' ? 'dark' : 'light' } ]);

        for my $class (sort keys %{ $code{$scheme} }) {
            my $sel = "pre .$class";
            my $got = style($b, $sel, 'color');
            my $want = rgb($code{$scheme}{$class});

            my $bg = style($b, $sel, 'backgroundColor');
            $bg = style($b, 'pre', 'backgroundColor')
                if $bg eq 'rgba(0, 0, 0, 0)';

            my $c = contrast($got, $bg);

            ok($got eq $want && $c >= 4.5, "$scheme: code's $class is "
                . $code{$scheme}{$class} . sprintf(' (%.2f:1)', $c))
                or diag("got $got on $bg");
        }
    }
}

$b->send('Emulation.setEmulatedMedia', media => '', features => []);

# screenshots: light and dark at phone and desktop widths

for my $scheme (qw(light dark)) {
    $b->send('Emulation.setEmulatedMedia',
        features => [ { name => 'prefers-color-scheme', value => $scheme } ]);

    for my $width (375, 1280) {
        $b->viewport($width, 800);
        $b->navigate($url);

        my $png = $b->screenshot_page();
        my $name = "$artefacts/github-$scheme-$width.png";

        open my $fh, '>:raw', $name or die "$name: $!\n";
        print $fh $png;
        close $fh;

        my ($w) = ArticleRender::Browser::png_size($png);

        is($w, $width, "$scheme at $width px: the screenshot ($name) is"
            . " $width px wide");
        is($b->evaluate('document.documentElement.scrollWidth'), $width,
            "$scheme at $width px: the page does not scroll sideways");
    }
}

$b->close();
