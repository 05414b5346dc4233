#!/usr/bin/perl

# The module's own language files (lang/): each highlights real-looking
# code of its language (a keyword, a string, a comment, a number), keeps
# "<", "&" and "</code>" as text, and renders the same in every newline
# mode.  Without the directory, or with a file that does not load,
# nginx -t fails where code is highlighted.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

# name => [ code, token spans it must hold ]; every sample has "<&>" in a
# comment (or output) and "</code>" in a string

my %lang = (
    console => [ <<'EOF',
$ ./configure --with-threads && make # build it
checking for OS <&> </code>
$ echo "$HOME" 42
EOF
        [ 'meta">$ </span>', 'comment"># build it</span>',
          'keyword">echo</span>', 'string">&quot;</span>',
          'variable">$HOME</span>', 'number">42</span>',
          "\nchecking for OS &lt;&amp;&gt; &lt;/code&gt;\n" ] ],

    'shell-session' => [ "\$ ls -l 2\n&lt; <b>\n",
        [ 'meta">$ </span>', 'number">2</span>' ] ],

    toml => [ <<'EOF',
# the package <&>
[package]
name = "render </code>"
jobs = 4
debug = true
EOF
        [ 'comment"># the package &lt;&amp;&gt;</span>',
          'keyword">[package]</span>', 'property">name</span>',
          'string">&quot;render &lt;/code&gt;&quot;</span>',
          'number">4</span>', 'keyword">true</span>' ] ],

    yaml => [ <<'EOF',
# CI <&>
jobs:
  test:
    run: "make </code> test"
    retries: 3
    cache: false
EOF
        [ 'comment"># CI &lt;&amp;&gt;</span>', 'property">jobs</span>',
          'string">&quot;make &lt;/code&gt; test&quot;</span>',
          'number">3</span>', 'keyword">false</span>' ] ],

    typescript => [ <<'EOF',
// a counter <&>
export function count(n: number): string {
  return `${n} </code>` + 1;
}
EOF
        [ 'comment">// a counter &lt;&amp;&gt;</span>',
          'keyword">export</span>', 'function">count</span>',
          'type">number</span>', 'variable">${n}</span>',
          'string"> &lt;/code&gt;`</span>', 'number">1</span>' ] ],

    tsx => [ <<'EOF',
const App = () => <Box title="a </code>">{1 && 2}</Box>; // <&>
EOF
        [ 'keyword">const</span>', 'keyword">&lt;Box</span>',
          'string">&quot;a &lt;/code&gt;&quot;</span>',
          'keyword">&lt;/Box</span>', 'number">1</span>',
          'comment">// &lt;&amp;&gt;</span>' ] ],

    jsx => [ "let a = <p>{\"</code>\"}</p>; // 1 <&>\n",
        [ 'keyword">let</span>', 'keyword">&lt;p</span>',
          'string">&quot;&lt;/code&gt;&quot;</span>' ] ],

    powershell => [ <<'EOF',
# list the files <&>
foreach ($f in Get-ChildItem -Path ".") {
    if ($f.Length -gt 1024) { Write-Host "big </code> $f" }
}
EOF
        [ 'comment"># list the files &lt;&amp;&gt;</span>',
          'keyword">foreach</span>', 'function">Get-ChildItem</span>',
          'variable">$f</span>', 'type">-gt</span>',
          'number">1024</span>', 'string">&quot;big &lt;/code&gt; </span>' ]
    ],

    fish => [ <<'EOF',
# greet <&>
function greet
    set -l n 42
    echo "hi </code> $n"
end
EOF
        [ 'comment"># greet &lt;&amp;&gt;</span>', 'keyword">function</span>',
          'number">42</span>', 'string">&quot;hi &lt;/code&gt; </span>',
          'variable">$n</span>', 'keyword">end</span>' ] ],

    dockerfile => [ <<'EOF',
# build <&>
FROM debian:12 AS build
RUN echo "</code>" > /tmp/x && exit 0
EXPOSE 8080
EOF
        [ 'comment"># build &lt;&amp;&gt;</span>', 'keyword">FROM</span>',
          'keyword">AS</span>', 'string">&quot;&lt;/code&gt;&quot;</span>',
          'number">8080</span>' ] ],

    ini => [ <<'EOF',
; settings <&>
[core]
name = "a </code> b"
retries = 3
enabled = true
EOF
        [ 'comment">; settings &lt;&amp;&gt;</span>', 'keyword">[core]</span>',
          'property">name</span>', 'string">&quot;a &lt;/code&gt; b&quot;',
          'number">3</span>', 'keyword">true</span>' ] ],

    cfg => [ "[x]\n# <&>\nk = 1\n",
        [ 'keyword">[x]</span>', 'comment"># &lt;&amp;&gt;</span>' ] ],

    markdown => [ <<'EOF',
# Title <&>
Some **bold** and `code </code>`.
<!-- a comment -->
1. first
EOF
        [ 'keyword"># Title &lt;&amp;&gt;</span>', 'type">**bold**</span>',
          'string">`code &lt;/code&gt;`</span>',
          'comment">&lt;!-- a comment --&gt;</span>',
          'number">1.</span>' ] ],

    jsonc => [ <<'EOF',
{
  // settings <&>
  "name": "a </code> b",
  "size": 4,
  "on": true
}
EOF
        [ 'comment">// settings &lt;&amp;&gt;</span>',
          'property">&quot;name&quot;</span>',
          'string">&quot;a &lt;/code&gt; b&quot;</span>',
          'number">4</span>', 'keyword">true</span>' ] ],

    json5 => [ "{ key: 'x </code>', n: 0xFF, /* <&> */ }\n",
        [ 'property">key</span>', 'number">0xFF</span>',
          'comment">/* &lt;&amp;&gt; */</span>' ] ],

    nix => [ <<'EOF',
# a shell <&>
let version = "1.${toString 2} </code>"; in {
  jobs = 4;
}
EOF
        [ 'comment"># a shell &lt;&amp;&gt;</span>', 'keyword">let</span>',
          'variable">${toString 2}</span>',
          'string"> &lt;/code&gt;&quot;</span>', 'number">4</span>' ] ],

    kotlin => [ <<'EOF',
// a user <&>
data class User(val name: String, val age: Int = 42)
fun greet(u: User) = "Hello, ${u.name} </code>"
EOF
        [ 'comment">// a user &lt;&amp;&gt;</span>', 'keyword">data</span>',
          'type">String</span>', 'number">42</span>',
          'function">greet</span>', 'variable">${u.name}</span>',
          'string"> &lt;/code&gt;&quot;</span>' ] ],

    swift => [ <<'EOF',
// a greeting <&>
func greet(_ name: String) -> String {
    return "Hello, \(name) </code>" + String(42)
}
EOF
        [ 'comment">// a greeting &lt;&amp;&gt;</span>',
          'keyword">func</span>', 'function">greet</span>',
          'variable">\(name)</span>', 'string"> &lt;/code&gt;&quot;</span>',
          'number">42</span>' ] ],

    graphql => [ <<'EOF',
# a user <&>
query User($id: ID!) {
  user(id: $id, first: 10) { bio(format: "</code>") }
}
EOF
        [ 'comment"># a user &lt;&amp;&gt;</span>', 'keyword">query</span>',
          'variable">$id</span>', 'type">ID</span>', 'number">10</span>',
          'string">&quot;&lt;/code&gt;&quot;</span>' ] ],

    hcl => [ <<'EOF',
# a bucket <&>
resource "aws_s3_bucket" "site" {
  bucket  = "site-${var.env} </code>"
  count   = 2
  enabled = true
}
EOF
        [ 'comment"># a bucket &lt;&amp;&gt;</span>', 'keyword">resource</span>',
          'property">bucket</span>', 'variable">${var.env}</span>',
          'string"> &lt;/code&gt;&quot;</span>', 'number">2</span>',
          'keyword">true</span>' ] ],

    terraform => [ "variable \"n\" { default = 3 } # <&>\n",
        [ 'keyword">variable</span>', 'number">3</span>',
          'comment"># &lt;&amp;&gt;</span>' ] ],

    nginx => [ <<'EOF',
# the site <&>
server {
    listen 80;
    add_header X-Test "</code> $uri";
    article_render on;
}
EOF
        [ 'comment"># the site &lt;&amp;&gt;</span>', 'keyword">server</span>',
          'keyword">listen</span>', 'number">80</span>',
          'string">&quot;&lt;/code&gt; </span>', 'variable">$uri</span>',
          'keyword">on</span>' ] ],

    caddyfile => [ <<'EOF',
# the site <&>
example.com {
    @api path /api/*
    reverse_proxy @api localhost:9000
    header X-Host "{host} </code>"
    respond "ok" 200
}
EOF
        [ 'comment"># the site &lt;&amp;&gt;</span>',
          'type">example.com</span>', 'constant">@api</span>',
          'keyword">reverse_proxy</span>', 'variable">{host}</span>',
          'string"> &lt;/code&gt;&quot;</span>', 'number">200</span>' ] ],

    nushell => [ <<'EOF',
# big files <&>
ls | where size > 10kb | each {|f| $"($f.name) </code>" }
let n = 42
EOF
        [ 'comment"># big files &lt;&amp;&gt;</span>',
          'keyword">where</span>', 'number">10kb</span>',
          'string">$&quot;</span>', 'variable">($f.name)</span>',
          'string"> &lt;/code&gt;&quot;</span>', 'keyword">let</span>',
          'number">42</span>' ] ],

    nu => [ "let x = 1 # <&>\n", [ 'keyword">let</span>' ] ],

    handlebars => [ <<'EOF',
{{! the entry <&> }}
<div class="entry">
  {{#if author}}<h1>{{name "</code>" 42}}</h1>{{/if}}
</div>
EOF
        [ 'comment">{{! the entry &lt;&amp;&gt; }}</span>',
          'keyword">&lt;div</span>', 'type">class</span>',
          'keyword">#if</span>', 'string">&quot;&lt;/code&gt;&quot;</span>',
          'number">42</span>' ] ],

    http => [ <<'EOF',
GET /search?q=a&b=<c> HTTP/1.1
Host: example.org

HTTP/1.1 404 Not Found
Content-Type: text/html

<p>not found</code></p>
EOF
        [ 'keyword">GET</span>', 'string">/search?q=a&amp;b=&lt;c&gt;</span>',
          'property">Host</span>', 'keyword">HTTP/1.1</span>',
          'number">404</span>',
          "\n&lt;p&gt;not found&lt;/code&gt;&lt;/p&gt;\n" ] ],

    diff => [ <<'EOF',
@@ -1,2 +1,2 @@
 int a;
-if (a < b && c)
+if (a <= b) /* </code> */
EOF
        [ 'meta">@@ -1,2 +1,2 @@</span>',
          'deleted">-if (a &lt; b &amp;&amp; c)</span>',
          'inserted">+if (a &lt;= b) /* &lt;/code&gt; */</span>' ] ],
);

my @names = sort keys %lang;
my $md = '';

for my $name (@names) {
    $md .= "## $name\n\n```$name\n$lang{$name}[0]```\n\n";
}

$t->write_file('site/languages.md', $md);

# a module built without a highlighter refuses "article_render_highlight
# on" (t/highlight.t): nothing here applies

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render_highlight on;
    }
}
EOF

plan(skip_all => 'the module is built without GNU source-highlight')
    unless ($t->test_config())[0];

# the languages' directory, where code is highlighted, must be there

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_highlight_languages %%TESTDIR%%/no-such-directory;

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render on;
    }
}
EOF

my ($has, $said) = $t->test_config();

my $broken = ArticleRender::Test->new();

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location /soft/ {
            alias %%TESTDIR%%/site/;
        }

        location /hard/ {
            alias %%TESTDIR%%/site/;
            article_render_newline hard;
        }

        location /block/ {
            alias %%TESTDIR%%/site/;
            article_render_newline block;
        }
    }
}
EOF

my $checks = 0;
$checks += scalar @{ $lang{$_}[1] } for @names;

$t->plan(5 + 3 * @names + $checks)->run();

ok(!$has, 'no languages directory: nginx -t fails');
like($said, qr/\[emerg\]\ .*article_render_highlight_languages
    \ "[^"]*no-such-directory":\ \S+\ failed\ \(2:/x,
    'no languages directory: the error names the directive and the path');

# a language file that does not load is named

for my $file (glob "$FindBin::Bin/../lang/*.lang") {
    my ($name) = $file =~ m{([^/]+)$};
    open my $fh, '<', $file or die "$file: $!\n";
    $broken->write_file("lang/$name", do { local $/; <$fh> });
}

$broken->write_file('lang/toml.lang', "keyword = 'unclosed\n");

$broken->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_highlight_languages %%TESTDIR%%/lang;

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render on;
    }
}
EOF

my ($loads, $error) = $broken->test_config();

ok(!$loads, 'a language file that does not load: nginx -t fails');
like($error, qr/\[emerg\]\ .*article_render_highlight_languages\ "[^"]*lang":
    \ cannot\ load\ the\ language\ file\ "toml\.lang"/x,
    'a language file that does not load: the error names it');

my %html;

for my $mode (qw(soft hard block)) {
    my $html = article_html($t->get("/$mode/languages.md")->{body}) // '';

    for my $name (@names) {
        ($html{$mode}{$name}) = $html =~ m{(<pre><code
            \ class="language-\Q$name\E">.*?</code></pre>)}xs;
    }
}

my $soft = $html{soft};

for my $name (@names) {
    my $block = $soft->{$name} // '';

    for my $has (@{ $lang{$name}[1] }) {
        my ($class) = $has =~ /^(\w+)"/;
        my $span = defined $class ? qq{<span class="$has} : $has;

        ok(index($block, $span) >= 0, "$name: " . ($class // 'text')
            . " span " . substr($has, length($class // '') + 2));
    }

    (my $text = $block) =~ s{</?span[^>]*>}{}g;
    my $plain = $lang{$name}[0];

    for ($plain) {
        s/&/&amp;/g;
        s/</&lt;/g;
        s/>/&gt;/g;
        s/"/&quot;/g;
    }

    is($text, qq{<pre><code class="language-$name">$plain</code></pre>},
        "$name: highlighted, the block says what its code says");

    is($html{hard}{$name}, $block, "$name: the same with newline hard");
    is($html{block}{$name}, $block, "$name: the same with newline block");
}

# where no location highlights, the directory is not needed

my $off = ArticleRender::Test->new();

$off->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_highlight_languages %%TESTDIR%%/no-such-directory;
    article_render_highlight off;

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render on;
    }
}
EOF

ok(($off->test_config())[0],
    'highlighting off everywhere: nginx -t passes without the directory');
