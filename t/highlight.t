#!/usr/bin/perl

# article_render_highlight: code in a named language highlighted on the
# server, through nginx: on by default and off where asked, part of the
# ETag, a 1 MB block within the default budgets, a slow block failing
# with the time budget, many renders highlighting at once.  In a module
# built without GNU source-highlight, "article_render_highlight on" fails
# nginx -t, and that is all that is tested.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

my $program = <<'EOF';
/* counts the words */
static int
count(const char *s)
{
    int  n = 0, in = 0;

    for ( ; *s; s++) {
        if (*s == ' ' || *s == '\n') {
            in = 0;
        } else if (!in) {
            in = 1;
            n++;
        }
    }

    return n;   /* "done" */
}
EOF

$t->write_file('site/code.md', <<'EOF');
# Code

```js
const s = "</code><script>alert(1)</script>"; // not a tag
```

```text
const x: number = 1;
```
EOF

$t->write_file('site/big/program.md', "```c\n"
    . $program x (1024 * 1024 / length($program) + 1) . "```\n");
$t->write_file('site/budget/slow.md', "```js\n"
    . ('a+' x 40 . "\n") x (1024 * 1024 / 81) . "```\n");

my $mixed = <<'EOF';
# Mixed

```rs
fn main() { let s = r#"raw "quoted""#; }
```

```c
#include <stdio.h>
int main(void) { return 0; }
```

```py
def f(x):
    return x * 2  # twice
```

```sh
cat <<EOF2
$HOME
EOF2
```
EOF

$t->write_file("site/stress/$_.md", $mixed) for 1 .. 16;

# the module's own answer to "on": accepted, or refused by nginx -t

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render_highlight on;
    }
}
EOF

my ($has, $said) = $t->test_config();

unless ($has) {
    plan(tests => 1);
    my $refusal = '"article_render_highlight" directive is on, but the'
        . ' module was built without GNU source-highlight';

    like($said, qr/\Q$refusal\E/,
        'built without a highlighter: nginx -t refuses'
        . ' "article_render_highlight on"');
    exit 0;
}

my $timeout = 5 * ArticleRender::Test::slow();

$t->config(<<"EOF");
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location /off/ {
            alias %%TESTDIR%%/site/;
            article_render_highlight off;
        }

        location /big/ {
            article_render_cache off;
            article_render_timeout ${timeout}s;
        }

        location /budget/ {
            article_render_timeout 500ms;
        }

        location /stress/ {
            article_render_cache off;
        }
    }
}
EOF

$t->allow_alerts(qr/\[error\] .*slow\.md" of \d+ bytes passed/);
$t->plan(14)->run();

my $r = $t->get('/code.md');
my $html = article_html($r->{body}) // '';

like($html, qr{<pre><code\ class="language-js"><span\ class="keyword">const
    </span>\ s\ =\ <span\ class="string">&quot;&lt;/code&gt;&lt;script&gt;
    alert\(1\)&lt;/script&gt;&quot;</span>;\ <span\ class="comment">//\ not
    \ a\ tag</span>\n</code></pre>}x,
    'on by default: the js block is highlighted');
unlike($html, qr{<script>}, 'the code\'s </code><script> stays text');
like($html, qr{<pre><code class="language-text">const x: number = 1;\n</code>},
    'a language the highlighter does not know stays plain');

my $off = $t->get('/off/code.md');

unlike(article_html($off->{body}) // '', qr{<span},
    'article_render_highlight off: nothing is highlighted');
isnt($r->{headers}{etag}, $off->{headers}{etag},
    'on and off: the pages have different ETags');

# a 1 MB block, at the default memory budget and 5 s (more only under
# the sanitizers or valgrind)

my $big = $t->get('/big/program.md');

is($big->{status}, 200, '1 MB code block: rendered within the budgets');
like($big->{body} // '', qr{<span\ class="comment">/\*\ &quot;done&quot;
    \ \*/</span>\n\}\n</code></pre>}x,
    '1 MB code block: highlighted to its end');

# lines the library is slow on: the time budget ends the render

my $slow = $t->get('/budget/slow.md');

is($slow->{status}, 500, 'slow code block: 500 at the time budget');
like($t->error_log(), qr/\[error\]\ .*slow\.md"\ of\ \d+\ bytes\ passed
    \ article_render_timeout\ 500\ ms/x,
    'slow code block: the error log names the budget');
is($t->get('/code.md')->{status}, 200,
    'after the slow block, pages are still served');

# many renders highlighting at once, in the thread pool

my @pending = map { $t->start_get("/stress/$_.md") } 1 .. 16;
my @pages = map { $t->finish_get($_) } @pending;

is(scalar(grep { ($_->{status} // 0) == 200 } @pages), 16,
    'stress: 16 renders at once all answered 200');

my @html = map { article_html($_->{body}) // '' } @pages;

is(scalar(grep { $_ eq $html[0] } @html), 16,
    'stress: they are all the same page');
like($html[0], qr{<span\ class="string">r\#&quot;raw\ &quot;quoted&quot;
    &quot;\#</span>}x, 'stress: the Rust raw string is highlighted');
like($html[0], qr{<span\ class="keyword">def</span>\ <span
    \ class="function">f</span>}x, 'stress: the Python is highlighted');
