#!/usr/bin/perl

# Fragments as GitHub resolves them: a link to "#Mixed-Case" on a page
# whose heading id is "mixed-case" scrolls to that heading, through the
# built-in template's inline script, in Chromium: on arriving with the
# fragment in the address, and on following an in-page link.  An id that
# matches exactly is left to the browser.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;
use ArticleRender::Browser;

my $why = ArticleRender::Browser::skip_reason();
plan(skip_all => $why) if $why;

my $t = ArticleRender::Test->new();

my $filler = join("\n", map { "Paragraph $_ of the filler.\n" } 1 .. 80);

$t->write_file('site/page.md', <<"EOF");
# Top

[To the section](#Mixed-Case) and [to the exact one](#Exact).

$filler

## Mixed Case

The section.

$filler

<a id="Exact"></a>

## exact

The exact target.

$filler
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

$t->plan(6)->run();

my $base = 'http://127.0.0.1:' . $t->port();
my $b = ArticleRender::Browser->new();

$b->viewport(800, 600);

# where the heading is in the viewport: near its top once scrolled to

my $top = 'Math.round(document.getElementById("mixed-case")'
    . '.getBoundingClientRect().top) + 0';

sub wait_for {
    my ($cond) = @_;

    my $limit = 10 * ArticleRender::Test::slow();

    return $b->send('Runtime.evaluate', awaitPromise => JSON::PP::true,
        returnByValue => JSON::PP::true, expression => <<"EOF")
new Promise(function (done) {
    var end = Date.now() + $limit * 1000;
    (function check() {
        if ($cond) {
            done(true);
        } else if (Date.now() > end) {
            done(false);
        } else {
            setTimeout(check, 20);
        }
    })();
})
EOF
        ->{result}{value};
}

$b->navigate("$base/page.md#Mixed-Case");

ok(wait_for("window.scrollY > 0 && $top >= 0 && $top < 100"),
    'arriving at #Mixed-Case: the page is scrolled to the heading '
    . '"mixed-case" (top at ' . $b->evaluate($top) . ' px)');
is($b->evaluate('location.hash'), '#Mixed-Case',
    'arriving at #Mixed-Case: the address keeps the fragment');

$b->navigate("$base/page.md");

is($b->evaluate('window.scrollY'), 0, 'without a fragment: at the top');

$b->evaluate('document.querySelector(\'a[href="#Mixed-Case"]\').click()');

ok(wait_for("window.scrollY > 0 && $top >= 0 && $top < 100"),
    'following a link to #Mixed-Case scrolls to the heading "mixed-case" '
    . '(top at ' . $b->evaluate($top) . ' px)');

# the author's id "Exact", which the sanitizer makes "user-content-Exact"
# as GitHub's does, wins over the heading "exact"

$b->navigate("$base/page.md?1#Exact");

my $exact = 'Math.round(document.getElementById("user-content-Exact")'
    . '.getBoundingClientRect().top) + 0';

ok(wait_for("window.scrollY > 0 && $exact >= 0 && $exact < 100"),
    'arriving at #Exact: the page is scrolled to the author\'s '
    . '"user-content-Exact" (top at ' . $b->evaluate($exact) . ' px), '
    . 'not to the heading "exact"');

$b->navigate("$base/page.md");
$b->evaluate('document.querySelector(\'a[href="#user-content-Exact"]\')'
    . '.click()');

ok(wait_for("window.scrollY > 0 && $exact >= 0 && $exact < 100"),
    'the link to #Exact, made #user-content-Exact by the sanitizer, goes '
    . 'there too');

$b->close();
