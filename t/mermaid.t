#!/usr/bin/perl

# article_render_mermaid: ```mermaid blocks become <pre class="mermaid">
# and a page that has one loads the site's copy of the Mermaid script;
# off (the default), they stay code and no page loads anything.  Then,
# in Chromium, with Mermaid's own script fetched from the npm registry
# for the test, the diagram is drawn as SVG.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use File::Path qw(make_path);
use Test::More;
use ArticleRender::Test;
use ArticleRender::Browser;

my $t = ArticleRender::Test->new();

my $diagram = <<'EOF';
# Flow

Before.

```mermaid
graph TD
    A[Start] --> B[End]
```

After.
EOF

$t->write_file('site/diagram.md', $diagram);
$t->write_file('site/escaped.md', <<'EOF');
# Escaped

```mermaid extra words
graph LR
    A["a < b & c"] --> B
```

> - in a list in a quote:
>
>   ```mermaid
>   graph LR
>       C --> D
>   ```

```mermaidx
not a diagram
```
EOF
$t->write_file('site/plain.md', "# Plain\n\n```js\nlet a = 1;\n```\n");
$t->write_file('bare.html', "<title>{{title}}</title>{{content}}<hr>\n");

# the script, where the npm registry and Chromium can be had

my $browser_skip = ArticleRender::Browser::skip_reason();
my $npm_dir = ($ENV{BUILD} || $t->testdir()) . '/npm';
my $script = "$npm_dir/package/dist/mermaid.min.js";

if (!$browser_skip && !-f $script) {
    make_path($npm_dir);

    my $tgz = `cd '$npm_dir' && npm pack mermaid\@11 --silent 2>/dev/null`;
    chomp $tgz;

    if ($? == 0 && $tgz =~ /^(mermaid-[\w.-]+\.tgz)$/m) {
        system("cd '$npm_dir' && tar -xzf '$1' package/dist/mermaid.min.js");
    }

    $browser_skip = 'Mermaid\'s script could not be had from the npm '
        . 'registry ("npm pack mermaid@11")' unless -f $script;
}

$t->plan(24);

$t->bad_directive('article_render_mermaid "";',
    '"article_render_mermaid" directive has an empty URL, it must be a URL '
    . 'or "off"');
$t->bad_directive('article_render_emoji maybe;',
    'invalid value "maybe" in "article_render_emoji" directive, it must be '
    . '"on" or "off"');

$t->config(<<"EOF");
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location /m/ {
            alias %%TESTDIR%%/site/;
            article_render_mermaid /assets/mermaid.min.js;
        }

        location /hard/ {
            alias %%TESTDIR%%/site/;
            article_render_newline hard;
            article_render_mermaid /assets/mermaid.min.js;
        }

        location /block/ {
            alias %%TESTDIR%%/site/;
            article_render_newline block;
            article_render_mermaid /assets/mermaid.min.js;
        }

        location /bare/ {
            alias %%TESTDIR%%/site/;
            article_render_template %%TESTDIR%%/bare.html;
            article_render_mermaid "/a&b.js";
        }

        location /assets/ {
            alias $npm_dir/package/dist/;
        }
    }
}
EOF

$t->run();

# a pattern of the patterns one after the other

sub re_cat {
    my $re = join('', @_);
    return qr/$re/;
}

my $off = $t->get('/diagram.md');

like($off->{body}, re_cat(qr{<pre><code class="language-mermaid">graph TD\n},
        qr{    A\[Start\] --&gt; B\[End\]\n</code></pre>}),
    'off: a mermaid block is code');
unlike($off->{body}, qr{<script src=|mermaid\.min\.js},
    'off: the page loads no script');

for my $mode ('soft', 'hard', 'block') {
    my $r = $t->get(($mode eq 'soft' ? '/m' : "/$mode") . '/diagram.md');

    like($r->{body}, re_cat(qr{<p>Before\.</p>\n},
            qr{<pre class="mermaid">graph TD\n},
            qr{    A\[Start\] --&gt; B\[End\]\n</pre>\n<p>After\.</p>}),
        "$mode: the block is <pre class=\"mermaid\">, its source escaped");
    like($r->{body}, re_cat(qr{</article>\n<script>.*</script>\n}s,
            qr{<script src="/assets/mermaid\.min\.js"></script>\n</body>}),
        "$mode: the page loads the script, at {{scripts}}");
}

my $on = $t->get('/m/diagram.md');

isnt($on->{headers}{etag}, $off->{headers}{etag},
    'article_render_mermaid is part of the ETag');

my $r = $t->get('/m/escaped.md');

like($r->{body}, re_cat(qr{<pre class="mermaid">graph LR\n},
        qr{    A\[&quot;a &lt; b &amp; c&quot;\] --&gt; B\n</pre>}),
    'a block with more words in its info string; <, & and " escaped');
like($r->{body}, re_cat(qr{<blockquote>\n<ul>\n<li>\n},
        qr{<p>in a list in a quote:</p>\n},
        qr{<pre class="mermaid">graph LR\n    C --&gt; D\n</pre>}),
    'a block in a list in a quote');
like($r->{body}, qr{<pre><code class="language-mermaidx">not a diagram},
    'another language that starts with "mermaid" stays code');
is(() = $r->{body} =~ /mermaid\.min\.js/g, 1,
    'two diagrams, one script');

$r = $t->get('/m/plain.md');

unlike($r->{body}, qr{mermaid}, 'a page without diagrams loads no script');

$r = $t->get('/bare/diagram.md');

like($r->{body}, qr{<p>After\.</p>\n<script src="/a&amp;b\.js"></script>\n<hr>},
    'a template without {{scripts}}: the script follows the content, its '
    . 'URL escaped');

# Chromium draws it

SKIP: {
    skip $browser_skip, 5 if $browser_skip;

    my $base = 'http://127.0.0.1:' . $t->port();
    my $b = ArticleRender::Browser->new();

    $b->send('Network.enable');
    $b->navigate("$base/m/diagram.md");

    my $limit = 45 * ArticleRender::Test::slow();

    # the script draws after the load event: the page is asked until it has

    my $drawn = $b->send('Runtime.evaluate', awaitPromise => JSON::PP::true,
        returnByValue => JSON::PP::true, expression => <<"EOF");
new Promise(function (done) {
    var end = Date.now() + $limit * 1000;
    (function check() {
        if (document.querySelector("pre.mermaid svg")) {
            done(true);
        } else if (Date.now() > end) {
            done(false);
        } else {
            setTimeout(check, 50);
        }
    })();
})
EOF

    ok($drawn->{result}{value}, 'Chromium: the diagram is drawn as SVG');
    is($b->evaluate('document.querySelectorAll("pre.mermaid svg").length'),
        1, 'Chromium: one SVG in the diagram\'s block');
    like($b->evaluate('document.querySelector("pre.mermaid svg")'
        . '.textContent'), qr/Start.*End/s,
        'Chromium: the SVG has the diagram\'s labels');
    is($b->evaluate('document.querySelector("pre.mermaid")'
        . '.getAttribute("data-processed")'), 'true',
        'Chromium: Mermaid marks the block processed');

    my @elsewhere = grep { !m{^\Q$base\E/} && !/^data:/ }
        map { $_->[1]{request}{url} }
        grep { $_->[0] eq 'Network.requestWillBeSent' } $b->events();

    is(join(' ', @elsewhere), '', 'Chromium: nothing from elsewhere');

    $b->close();
}
