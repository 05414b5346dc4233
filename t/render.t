#!/usr/bin/perl

# Articles rendered into complete pages with the built-in template.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

$t->write_file('site/post.md', <<'EOF');
# Hello, world

Some **strong** and *emphasised* text with `code` and a
[link](https://example.org/).

> A quote.

1. one
2. two

```python
print("hi")
```
EOF

$t->write_file('site/long.markdown', "# Long suffix\n\nText.\n");

my $shared = "$FindBin::Bin/../conf.example/articles";

# the samples ship with the repository: a missing one is a failure, not
# a reason to skip

for my $name ('gfm-showcase.md', 'harbour-report.md') {
    open my $fh, '<:raw', "$shared/$name" or die "$shared/$name: $!\n";
    local $/;
    $t->write_file("site/$name", scalar <$fh>);
}

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

$t->plan(19)->run();

my $r = $t->get('/post.md');
my $body = $r->{body};

is($r->{status}, 200, 'article request answered 200');

like($body, qr/\A<!doctype html>\n<html lang="en">\n/,
    'page starts with the doctype and a lang attribute');
like($body, qr{<meta charset="utf-8">},
    'built-in template declares utf-8');
like($body, qr{<meta name="viewport" content="width=device-width},
    'built-in template has a viewport meta');
like($body, qr!<style>.*th,td\{border:1px solid[^\}]*\}.*</style>!s,
    'built-in stylesheet gives table cells borders');
like($body, qr{</article>\n(?:<script>.*?</script>\n)?</body>\n</html>\n\z}s,
    'page ends with the closing tags of a complete document');

my $html = article_html($body);

like($html, qr{\A<h1 id="hello-world">Hello, world<a [^>]*>#</a></h1>\n},
    'article starts inside <article> with the rendered heading');
like($html, qr{<strong>strong</strong> and <em>emphasised</em>},
    'emphasis rendered');
like($html, qr{<code>code</code>}, 'inline code rendered');
like($html, qr{<a href="https://example.org/">link</a>}, 'link rendered');
like($html, qr{<blockquote>\n<p>A quote.</p>\n</blockquote>},
    'block quote rendered');
like($html, qr{<ol>\n<li>one</li>\n<li>two</li>\n</ol>},
    'ordered list rendered');
like($html =~ s{</?span[^>]*>}{}gr,
    qr{<pre><code class="language-python">print\(&quot;hi&quot;\)\n},
    'fenced code block rendered with its language class, escaped');

like(article_html($t->get('/long.markdown')->{body}),
    qr{<h1 id="long-suffix">Long suffix<a },
    '.markdown suffix rendered by default');

my $show = $t->get('/gfm-showcase.md')->{body};

like($show, qr{<title>Field Notes on the Spring Survey</title>},
    'sample front matter gives the page title');
my $desc = 'Counts, methods and open questions from this year&#39;s '
    . 'river survey.';
like($show, qr{<meta name="description" content="\Q$desc\E">},
    'sample front matter gives the description meta');
like(article_html($show),
    qr{\A<h1 id="field-notes-on-the-spring-survey">Field Notes },
    'sample front matter is not rendered');
like($show, qr{<table>.*<del>.*type="checkbox".*class="footnotes"}s,
    'sample GFM showcase renders tables, strikethrough, tasks, notes');

my $harbour = $t->get('/harbour-report.md');

like($harbour->{body}, qr{<title>harbour-report</title>},
    'sample report without headings is titled by its file name');
