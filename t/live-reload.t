#!/usr/bin/perl

# article_render_live_reload: the inline script that reloads an open page
# when its article changes; nothing of it when off.  The last part opens
# a page in headless Chromium, edits the article, and sees the edit in
# the open page.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use Time::HiRes qw(time);
use ArticleRender::Test qw(wait_until);
use ArticleRender::Browser;

my $t = ArticleRender::Test->new();

# directive errors

my @bad = (
    [ 'article_render_live_reload 0;',
      'invalid value "0" in "article_render_live_reload" directive, '
      . 'it must be "off" or a time from 1ms to 1d' ],
    [ 'article_render_live_reload soon;',
      'invalid value "soon" in "article_render_live_reload" directive, '
      . 'it must be "off" or a time from 1ms to 1d' ],
    [ 'article_render_live_reload 2d;',
      'invalid value "2d" in "article_render_live_reload" directive, '
      . 'it must be "off" or a time from 1ms to 1d' ],
    [ "article_render_live_reload 1s;\n"
      . "        article_render_live_reload off;",
      '"article_render_live_reload" directive is duplicate' ],
);

$t->plan(2 * @bad + 29);

$t->bad_directive(@$_) for @bad;

$t->write_file('site/a.md', "# Hello\n\nText.\n");
$t->write_file('site/live.md', "# Before\n\nThe first version.\n");
$t->write_file('nobody.html', "<main>{{content}}</main>\n");
$t->write_file('upper.html',
    "<HTML><BODY>{{content}}<!-- </body> --></BODY></HTML>\n");

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_live_reload off;

    log_format reload '$request_method $uri $status';

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        add_header X-Cache $article_render_cache always;

        location /off/ {
            alias %%TESTDIR%%/site/;
        }

        location /on/ {
            alias %%TESTDIR%%/site/;
            article_render_live_reload 1s;
        }

        location /ms/ {
            alias %%TESTDIR%%/site/;
            article_render_live_reload 250ms;
        }

        location /nobody/ {
            alias %%TESTDIR%%/site/;
            article_render_live_reload 1s;
            article_render_template %%TESTDIR%%/nobody.html;
        }

        location /upper/ {
            alias %%TESTDIR%%/site/;
            article_render_live_reload 1s;
            article_render_template %%TESTDIR%%/upper.html;
        }

        location /browser/ {
            alias %%TESTDIR%%/site/;
            article_render_live_reload 1s;
            access_log %%TESTDIR%%/reload.log reload;
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name inherit;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_live_reload 2s;

        location /a/ {
            alias %%TESTDIR%%/site/;
        }

        location /b/ {
            alias %%TESTDIR%%/site/;
            article_render_live_reload off;
        }
    }
}
EOF

$t->run();

my $off = $t->get('/off/a.md');
my $on = $t->get('/on/a.md');

# off: nothing

unlike($off->{body}, qr/article_render_live_reload/,
    'live reload off: the page has no live reload script');

# on: the script, right before </body>, with the ETag and the interval

my ($script) = $on->{body}
    =~ m{(<script>/\* article_render_live_reload \*/.*?</script>\n)</body>}s;

ok(defined $script, 'live reload on: a script right before </body>');

(my $without = $on->{body}) =~ s{\Q$script\E}{} if defined $script;

is($without, $off->{body},
    'live reload on: the page is the page without it plus the script');
like($script || '', qr/var e='\Q$on->{headers}{etag}\E',t=1000;/,
    'the script carries the page\'s ETag and the interval in ms');
like($script || '', qr/\Qfetch(location.href,{method:"HEAD",\E
    \Qcache:"no-store",headers:e?{"If-None-Match":e}\E/x,
    'the script asks for its own URL with HEAD and If-None-Match');
like($script || '', qr{\Qif(r.status==200&&n&&n.replace(\E
    \Q/^W[/]/,"").replace(/-(gzip|br|zstd)"\E\$
    \Q/,'"')!=e){location.reload()}\E}x,
    'the script reloads on a 200 with another ETag, weak or strong, of any'
    . ' coding');
is($on->{headers}{'content-length'}, length $on->{body},
    'live reload on: Content-Length counts the script');
isnt($on->{headers}{etag}, $off->{headers}{etag},
    'live reload on and off give different ETags');
is($on->{headers}{'last-modified'}, $off->{headers}{'last-modified'},
    'live reload does not change Last-Modified');
like($t->get('/ms/a.md')->{body}, qr/,t=250;/,
    'an interval of 250ms is 250 in the script');

# the script's request: 304 while unchanged, then 200 with another ETag

my $r = $t->request('HEAD', '/on/live.md');
my $etag = $r->{headers}{etag};

is($t->request('HEAD', '/on/live.md', 'If-None-Match' => $etag)
    ->{status}, 304, 'the script\'s HEAD with If-None-Match: 304');

$t->write_file('site/live.md', "# Before\n\nThe first version, edited.\n");
$r = $t->request('HEAD', '/on/live.md', 'If-None-Match' => $etag);

ok($r->{status} == 200 && $r->{headers}{etag} ne $etag,
    'after an edit: 200 with another ETag');

$t->write_file('site/live.md', "# Before\n\nThe first version.\n");

# where the script goes without a </body>, and with </BODY>

$r = $t->get('/nobody/a.md');

like($r->{body}, qr{\A<main><h1\ id="hello">Hello<a\ [^\n]*</h1>\n
    <p>Text\.</p>\n</main>\n
    <script>[^\n]*</script>\n\z}x,
    'template without </body>: the script comes after the page');

$r = $t->get('/upper/a.md');

like($r->{body}, qr{</p>\n<!--\ </body>\ --><script>[^\n]*</script>\n
    </BODY></HTML>\n\z}x,
    'the script goes before the last </body>, in any case');

# a range across the script

$r = $t->get('/on/a.md', Range => 'bytes=-40');

is($r->{status}, 206, 'live reload page: range request gets 206');
is($r->{body}, substr($on->{body}, -40),
    'live reload page: the range is cut from the page with the script');

# inheritance

like($t->get('/a/a.md', Host => 'inherit')->{body}, qr/,t=2000;/,
    'live reload set at server level is inherited');
unlike($t->get('/b/a.md', Host => 'inherit')->{body},
    qr/article_render_live_reload/,
    'live reload off in a location below it: no script');

# the render cache keeps one entry per setting, both right

$t->write_file('site/c.md', "# Cached\n");

my @c = map { $t->get($_) } qw(/off/c.md /on/c.md /off/c.md /on/c.md);

is(join(' ', map { $_->{headers}{'x-cache'} } @c), 'MISS MISS HIT HIT',
    'live reload on and off: separate cache entries, each hit');
ok($c[2]{body} !~ /article_render_live_reload/
    && $c[3]{body} =~ /article_render_live_reload/,
    'each cache hit has its own variant');

# the Markdown source never carries the script

$r = $t->get('/on/a.md', Accept => 'text/markdown');

is($r->{body}, "# Hello\n\nText.\n",
    'live reload on: the Markdown source is sent without a script');

# in a browser: an edit appears in the open page

SKIP: {
    my $why = ArticleRender::Browser::skip_reason();
    skip $why, 8 if $why;

    my $b = ArticleRender::Browser->new();
    my $url = 'http://127.0.0.1:' . $t->port() . '/browser/live.md';

    $b->navigate($url);

    is($b->evaluate('document.querySelector("h1").firstChild.textContent'), 'Before',
        'browser: the page shows the first version');

    # the page polls: HEAD answered 304 (its If-None-Match matched)

    my $polled = wait_until(sub {
        $t->read_file('reload.log') =~ /^HEAD .* 304$/m;
    }, 20);

    ok($polled, 'browser: the open page polls its URL and gets 304 while '
        . 'the article is unchanged');

    my $before = length $t->read_file('reload.log');
    my $saved = time();

    $t->write_file('site/live.md', "# After\n\nThe second version.\n");

    my $loaded = eval { $b->wait_event('Page.loadEventFired', 30); 1 };
    my $took = time() - $saved;

    ok($loaded, 'browser: the page reloads after the edit');
    is($b->evaluate('document.querySelector("h1").firstChild.textContent'), 'After',
        'browser: the edit appears in the open page');
    note(sprintf('the edit appeared %.2f s after the save', $took));

    # the requests after the save: perhaps one poll that was on its way
    # (304), then the poll that saw the edit (200), then the reload

    my @after = split /\n/, substr($t->read_file('reload.log'), $before);
    my $i = 0;

    $i++ while $i < @after && $after[$i] =~ /^HEAD .* 304$/;

    ok($i <= 1, 'browser: at most one poll on its way during the save '
        . 'was answered 304');
    like($after[$i] || '', qr{^HEAD /browser/live\.md 200$},
        'browser: the next poll got 200');
    like($after[$i + 1] || '', qr{^GET /browser/live\.md 200$},
        'browser: the request after that 200 is the page reloading');

    ok($b->evaluate('[].filter.call(document.scripts, function (s) {'
            . ' return s.text.indexOf("article_render_live_reload") >= 0;'
            . ' }).length') == 1
        && $b->evaluate('document.body.lastElementChild.text'
            . '.indexOf("article_render_live_reload")') >= 0,
        'browser: the reloaded page has its one live reload script at the'
        . ' end of body');

    $b->close();
}
