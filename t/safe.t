#!/usr/bin/perl

# The three modes of raw HTML side by side: sanitize (the default),
# escape and unsafe; and the article_render_unsafe alias.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

$t->write_file('docs/raw.md', <<'EOF');
# Raw

<script>alert(1)</script>

Inline <span onclick="steal()">span</span> here.

[js](javascript:alert(1)) [JS](JavaScript:alert(2))
[vb](vbscript:msgbox(1)) [file](file:///etc/passwd)
[data](data:text/html;base64,PHNjcmlwdD4=)

![img](data:image/png;base64,iVBORw0KGgo=)

[ok](https://example.org/)
EOF

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;

        article_render on;

        location /safe/ {
            alias %%TESTDIR%%/docs/;
        }

        location /unsafe/ {
            alias %%TESTDIR%%/docs/;
            article_render_unsafe on;
            article_render_gfm off;
        }

        location /escape/ {
            alias %%TESTDIR%%/docs/;
            article_render_html escape;
        }

        location /explicit/ {
            alias %%TESTDIR%%/docs/;
            article_render_unsafe off;
        }
    }
}
EOF

$t->plan(19)->run();

my $page = $t->get('/safe/raw.md')->{body};
my $safe = article_html($page);

unlike($safe, qr/<script/i, 'safe mode: no script element in the article');
like($safe, qr{&lt;script&gt;alert\(1\)&lt;/script&gt;},
    'sanitize mode: script block shown as text, as GitHub shows it');
like($safe, qr{Inline <span>span</span> here},
    'sanitize mode: inline HTML kept without its event handler');

my $escape = article_html($t->get('/escape/raw.md')->{body});

like($escape, qr{<p>&lt;script&gt;alert\(1\)&lt;/script&gt;</p>},
    'escape mode: HTML block shown escaped as text');
like($escape,
    qr{Inline &lt;span onclick=&quot;steal\(\)&quot;&gt;span&lt;/span&gt;},
    'escape mode: inline HTML shown escaped as text');
like($safe, qr{<a href="">js</a>}, 'safe mode: javascript: link dropped');
like($safe, qr{<a href="">JS</a>},
    'safe mode: JavaScript: link dropped whatever its case');
like($safe, qr{<a href="">vb</a>}, 'safe mode: vbscript: link dropped');
like($safe, qr{<a href="">file</a>}, 'safe mode: file: link dropped');
like($safe, qr{<a href="">data</a>},
    'safe mode: non-image data: link dropped');
like($safe, qr{<img src="" alt="img" />},
    'safe mode: data:image/png URL removed, as GitHub\'s allowlist has it');
like($safe, qr{<a href="https://example\.org/">ok</a>},
    'safe mode: https link kept');

is(article_html($t->get('/explicit/raw.md')->{body}), $safe,
    'article_render_unsafe off renders as the default');

my $unsafe = article_html($t->get('/unsafe/raw.md')->{body});

like($unsafe, qr{<script>alert\(1\)</script>},
    'unsafe mode: HTML block passes through');
like($unsafe, qr{Inline <span onclick="steal\(\)">span</span> here},
    'unsafe mode: inline HTML passes through');
like($unsafe, qr{<a href="javascript:alert\(1\)">js</a>},
    'unsafe mode: javascript: link kept');
like($unsafe, qr{<a href="vbscript:msgbox\(1\)">vb</a>},
    'unsafe mode: vbscript: link kept');
like($unsafe, qr{<a href="file:///etc/passwd">file</a>},
    'unsafe mode: file: link kept');
like($unsafe, qr{<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>},
    'unsafe mode: data: link kept');
