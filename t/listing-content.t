#!/usr/bin/perl

# What the index page, the feed and the sitemap say of each article,
# through real nginx: titles, dates and descriptions from each source,
# drafts, ties, subdirectories, names that need escaping (each link
# leads to its article), and the Atom feed and the sitemap read by an
# XML parser with the elements RFC 4287 and sitemaps.org require.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

my $t = ArticleRender::Test->new();

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_index on;
        article_render_feed feed.atom;
        article_render_sitemap sitemap.xml;

        location /reports/ {
            article_render_newline block;
        }
    }
}
EOF

my $long = join ' ', map { "word$_" } 1 .. 80;

my %articles = (
    'fm.md'        => "---\ntitle: From the front matter\n"
                    . "date: 2024-03-01\n"
                    . "description: Said in the front matter.\n---\n\n"
                    . "# Not the title\n\nNot the description.\n",
    'heading.md'   => "---\ndate: 2024-02-01T10:30:00+02:00\n"
                    . "updated: 2024-05-05T00:00:00Z\n---\n\n"
                    . "Some words before.\n\n## From the heading\n\n"
                    . "More.\n",
    'plain-name.md' => "Only a paragraph, $long\n",
    'draft.md'     => "---\ntitle: A draft\ndraft: true\n---\n\nSecret.\n",
    'tie-b.md'     => "---\ntitle: Bravo\ndate: 2023-01-01\n---\n\nB.\n",
    'tie-a.md'     => "---\ntitle: Alpha\ndate: 2023-01-01\n---\n\nA.\n",
    'a b.md'       => "---\ntitle: Spaced\ndate: 2022-01-01\n---\n\nS.\n",
    "\x{c3}\x{bc}n\x{c3}\x{af}.md"
                   => "---\ntitle: Uni\ndate: 2022-01-02\n---\n\nU.\n",
    q{x&y<z>"q'.md} => "---\ntitle: Marks & <signs> \"q\" 'a'\n"
                    . "date: 2022-01-03\n---\n\nM.\n",
);

$t->write_file("site/blog/$_", $articles{$_}) for keys %articles;

# the file's own time is the date of an article without one
utime 1_600_000_000, 1_600_000_000, $t->path('site/blog/plain-name.md');

$t->write_file('site/blog/sub/index.md', "# The sub section\n\nIntro.\n");
$t->write_file('site/blog/sub/deep.md', "# Deep\n\nBelow.\n");
$t->write_file('site/blog/bare/x.md', "# X\n");
$t->write_file('site/blog/nothing/readme.txt', "no articles\n");
$t->write_file('site/blog/drafts/d.md', "---\ndraft: true\n---\n\n# D\n");
$t->write_file('site/void/readme.txt', "no articles\n");

# one block per line, as exported: the scope reads it as it renders it
$t->write_file('site/reports/harbour.md', "Harbour plan approved\n"
    . "The council approved the plan on Monday.\n"
    . "Work starts next year.\n");

$t->plan(40)->run();

my $index = $t->get('/blog/')->{body};

like($index, qr{>From the front matter<}, 'title: from the front matter');
like($index, qr{>From the heading<}, 'title: from the first heading');
like($index, qr{href="plain-name\.md"[^>]*>plain-name<},
    'title: from the file name');
like($index, qr{Said in the front matter\.}, 'description: front matter');
unlike($index, qr{Not the description}, 'description: not the paragraph');

my ($cut) = $index =~ m{(Only a paragraph, [^<]*)};
ok(defined $cut && length($cut) < 240 && length($cut) > 150,
    'description: the first paragraph, cut near 200 characters');
like($cut // '', qr/word\d+\s*\x{e2}\x{80}\x{a6}$|word\d+\s*&hellip;$/,
    'description: cut at a word boundary, with an ellipsis');

like($index, qr{datetime="2024-03-01"}, 'date: a YAML date');
like($index, qr{datetime="2024-02-01T08:30:00Z"|datetime="2024-02-01T10:30:00\+02:00"},
    'date: an RFC 3339 timestamp');
like($index, qr{datetime="2020-09-13}, 'date: the file time without one');

unlike($index, qr{A draft}, 'draft: not in the index');
is($t->get('/blog/draft.md')->{status}, 200, 'draft: still served');

like($index, qr{From the front matter.*From the heading}s,
    'order: newest first');
like($index, qr{>Alpha<.*>Bravo<}s, 'order: a tie by title');

like($index, qr{href="sub/"[^>]*>The sub section<},
    'subdirectory: with its index article\'s title');
like($index, qr{href="bare/"[^>]*>bare<}, 'subdirectory: with its name');
unlike($index, qr{href="nothing/"}, 'subdirectory: none without articles');
unlike($index, qr{href="drafts/"}, 'subdirectory: none with drafts only');
like($index, qr{href="[^"]*\.md".*href="sub/"}s,
    'subdirectories after the articles');

# every link of the index leads to its article

my @links = $index =~ m{href="([^"#]+\.md)"}g;
my @bad = grep { $t->get("/blog/" . unescape_html($_))->{status} != 200 }
    @links;
is(scalar(@links), 8, 'links: one per listed article');
is("@bad", '', 'links: each leads to its article');
like($index, qr{>Marks &amp; &lt;signs&gt; (?:&quot;|")q(?:&quot;|") (?:&#39;|&apos;|')a(?:&#39;|&apos;|')<},
    'a title with marks, escaped');

my $reports = $t->get('/reports/')->{body};
like($reports, qr{href="harbour\.md">Harbour plan approved<},
    'newline block: the title as the page has it');
like($reports, qr{<p>The council approved the plan on Monday\.</p>},
    'newline block: the first block for a description');
like($t->get('/reports/harbour.md')->{body},
    qr{<title>Harbour plan approved</title>}, 'newline block: the page\'s');

my $void = $t->get('/void/');
is($void->{status}, 200, 'a directory without articles: a page');
unlike($void->{body}, qr{href="[^"]*\.md"}, 'a directory without articles');

# the feed

my $feed = $t->get('/blog/feed.atom', Host => 'blog.example')->{body};
ok(xml_ok($feed), 'feed: well-formed');

my $atom = "/*[local-name()='feed']";
is(xpath($feed, "count($atom/*[local-name()='entry'])"), 8,
    'feed: an entry for each article but the draft');
is(xpath($feed, "count($atom/*[local-name()='id'])"
    . " + count($atom/*[local-name()='title'])"
    . " + count($atom/*[local-name()='updated'])"), 3,
    'feed: its id, title and updated');
ok(xpath($feed, "count($atom/*[local-name()='author'])") >= 1
    || xpath($feed, "count($atom/*[local-name()='entry'][not("
        . "*[local-name()='author'])])") == 0,
    'feed: an author for every entry');
is(xpath($feed, "count($atom/*[local-name()='entry'][*[local-name()='id']"
    . " and *[local-name()='title'] and *[local-name()='updated']])"), 8,
    'feed: every entry with id, title and updated');
like(xpath($feed, "string($atom/*[local-name()='updated'])"),
    qr/^2024-05-05T00:00:00Z$/, 'feed: updated is the newest article\'s');
like($feed, qr{<published>2024-03-01T00:00:00Z</published>},
    'feed: published where the article has a date');
like($feed, qr{<summary[^>]*>Said in the front matter\.</summary>},
    'feed: the summary');

my @hrefs = map { s{^http://blog\.example:\d+}{}r }
    $feed =~ m{<link[^>]*href="(http://blog\.example[^"]*\.md)"}g;
@bad = grep { $t->get(unescape_uri_xml($_))->{status} != 200 } @hrefs;
is("@bad", '', 'feed: each link leads to its article');

# the sitemap

my $map = $t->get('/blog/sitemap.xml')->{body};
ok(xml_ok($map), 'sitemap: well-formed');

my $urls = "/*[local-name()='urlset']/*[local-name()='url']";
is(xpath($map, "count($urls)"), 11,
    'sitemap: every article but drafts, at and below');
is(xpath($map, "count($urls\[*[local-name()='loc'] and"
    . " *[local-name()='lastmod']])"), 11, 'sitemap: each with loc and lastmod');
like($map, qr{/blog/sub/deep\.md</loc>}, 'sitemap: a subdirectory\'s');

$t->stop();


sub unescape_html {
    my ($s) = @_;
    $s =~ s/&quot;/"/g;
    $s =~ s/&#39;|&apos;/'/g;
    $s =~ s/&lt;/</g;
    $s =~ s/&gt;/>/g;
    $s =~ s/&amp;/&/g;
    return $s;
}

# a link as the feed writes it, as a client asks for it: entities
# resolved, the percent escapes kept

sub unescape_uri_xml {
    return unescape_html($_[0]);
}

sub xml_file {
    my ($xml) = @_;

    my $file = $t->path('check.xml');
    open my $fh, '>', $file or die "$file: $!";
    print $fh $xml;
    close $fh;

    return $file;
}

sub xml_ok {
    return system('xmllint', '--noout', xml_file($_[0])) == 0;
}

sub xpath {
    my ($xml, $expr) = @_;

    my $file = xml_file($xml);
    my $out = `xmllint --xpath "$expr" $file 2>/dev/null`;
    $out =~ s/\s+\z//;

    return $out;
}
