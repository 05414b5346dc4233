#!/usr/bin/perl

# article_render_newline soft | hard | block [noheadings]: articles
# written one block per line, such as harbour-report.md, rendered as
# their authors meant them.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

my $samples = "$FindBin::Bin/../conf.example/articles";

open my $fh, '<:raw', "$samples/harbour-report.md"
    or die "$samples/harbour-report.md: $!\n";
my $harbour = do { local $/; <$fh> };
close $fh;

$t->write_file('site/harbour-report.md', $harbour);
$t->write_file('site/harbour-report.txt', $harbour);

# CommonMark with blank lines: wrapped paragraphs, a lazy list line, a
# table row without pipes at its end, a line that looks like a title

$t->write_file('site/blank-lines.md', <<'EOF');
# Survey notes
Short Title Line
wrapped on a second line.

A paragraph that is
wrapped over three
lines.

- an item
lazy continuation of the item
- another item

| a | b |
|---|---|
| 1 | 2 |
not a row of its own

> A quote
> over two lines.
EOF

my $code = <<'EOF';
Section Title Inside Code
- not a list
a | b
--|--
> not a quote

    indented

<b>escaped</b> & kept
EOF

$t->write_file('site/fenced.md', "Code follows.\n```text\n" . $code
    . "```\nAfter the code.\n");

my $long = 'x' x 101;

$t->write_file('site/titles.md', <<"EOF");
Opening Line
Full stop.
Exclaimed!
Asked?
Colon:
Semicolon;
Comma,
$long
Title With Trailing Blanks   
- an item
Closing Words
EOF

$t->write_file('site/hard.md', "one\ntwo\n");

# configuration errors

my @bad = (
    [ 'article_render_newline lines;',
      'invalid value "lines" in "article_render_newline" directive, '
      . 'it must be "soft", "hard" or "block"' ],
    [ 'article_render_newline soft noheadings;',
      '"noheadings" applies to "block" only in "article_render_newline" '
      . 'directive' ],
    [ 'article_render_newline block headings;',
      'invalid parameter "headings" in "article_render_newline" directive' ],
    [ 'article_render_newline block noheadings extra;',
      'invalid number of arguments in "article_render_newline" directive' ],
    [ "article_render_newline block;\n        article_render_newline soft;",
      '"article_render_newline" directive is duplicate' ],
);

$t->plan(30 + 2 * @bad);

$t->bad_directive(@$_) for @bad;

# the server's "block noheadings" is inherited by /noheadings/; /block/
# and /soft/ set their own; the other server has the default, soft

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    default_type text/plain;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_newline block noheadings;
        add_header X-Cache $article_render_cache always;

        location /soft/ {
            alias %%TESTDIR%%/site/;
            article_render_newline soft;
        }

        location /block/ {
            alias %%TESTDIR%%/site/;
            article_render_newline block;
        }

        location /noheadings/ {
            alias %%TESTDIR%%/site/;
        }

        location /hard/ {
            alias %%TESTDIR%%/site/;
            article_render_newline hard;
        }

        location /reports/ {
            alias %%TESTDIR%%/site/;
            article_render_suffixes .txt;
            article_render_newline block;
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name default;
        root %%TESTDIR%%/site;

        article_render on;
    }
}
EOF

$t->run();

# The block structure of an article: block elements only, children in
# parentheses, e.g. "p ul(li li) table(thead(tr(th)) tbody(tr(td)))".

sub skeleton {
    my ($html) = @_;

    my $s = '';

    while ($html =~ m{<(/?)([a-z][a-z0-9]*)\b[^>]*>}g) {
        my ($close, $tag) = ($1, $2);

        next unless $tag =~ /^(?:p|h[1-6]|ul|ol|li|table|thead|tbody|tr|th
                               |td|blockquote|pre|hr|div|section|nav)$/x;

        if ($close) {
            $s .= ')' unless $s =~ s/\($//;
        } else {
            $s .= ' ' if $s ne '' && $s !~ /\($/;
            $s .= "$tag(";
        }
    }

    return $s;
}

sub unescape {
    my ($s) = @_;

    $s =~ s/&lt;/</g;
    $s =~ s/&gt;/>/g;
    $s =~ s/&quot;/"/g;
    $s =~ s/&#39;/'/g;
    $s =~ s/&amp;/&/g;

    return $s;
}

# The text of each paragraph, heading, list item and table cell, in
# order, as "tag: text"; a heading's self-link anchor left out.

sub leaves {
    my ($html) = @_;

    my @leaves;

    while ($html =~ m{<(p|h[1-6]|li|th|td)\b[^>]*>(.*?)</\1>}sg) {
        my ($tag, $text) = ($1, $2);
        $text =~ s{<a class="anchor"[^>]*>#</a>\z}{};
        push @leaves, "$tag: " . unescape($text);
    }

    return \@leaves;
}

# what harbour-report.md should be, read from the file itself

my %heading = map { $_ => 1 } ('What the Plan Covers',
    'Concerns Raised by Residents', 'What Happens Next');

my (@expect, $tables);

for my $line (split /\n/, $harbour) {
    if ($heading{$line}) {
        push @expect, "h2: $line";
    } elsif ($line =~ /^- (.*)/) {
        push @expect, "li: $1";
    } elsif ($line =~ /^-+\|/) {
        next;
    } elsif ($line =~ /\|/) {
        my @cells = map { s/^\s+|\s+$//gr } split /\|/, $line;
        my $tag = $tables++ % 4 == 0 ? 'th' : 'td';
        push @expect, map { "$tag: $_" } @cells;
    } else {
        push @expect, "p: $line";
    }
}

my $table = 'table(thead(tr(th th th)) tbody(tr(td td td) tr(td td td) '
    . 'tr(td td td)))';
my $structure = "p h2 p ul(li li li) p $table "
    . "h2 p ul(li li li) p $table h2 p";

my $r = $t->get('/block/harbour-report.md');
my $html = article_html($r->{body}) // '';

is($r->{status}, 200, 'harbour report under block answered 200');
is(skeleton($html), $structure,
    'harbour report under block: paragraphs, 3 h2, 2 lists of 3 items, '
    . '2 tables of 3x3 cells and 3 rows, nothing else in lists or tables');
is_deeply(leaves($html), \@expect,
    'harbour report under block: each line is its own block, each item '
    . 'and cell holds exactly its text');
like($html, qr{\A<p>City council approves a ten-year plan},
    'harbour report under block: the first line is a paragraph');
like($html, qr{<h2\ id="what-the-plan-covers">What\ the\ Plan\ Covers<a\ .*
                <h2\ id="concerns-raised-by-residents">.*
                <h2\ id="what-happens-next">}sx,
    'harbour report under block: section titles are h2 headings with ids');
like($r->{body}, qr{<title>What the Plan Covers</title>},
    'harbour report under block: the first heading is the page title');

$r = $t->get('/soft/harbour-report.md');
$html = article_html($r->{body}) // '';

unlike($html, qr{<table|<h2},
    'harbour report under soft: strict GFM shows no table and no heading');
is($r->{headers}{'x-cache'}, 'MISS',
    'the same file under soft is not answered from the block page');

$r = $t->get('/block/harbour-report.md');

is($r->{headers}{'x-cache'}, 'HIT', 'the block page is kept in the cache');

my $etag_block = $r->{headers}{etag} // '';
my $etag_soft = $t->get('/soft/harbour-report.md')->{headers}{etag} // '';
my $etag_nohead =
    $t->get('/noheadings/harbour-report.md')->{headers}{etag} // '';

isnt($etag_block, $etag_soft, 'soft and block pages have other ETags');
isnt($etag_block, $etag_nohead, 'block and noheadings pages have other ETags');

$r = $t->get('/soft/harbour-report.md', 'If-None-Match' => $etag_block);

is($r->{status}, 200, 'the block ETag does not validate the soft page');

# the default

is(article_html($t->get('/harbour-report.md', Host => 'default')->{body}),
    article_html($t->get('/soft/harbour-report.md')->{body}),
    'the default is soft: the harbour report renders as under soft');

# noheadings

$html = article_html($t->get('/noheadings/harbour-report.md')->{body}) // '';

(my $plain = $structure) =~ s/h2/p/g;

is(skeleton($html), $plain,
    'noheadings (inherited from the server): section titles stay '
    . 'paragraphs, all else as under block');
like($html, qr{<p>What the Plan Covers</p>},
    'noheadings: a section title is a plain paragraph');

# .txt articles

$r = $t->get('/reports/harbour-report.txt');

is($r->{status}, 200, '.txt article under block answered 200');
is($r->{headers}{'content-type'}, 'text/html; charset=utf-8',
    '.txt article under block sent as HTML');
is(skeleton(article_html($r->{body}) // ''), $structure,
    '.txt article under block has the structure of the .md one');
like($r->{body}, qr{<title>What the Plan Covers</title>},
    '.txt article under block is titled by its first heading');
is($t->get('/block/harbour-report.txt')->{body}, $harbour,
    '.txt without article_render_suffixes .txt is served as it is');

# text with blank lines

my $soft = article_html($t->get('/soft/blank-lines.md')->{body});

ok(defined $soft && $soft =~ /<table>/, 'blank-line article renders');
is(article_html($t->get('/block/blank-lines.md')->{body}), $soft,
    'an article with blank lines renders identically under soft and block');

# fenced code

$html = article_html($t->get('/block/fenced.md')->{body}) // '';

(my $escaped = $code) =~ s/&/&amp;/g;
$escaped =~ s/</&lt;/g;
$escaped =~ s/>/&gt;/g;

is($html, "<p>Code follows.</p>\n<pre><code class=\"language-text\">"
    . "$escaped</code></pre>\n<p>After the code.</p>\n",
    'fenced code is kept byte for byte under block, blank lines and all');

# the section title rule

$html = article_html($t->get('/block/titles.md')->{body}) // '';

is(skeleton($html), 'h2 p p p p p p p h2 ul(li) p',
    'title rule: headings only for lines followed by text, not ending in '
    . 'punctuation, of at most 100 characters, not list items');
like($html, qr{\A<h2 id="opening-line">Opening Line<a },
    'title rule: the first line may be a heading');
like($html,
    qr{<h2 id="title-with-trailing-blanks">Title With Trailing Blanks<a },
    'title rule: trailing blanks do not count and are dropped');
like($html, qr{<p>$long</p>},
    'title rule: a line of 101 characters stays a paragraph');
like($html, qr{<p>Closing Words</p>\n\z},
    'title rule: the last line stays a paragraph');

# hard

is(article_html($t->get('/hard/hard.md')->{body}), "<p>one<br />\ntwo</p>\n",
    'hard: a newline in a paragraph is a line break');
is(article_html($t->get('/soft/hard.md')->{body}), "<p>one\ntwo</p>\n",
    'soft: a newline in a paragraph is a soft break');
