#!/usr/bin/perl

# article_render_emoji: ":name:" shortcodes become emoji in the text, in
# every newline mode, and so in the title, the table of contents, the
# index and the feed; never in code, URLs, autolinks, raw HTML attributes
# or times.  In the text inside sanitized raw HTML too, but in <pre>,
# <code> and <tt>; escaped raw HTML is shown as written.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

my $t = ArticleRender::Test->new();

my %e = (
    rocket => "\xf0\x9f\x9a\x80",
    x => "\xe2\x9d\x8c",
    check => "\xe2\x9c\x94\xef\xb8\x8f",        # heavy_check_mark
    plus1 => "\xf0\x9f\x91\x8d",                # +1
    tada => "\xf0\x9f\x8e\x89",
    smile => "\xf0\x9f\x98\x84",
    hundred => "\xf0\x9f\x92\xaf",              # 100
);

my $article = <<'EOF';
# Launch :rocket: day

Ready :heavy_check_mark: and :+1:, :x:,:tada: and :smile::smile:.

A *mixed_case :white_check_mark: emphasis* and __strong :tada:__ text.

| Feature | Here | There |
|---------|------|-------|
| Tables  | :x:  | :heavy_check_mark: |

## Section :tada:

## Second section

Unknown :not_an_emoji_name: and :Rocket: and : rocket : stay.

Times 10:30:45 and 12:100:00 stay; word:smile: and :smile:word stay.

Code `:rocket:` stays, <https://example.org/:rocket:> stays,
https://example.org/a/:smile: stays, www.example.org/:smile: stays.

[Link :smile: text](https://example.org/:tada:) and :100:.

<span title=":rocket:">raw</span>

> [!NOTE]
> Alert :x: text.

```
:rocket: in a code block
```

    :rocket: indented code
EOF

$t->write_file('site/launch.md', $article);
$t->write_file('site/raw.md', <<'EOF');
<p align="center">:rocket: Fast</p>

<table>
<tr><td>:x:</td><td>:heavy_check_mark:</td></tr>
</table>

<details>
<summary>:sparkles: Features</summary>

:tada: in the details' Markdown

</details>

<details><summary>More</summary>:smile: in the details' own text</details>

<p title=":x:"><img alt=":smile:" src="a.png"> attributes</p>

<pre>:rocket: in pre
</pre>

<p><code>:rocket: in code</code> and <tt>:rocket: in tt</tt></p>

<p>At 10:30:45 see https://example.org/:tada: now</p>

Inline <code>:x: code</code> and <kbd>:smile:</kbd> keys.
EOF
$t->write_file('site/news/index.md',
    "# News :tada:\n\n{{articles}}\n");
$t->write_file('site/news/first.md',
    "---\ndate: 2024-05-01\n---\n# First :rocket: post\n\n"
    . "Opening :smile: words with `:x:` code.\n");

$t->write_file('toc.html', "<title>{{title}}</title>{{toc}}{{content}}\n");

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_html unsafe;

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

        location /noautolink/ {
            alias %%TESTDIR%%/site/;
            article_render_gfm table strikethrough tagfilter tasklist footnotes;
        }

        location /sanitize/ {
            alias %%TESTDIR%%/site/;
            article_render_html sanitize;

            location /sanitize/hard/ {
                alias %%TESTDIR%%/site/;
                article_render_newline hard;
            }

            location /sanitize/block/ {
                alias %%TESTDIR%%/site/;
                article_render_newline block;
            }

            location /sanitize/off/ {
                alias %%TESTDIR%%/site/;
                article_render_emoji off;
            }
        }

        location /escape/ {
            alias %%TESTDIR%%/site/;
            article_render_html escape;
        }

        location /off/ {
            alias %%TESTDIR%%/site/;
            article_render_emoji off;
        }

        location /news/ {
            index index.md;
            article_render_index on;
            article_render_feed feed.atom;
        }

        location /newsoff/ {
            alias %%TESTDIR%%/site/news/;
            index index.md;
            article_render_index on;
            article_render_feed feed.atom;
            article_render_emoji off;
        }
    }
}
EOF

$t->plan(54 + 3 * 7 + 3)->run();

# a pattern of the patterns one after the other

sub re_cat {
    my $re = join('', @_);
    return qr/$re/;
}

for my $mode ('soft', 'hard', 'block') {
    my $prefix = $mode eq 'soft' ? '' : "/$mode";
    my $r = $t->get("$prefix/launch.md");
    my $html = ArticleRender::Test::article_html($r->{body}) || '';

    like($html, re_cat(qr{Ready \Q$e{check}\E and \Q$e{plus1}\E, },
            qr{\Q$e{x}\E,\Q$e{tada}\E and \Q$e{smile}$e{smile}\E\.}),
        "$mode: shortcodes in a paragraph, side by side and after "
        . 'punctuation');
    like($html, qr{<em>mixed_case \xe2\x9c\x85 emphasis</em>},
        "$mode: a shortcode with \"_\" inside emphasis");
    like($html, qr{<strong>strong \Q$e{tada}\E</strong>},
        "$mode: a shortcode inside strong emphasis");
    like($html, qr{<td>\Q$e{x}\E</td>\s*<td>\Q$e{check}\E</td>},
        "$mode: shortcodes in table cells");
    like($html, qr{Unknown :not_an_emoji_name: and :Rocket: and : rocket :},
        "$mode: unknown names, capitals and spaced colons stay");
    like($html, re_cat(qr{Times 10:30:45 and 12:100:00 stay; },
            qr{word:smile: and :smile:word stay}),
        "$mode: times and shortcodes touching a word stay");
    like($html, qr{<code>:rocket:</code>},
        "$mode: a code span stays");
    like($html, re_cat(qr{<a href="https://example\.org/:rocket:">},
            qr{https://example\.org/:rocket:</a>}),
        "$mode: an autolink stays, address and text");
    like($html, qr{https://example\.org/a/:smile\b},
        "$mode: an address in the text stays");
    like($html, qr{www\.example\.org/:smile\b},
        "$mode: a www address in the text stays");
    like($html, re_cat(qr{<a href="https://example\.org/:tada:">},
            qr{Link \Q$e{smile}\E text</a> and \Q$e{hundred}\E\.}),
        "$mode: a link's text changes, its address does not");
    like($html, qr{<span title=":rocket:">raw</span>},
        "$mode: a raw HTML attribute stays");
    like($html, re_cat(qr{<div class="markdown-alert markdown-alert-note"},
            qr{.*Alert \Q$e{x}\E text\.}s),
        "$mode: an alert stays an alert, its text has the emoji");
    like($html, re_cat(qr{<code>:rocket: in a code block\n</code>.*}s,
            qr{<code>:rocket: indented code\n</code>}),
        "$mode: fenced and indented code blocks stay");
}

my $r = $t->get('/launch.md');
my ($title) = $r->{body} =~ m{<title>(.*?)</title>}s;

is($title, "Launch $e{rocket} day", 'the title has the emoji');
like($r->{body}, qr{<h1 id="launch-rocket-day">Launch \Q$e{rocket}\E day},
    'the heading has the emoji, its id the name as GitHub makes it');
like($t->get('/toc/launch.md')->{body},
    re_cat(qr{<nav[^>]*>.*}s,
        qr{<a href="\#section-tada">Section \Q$e{tada}\E</a>.*</nav>}s),
    'the table of contents has the emoji');

$r = $t->get('/noautolink/launch.md');

like(ArticleRender::Test::article_html($r->{body}) || '',
    re_cat(qr{stays,\nhttps://example\.org/a/:smile: stays, },
        qr{www\.example\.org/:smile: stays\.}),
    'without autolinks: addresses in the text stay');

$r = $t->get('/off/launch.md');

like($r->{body}, qr{Ready :heavy_check_mark: and :\+1:},
    'article_render_emoji off: shortcodes stay');
($title) = $r->{body} =~ m{<title>(.*?)</title>}s;
is($title, 'Launch :rocket: day', 'article_render_emoji off: in the title too');
isnt($r->{headers}{etag}, $t->get('/launch.md')->{headers}{etag},
    'article_render_emoji is part of the ETag');

$r = $t->get('/news/');

like($r->{body}, qr{<title>News \Q$e{tada}\E</title>},
    'index: the directory title has the emoji');
like($r->{body}, qr{First \Q$e{rocket}\E post},
    'index: the article title has the emoji');

$r = $t->get('/news/feed.atom');

like($r->{body}, qr{<title>First \Q$e{rocket}\E post</title>},
    'feed: the entry title has the emoji');
like($r->{body}, qr{Opening \Q$e{smile}\E words with :x: code},
    'feed: the summary has the emoji, its code span not');

$r = $t->get('/newsoff/feed.atom');

like($r->{body}, qr{<title>First :rocket: post</title>},
    'feed with article_render_emoji off: the shortcode stays');

# the text inside raw HTML, sanitized

$e{sparkles} = "\xe2\x9c\xa8";

for my $mode ('soft', 'hard', 'block') {
    my $prefix = $mode eq 'soft' ? '' : "/$mode";
    my $html = ArticleRender::Test::article_html(
        $t->get("/sanitize$prefix/raw.md")->{body}) || '';

    like($html, qr{<p align="center">\Q$e{rocket}\E Fast</p>},
        "$mode: sanitized raw HTML: a centred paragraph has the emoji");
    like($html, qr{<td>\Q$e{x}\E</td><td>\Q$e{check}\E</td>},
        "$mode: sanitized raw HTML: table cells have the emoji");
    like($html, re_cat(qr{<summary>\Q$e{sparkles}\E Features</summary>.*}s,
            qr{\Q$e{tada}\E in the details' Markdown.*}s,
            qr{\Q$e{smile}\E in the details' own text}),
        "$mode: sanitized raw HTML: summary and details have the emoji");
    like($html, qr{<p title=":x:"><img alt=":smile:" src="a\.png" />},
        "$mode: sanitized raw HTML: attributes stay");
    like($html, re_cat(qr{<pre>:rocket: in pre\n</pre>.*}s,
            qr{<code>:rocket: in code</code> and <tt>:rocket: in tt</tt>}),
        "$mode: sanitized raw HTML: pre, code and tt stay");
    like($html, qr{At 10:30:45 see https://example\.org/:tada: now},
        "$mode: sanitized raw HTML: a time and an address stay");
    like($html, qr{Inline <code>:x: code</code> and <kbd>\Q$e{smile}\E</kbd>},
        "$mode: inline raw code keeps its text, a key has the emoji");
}

like($t->get('/sanitize/off/raw.md')->{body},
    re_cat(qr{<p align="center">:rocket: Fast</p>.*}s,
        qr{<td>:x:</td><td>:heavy_check_mark:</td>.*}s,
        qr{<summary>:sparkles: Features</summary>}),
    'sanitized raw HTML with article_render_emoji off: shortcodes stay');

my $escaped = ArticleRender::Test::article_html(
    $t->get('/escape/raw.md')->{body}) || '';

like($escaped,
    re_cat(qr{&lt;p align=&quot;center&quot;&gt;:rocket: Fast&lt;/p&gt;.*}s,
        qr{&lt;td&gt;:x:&lt;/td&gt;}),
    'escaped raw HTML: its text is shown as written, shortcodes too');
like($escaped, qr{<p>\Q$e{tada}\E in the details' Markdown</p>},
    'escaped raw HTML: the Markdown between it has the emoji');
