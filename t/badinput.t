#!/usr/bin/perl

# Bad input: empty files, invalid UTF-8, NUL bytes, binary data and
# pathological Markdown give a clear page, never a crash.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

my $FFFD = "\xEF\xBF\xBD";

# deterministic binary data with every byte value and a script tag

my $binary = '';
my $x = 12345;

for (1 .. 8192) {
    $x = ($x * 1103515245 + 12345) % 2**31;
    $binary .= chr(($x >> 16) & 0xff);
}

$binary = join('', map { chr } 0 .. 255) . $binary . "\n<script>x</script>\n"
    . $binary;

$t->write_file('site/empty.md', '');
$t->write_file('site/latin1.md', "caf\xe9 and \xff\xfe end\n");
$t->write_file('site/truncated.md', "euro \xe2\x82");
$t->write_file('site/nul.md', "a\x00b\n");
$t->write_file('site/title.md', "# T\xff\x00\n\ntext\n");
$t->write_file('site/binary.md', $binary);
$t->write_file('site/deep.md', '> ' x 20000 . "deep\n\n"
    . '- ' x 20000 . "list\n\n" . '[' x 50000 . "\n\n" . '*a' x 50000
    . "\n\n" . '`' x 50000 . "\n");
$t->write_file('site/longline.md', 'word ' x 200000 . "\n");
$t->write_file('site/fnlabel.md', "[^\n\xc3\xa9cd]\n");
$t->write_file('site/good.md', "# Good\n\nStill fine.\n");

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location / {
        }

        location /nofootnotes/ {
            alias %%TESTDIR%%/site/;
            article_render_gfm table strikethrough autolink tagfilter
                               tasklist;
        }
    }
}
EOF

$t->plan(21)->run();

sub valid_utf8 {
    my ($s) = @_;
    return utf8::decode($s);
}

# empty

my $r = $t->get('/empty.md');

is($r->{status}, 200, 'empty article gives 200');
is(article_html($r->{body}), '', 'empty article gives an empty <article>');
like($r->{body}, qr{\A<!doctype html>.*<title>empty</title>.*</html>\n\z}s,
    'empty article gives a complete page titled by its file name');

# invalid UTF-8 and NUL bytes

is(article_html($t->get('/latin1.md')->{body}),
    "<p>caf$FFFD and $FFFD$FFFD end</p>\n",
    'invalid UTF-8 bytes replaced by U+FFFD');
is(article_html($t->get('/truncated.md')->{body}), "<p>euro $FFFD</p>\n",
    'truncated UTF-8 sequence at the end replaced by U+FFFD');

$r = $t->get('/nul.md');

is(article_html($r->{body}), "<p>a${FFFD}b</p>\n",
    'NUL byte replaced by U+FFFD');
unlike($r->{body}, qr/\x00/, 'no NUL byte in the page');

like($t->get('/title.md')->{body}, qr{<title>T$FFFD$FFFD</title>},
    'invalid bytes in the heading replaced by U+FFFD in the title');

# cmark-gfm 0.29.0.gfm.6 with footnotes on (the kin of
# github/cmark-gfm#282): an unmatched footnote reference whose label
# holds a line break loses text, and the cut can fall inside a UTF-8
# sequence, here inside U+00E9.  The core repairs what cmark-gfm emits.

$r = $t->get('/fnlabel.md');

ok(valid_utf8($r->{body}),
    'footnote-like label across a line break keeps the page UTF-8');

ok(valid_utf8($t->get('/nofootnotes/fnlabel.md')->{body}),
    'footnote-like label across a line break, footnotes off: valid UTF-8');

# binary

$r = $t->get('/binary.md');

is($r->{status}, 200, 'binary file with an article suffix gives 200');
is($r->{headers}{'content-length'}, length $r->{body},
    'binary article page has the right Content-Length');

# the data holds "[^" and a line break before "]", as above

ok(valid_utf8($r->{body}), 'binary article page is valid UTF-8');

unlike($r->{body}, qr/\x00/, 'binary article page has no NUL byte');
unlike(article_html($r->{body}), qr/<script|x<\/script/,
    'script tag inside binary data is removed with its content');

my $html = article_html($r->{body});
my @tags = $html =~ /<(?!\/?(?:p|h[1-6]|pre|code|ul|ol|li|em|strong|a
    |img|hr|br|blockquote|table|thead|tbody|tr|th|td|del|input)[\s>\/])
    (.{0,10})/gsx;

is(scalar @tags, 0, 'binary data gives no markup but cmark\'s own')
    or diag(explain \@tags);

# pathological Markdown

$r = $t->get('/deep.md');

is($r->{status}, 200, 'deeply nested and unclosed Markdown gives 200');
like($r->{body}, qr{</html>\n\z}, 'deeply nested Markdown gives a whole page');

$r = $t->get('/longline.md');

is($r->{status}, 200, 'a 1 MB line gives 200');
is(length article_html($r->{body}), length('word ' x 200000) + 7,
    'a 1 MB line is rendered whole');

# the worker still serves

$r = $t->get('/good.md');

like(article_html($r->{body} // ''), qr{<h1 id="good">Good<a },
    'worker keeps serving after bad input');
