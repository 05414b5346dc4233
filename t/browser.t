#!/usr/bin/perl

# The built-in template in a real browser.  Headless Chromium loads
# pages from nginx: the DOM (--dump-dom) shows the rendered tables,
# lists, headings and task lists of the sample articles; whole-page
# screenshots at phone (375 px) and desktop (1280 px) widths are exactly
# as wide as the viewport, so nothing overflows the page sideways; and,
# through the DevTools protocol, the page makes no request to another
# host, follows prefers-color-scheme, has a print stylesheet and shows a
# heading's self-link on hover.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Cwd qw(abs_path);
use Test::More;
use ArticleRender::Test;
use ArticleRender::Browser;

my $why = ArticleRender::Browser::skip_reason();
plan(skip_all => $why) if $why;

my $articles = abs_path("$FindBin::Bin/../conf.example/articles");

my $t = ArticleRender::Test->new();

# a table of numbers wider than a phone, a wide image, a long address
# and a long code line; and headings with the self-link markup of the
# heading anchors (raw HTML here, so article_render_unsafe is on)

$t->write_file('site/wide.md', <<'EOF');
# Yearly counts

| Site | 2014 | 2015 | 2016 | 2017 | 2018 | 2019 | 2020 | 2021 | 2022 | 2023 |
|------|------|------|------|------|------|------|------|------|------|------|
| Weir | 1140 | 1352 | 1311 | 1298 | 1420 | 1399 | 1288 | 1301 | 1376 | 1402 |

<img alt="wide" width="2000" height="100" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7">

The data: https://example.org/surveys/2023/counts-by-site-and-hour-for-every-transect.csv

```
sqlite3 counts.db "SELECT site, year, SUM(count) FROM sightings GROUP BY site, year ORDER BY site, year;"
```
EOF

$t->write_file('site/anchors.md', <<'EOF');
<h1 id="title"><a class="anchor" href="#title" aria-hidden="true">#</a>Title</h1>

<h2 id="section"><a class="anchor" href="#section" aria-hidden="true">#</a>A section</h2>

Text.
EOF

sub conf {
    my ($block) = @_;

    my $newline = $block ? <<"EOF" : '';
        location /block/ {
            alias $articles/;
            article_render_newline block;
        }
EOF

    $t->config(<<"EOF");
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root $articles;

        article_render on;

$newline
        location /extra/ {
            alias %%TESTDIR%%/site/;
            article_render_unsafe on;
        }
    }
}
EOF
}

# harbour-report.md needs "article_render_newline block" (issue 4); in a
# build without it, its tests are skipped with the reason

conf(1);

my ($ok, $out) = $t->test_config();
my $block_skip;

if (!$ok && $out =~ /unknown directive "article_render_newline"/) {
    $block_skip = 'this build has no "article_render_newline" directive '
        . '(nginx -t: unknown directive), so harbour-report.md is not '
        . 'rendered in block mode';
    conf(0);

} elsif (!$ok) {
    BAIL_OUT("nginx -t failed: $out");
}

$t->plan(40)->run();

my $base = 'http://127.0.0.1:' . $t->port();

# --dump-dom helpers: the markup is Chromium's serialization

sub text {
    my ($html) = @_;

    $html =~ s{<a\b[^>]*\bclass="anchor"[^>]*>.*?</a>}{}gs;
    $html =~ s{<[^>]+>}{}g;

    my %entity = (amp => '&', lt => '<', gt => '>', quot => '"');
    $html =~ s/&(amp|lt|gt|quot);/$entity{$1}/g;
    $html =~ s/&#39;/'/g;
    $html =~ s/\s+/ /g;
    $html =~ s/^ | $//g;

    return $html;
}

sub inner {
    my ($html, $tag) = @_;
    return $html =~ m{<$tag\b[^>]*>(.*?)</$tag>}gs;
}

sub headings {
    my ($html, $tag) = @_;
    return map { text($_) } inner($html, $tag);
}

# a table as [ [header cells], [row cells], ... ]

sub table {
    my ($html) = @_;

    my ($head) = inner($html, 'thead');
    my ($body) = inner($html, 'tbody');

    return [ [ map { text($_) } inner($head || '', 'th') ],
             map { [ map { text($_) } inner($_, 'td') ] }
                 inner($body || '', 'tr') ];
}

# gfm-showcase.md

my $dom = ArticleRender::Browser::dump_dom("$base/gfm-showcase.md");

is_deeply([ headings($dom, 'h1') ], [ 'Field Notes on the Spring Survey' ],
    'showcase DOM: the h1 is the article heading');
ok((grep { $_ eq 'Counts by site' } headings($dom, 'h2'))
    && (grep { $_ eq 'Method' } headings($dom, 'h2')),
    'showcase DOM: h2 "Counts by site" and "Method"');
is_deeply([ headings($dom, 'h3') ], [ 'Checklist' ],
    'showcase DOM: h3 "Checklist"');

my @tables = inner($dom, 'table');

is(scalar @tables, 1, 'showcase DOM: one table');
is_deeply(table($tables[0] || ''), [
    [ 'Site', 'Dawn', 'Dusk', 'Change' ],
    [ 'Weir', '14', '11', '-3' ],
    [ 'Old mill', '9', '12', '+3' ],
    [ 'Estuary E', '31', '28', '-3' ],
    [ 'Pipe | bar', '0', '1', '+1' ],
], 'showcase DOM: the table has its header and four rows of four cells');

my ($ol) = inner($dom, 'ol');
$ol = '' unless defined $ol;
(my $ol_top = $ol) =~ s{<ul>.*?</ul>}{}gs;
my ($nested) = inner($ol, 'ul');

is_deeply([ map { text($_) } inner($ol_top, 'li') ], [
    'Walk each transect once, at a steady pace.',
    'Record every sighting with its time.',
    'Submit the sheet the same day.',
], 'showcase DOM: the ordered list has its three items');
is_deeply([ map { text($_) } inner($nested || '', 'li') ], [
    'Note the weather.',
    'Note the tide height (dropped after week two).',
], 'showcase DOM: the nested list has its two items');
like($nested || '', qr{<del>Note the tide height</del>},
    'showcase DOM: strikethrough inside the nested list');

my @boxes = $dom =~ m{(<input\b[^>]*>)}g;

is(scalar(grep { /type="checkbox"/ && /disabled/ } @boxes), 3,
    'showcase DOM: three disabled task-list checkboxes');
is(scalar(grep { /\bchecked\b/ } @boxes), 2,
    'showcase DOM: two of them checked');
like($dom, qr{<sup\sclass="footnote-ref"><a\shref="\#fn-storm"
    .*<section\sclass="footnotes"[^>]*>.*<li\sid="fn-storm">}sx,
    'showcase DOM: footnote reference and footnote');
unlike(join('', inner($dom, 'article')), qr{<script}i,
    'showcase DOM: raw <script> in the article is no element');

# harbour-report.md under "article_render_newline block"

SKIP: {
    skip $block_skip, 5 if $block_skip;

    my $dom = ArticleRender::Browser::dump_dom("$base/block/"
        . 'harbour-report.md');

    is_deeply([ headings($dom, 'h2') ], [
        'What the Plan Covers',
        'Concerns Raised by Residents',
        'What Happens Next',
    ], 'block DOM: the three section titles are h2 headings');

    my @lists = inner($dom, 'ul');

    # the items are the "- " lines of the article, three and three

    open my $fh, '<', "$articles/harbour-report.md" or die "$!\n";
    my @items = map { /^- (.*)$/ ? $1 : () } <$fh>;
    close $fh;

    is_deeply([ map { [ map { text($_) } inner($_, 'li') ] } @lists ],
        [ [ @items[0 .. 2] ], [ @items[3 .. 5] ] ],
        'block DOM: two lists of three one-line items');
    ok(@lists == 2 && !grep({ /<(?:p|table|ul|ol|h\d)\b/ } @lists),
        'block DOM: no paragraph, table or heading inside the lists');

    my @tables = map { table($_) } inner($dom, 'table');

    is_deeply([ map { scalar @$_ } @tables ], [ 4, 4 ],
        'block DOM: two tables of a header and three rows');
    ok(@tables && !grep({ @$_ != 3 } map { @$_ } @tables),
        'block DOM: every header and row has three cells');
}

# whole-page screenshots: as wide as the viewport when nothing overflows

my $b = ArticleRender::Browser->new();
my $shots = $t->path('screenshots');
my @requests;

mkdir $shots;
$b->send('Network.enable');

for my $page ('gfm-showcase.md', 'extra/wide.md') {
    for my $width (375, 1280) {
        $b->viewport($width, 800);
        $b->navigate("$base/$page");

        my $png = $b->screenshot_page();
        (my $name = "$page-$width.png") =~ s{/}{-}g;

        open my $fh, '>:raw', "$shots/$name" or die "$shots/$name: $!\n";
        print $fh $png;
        close $fh;

        my ($w) = ArticleRender::Browser::png_size($png);

        is($w, $width, "$page at $width px: the screenshot is $width px "
            . 'wide');
        is($b->evaluate('document.documentElement.scrollWidth'), $width,
            "$page at $width px: the page does not scroll sideways");
    }
}

diag("screenshots kept in $shots") if $ENV{TEST_NGINX_LEAVE};

# the wide page at phone width: the table scrolls inside itself, the
# image shrinks to fit

$b->viewport(375, 800);
$b->navigate("$base/extra/wide.md");

ok($b->evaluate('(function () { var t = document.querySelector("table");'
    . ' return t.scrollWidth > t.clientWidth'
    . ' && t.getBoundingClientRect().right <= 375; })()'),
    'wide table at 375 px scrolls sideways inside the page');
ok($b->evaluate('document.querySelector("img").getBoundingClientRect()'
    . '.width <= 375'), 'wide image at 375 px fits the screen');

$b->viewport(1280, 800);
$b->navigate("$base/gfm-showcase.md");

my $measure = $b->evaluate('document.querySelector("article")'
    . '.getBoundingClientRect().width');

ok($measure > 500 && $measure < 800,
    "the article column at 1280 px is a readable measure ($measure px)");
like($b->evaluate('getComputedStyle(document.body).fontFamily'),
    qr/^system-ui,/, 'text uses the system font stack');
isnt($b->evaluate('getComputedStyle(document.querySelector("pre"))'
    . '.backgroundColor'),
    $b->evaluate('getComputedStyle(document.body).backgroundColor'),
    'code blocks have a background of their own');
is($b->evaluate('getComputedStyle(document.querySelector('
    . '"li > input[type=checkbox]").parentNode).listStyleType'), 'none',
    'task-list items have their checkbox instead of a bullet');

for my $e ($b->events()) {
    push @requests, $e->[1]{request}{url}
        if $e->[0] eq 'Network.requestWillBeSent';
}

my @elsewhere = grep { !m{^\Q$base\E/} && !/^data:/ } @requests;

ok(@requests >= 4, 'the browser requested the pages (' . @requests
    . ' requests seen)');
is(join(' ', @elsewhere), '', 'the pages request nothing from elsewhere');

# dark mode and print

$b->send('Emulation.setEmulatedMedia',
    features => [ { name => 'prefers-color-scheme', value => 'dark' } ]);

is($b->evaluate('getComputedStyle(document.body).backgroundColor'),
    'rgb(13, 17, 23)', 'prefers-color-scheme dark: a dark background');
is($b->evaluate('getComputedStyle(document.body).color'),
    'rgb(230, 237, 243)', 'prefers-color-scheme dark: light text');

$b->send('Emulation.setEmulatedMedia', media => 'print',
    features => [ { name => 'prefers-color-scheme', value => 'light' } ]);

like($b->evaluate('getComputedStyle(document.body).fontFamily'),
    qr/serif$/, 'print: text in a serif face');
is($b->evaluate('getComputedStyle(document.querySelector("table"))'
    . '.display'), 'table', 'print: tables print whole, not scrolled');
is($b->evaluate('getComputedStyle(document.querySelector('
    . '"a[href^=\'https:\']"), "::after").content'),
    '" (https://example.org/survey)"',
    'print: a link to another site shows its address');

$b->send('Emulation.setEmulatedMedia', media => '', features => []);

# heading self-links: hidden until the heading is hovered

$b->navigate("$base/extra/anchors.md");

my $anchor = 'getComputedStyle(document.querySelector("h2 a.anchor"))';

is($b->evaluate("$anchor.opacity"), '0',
    'heading self-link is hidden without hover');

my $rect = $b->evaluate('(function () { var r = document.querySelector('
    . '"h2").getBoundingClientRect(); return [r.x + r.width / 2,'
    . ' r.y + r.height / 2]; })()');

$b->send('Input.dispatchMouseEvent', type => 'mouseMoved',
    x => $rect->[0], y => $rect->[1]);

is($b->evaluate("$anchor.opacity"), '1',
    'heading self-link shows while the heading is hovered');

$b->close();
