#!/usr/bin/perl

# The page title: the first heading's plain text, or the file name.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

my $t = ArticleRender::Test->new();

$t->write_file('site/escaped.md', qq{# A <b> & "c" 'd'\n\nText.\n});
$t->write_file('site/inline.md',
    "# The *quick* `code` **bold** [link](https://x.org/)\n");
$t->write_file('site/first.md',
    "Intro paragraph.\n\n## Second level first\n\n# Later top level\n");
$t->write_file('site/setext.md', "Line one\nline two\n========\n\nText.\n");
$t->write_file('site/empty-heading.md', "#\n\nText only.\n");
$t->write_file('site/notes/my-page.md', "No heading here.\n");
$t->write_file('site/a&b<c>.md', "Nothing.\n");
$t->write_file('site/x.y.markdown', "Nothing.\n");
$t->write_file('site/Report.MD', "Nothing.\n");

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location /escape/ {
            alias %%TESTDIR%%/site/;
            article_render_html escape;
        }
    }
}
EOF

$t->plan(10)->run();

sub title {
    my ($uri) = @_;

    my $r = $t->get($uri) or return undef;
    my ($title) = $r->{body} =~ m{<title>(.*?)</title>}s;

    return $title;
}

is(title('/escaped.md'), 'A  &amp; &quot;c&quot; &#39;d&#39;',
    'title is the first heading, raw HTML left out, the rest escaped');
is(title('/escape/escaped.md'),
    'A &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;',
    'article_render_html escape: title is the first heading, HTML-escaped');
is(title('/inline.md'), 'The quick code bold link',
    'emphasis, code and links in the heading are flattened to text');
is(title('/first.md'), 'Second level first',
    'the first heading of any level gives the title');
is(title('/setext.md'), 'Line one line two',
    'setext heading title has its line break as a space');
is(title('/empty-heading.md'), 'empty-heading',
    'an empty first heading falls back to the file name');
is(title('/notes/my-page.md'), 'my-page',
    'no heading: title is the file name without suffix');
is(title('/a%26b%3Cc%3E.md'), 'a&amp;b&lt;c&gt;',
    'file name title is HTML-escaped');
is(title('/x.y.markdown'), 'x.y',
    'file name title drops only the .markdown suffix');
is(title('/Report.MD'), 'Report',
    'file name title drops a suffix matched without case');
