#!/usr/bin/perl

# Pages compressed once, when rendered (article_render_compress): each
# method alone and all three, the coding a request gets (RFC 9110
# Accept-Encoding, nginx's gzip rules), the decoded body the page byte
# for byte, an ETag per representation (304, If-Range, Range), HEAD,
# nginx's gzip filter never compressing again, pages in files, edits,
# eviction and reload.  brotli and zstd decode with their command-line
# tools (make test installs them).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status decode_body);

my $t = ArticleRender::Test->new()
    ->skip_without_modules(qw(http_gzip));

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_cache_zone files:4m path=%%TESTDIR%%/pages;
    article_render_cache_zone tiny:64k max_entry=40k;

    gzip on;
    gzip_types text/html;
    gzip_http_version 1.0;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        add_header X-Cache $article_render_cache always;

        location /gzip/ {
            alias %%TESTDIR%%/site/;
            article_render_compress gzip;
        }

        location /br/ {
            alias %%TESTDIR%%/site/;
            article_render_compress br=4;
        }

        location /zstd/ {
            alias %%TESTDIR%%/site/;
            article_render_compress zstd;
        }

        location /all/ {
            alias %%TESTDIR%%/site/;
            article_render_compress gzip br zstd;
        }

        location /off/ {
            alias %%TESTDIR%%/site/;
            article_render_compress off;
        }

        location /files/ {
            alias %%TESTDIR%%/site/;
            article_render_cache files;
            article_render_compress gzip br zstd;
        }

        location /tiny/ {
            alias %%TESTDIR%%/site/;
            article_render_cache tiny;
        }

        location /http11/ {
            alias %%TESTDIR%%/site/;
            gzip_http_version 1.1;
        }

        location /proxied/ {
            alias %%TESTDIR%%/site/;
            gzip_proxied off;
        }

        location /bare/ {
            alias %%TESTDIR%%/site/;
            article_render_template %%TESTDIR%%/bare.html;
        }

        location /live/ {
            alias %%TESTDIR%%/site/;
            article_render_live_reload 1s;
        }
    }
}
EOF

my $text = "# Squeezed\n\n"
    . join('', map { "Paragraph $_ says *the same* thing again.\n\n" }
           1 .. 2000);

$t->write_file('site/a.md', $text);
$t->write_file('site/small.md', "# S\n");
$t->write_file('bare.html', '{{content}}');
$t->write_file("site/ev$_.md", "# Evicted $_\n\n" . ('words ' x 3000) . "\n")
    for 1 .. 6;

$t->plan(47)->run();

sub coding {
    my ($r) = @_;
    return $r->{headers}{'content-encoding'} // '';
}

my $page = $t->get('/off/a.md')->{body};
like($page, qr/Paragraph 2000 says/, 'the identity page');

# each method alone, and all three

for my $m (qw(gzip br zstd)) {
    my $r = $t->get("/$m/a.md", 'Accept-Encoding' => 'gzip, br, zstd');
    is(coding($r), $m, "$m alone: sent in $m");
    is(decode_body($m, $r->{body}), $page, "$m alone: decodes to the page");
    is($r->{headers}{'content-length'}, length $r->{body},
        "$m alone: Content-Length of the coded page");
    like($r->{headers}{vary} // '', qr/Accept-Encoding/,
        "$m alone: Vary: Accept-Encoding");
}

my %size;

for my $m (qw(gzip br zstd)) {
    my $r = $t->get('/all/a.md', 'Accept-Encoding' => $m);
    $size{$m} = length $r->{body};
    ok(coding($r) eq $m && decode_body($m, $r->{body}) eq $page,
        "all three: $m alone accepted gets $m");
}

my ($smallest) = sort { $size{$a} <=> $size{$b} } keys %size;

# negotiation

my %cases = (
    ''                         => '',
    'gzip;q=0'                 => '',
    'gzip;q=0, br'             => 'br',
    'br;q=0.5, gzip'           => 'gzip',
    '*'                        => $smallest,
    'identity;q=0, gzip'       => 'gzip',
    'compress, x-unknown'      => '',
    'GZIP'                     => 'gzip',
    'gzip, br, zstd'           => $smallest,
);

for my $ae (sort keys %cases) {
    my $r = $t->get('/all/a.md', length $ae ? ('Accept-Encoding' => $ae) : ());
    is(coding($r), $cases{$ae}, "Accept-Encoding \"$ae\": "
        . ($cases{$ae} || 'identity'));
}

is(coding($t->get('/all/a.md')), '', 'no Accept-Encoding: identity');

# validators per representation

my $gz = $t->get('/all/a.md', 'Accept-Encoding' => 'gzip');
my $id = $t->get('/all/a.md');
isnt($gz->{headers}{etag}, $id->{headers}{etag},
    'each representation has its own ETag');
is($t->get('/all/a.md', 'Accept-Encoding' => 'gzip',
           'If-None-Match' => $gz->{headers}{etag})->{status}, 304,
    'the gzip ETag gets 304 with gzip accepted');
is($t->get('/all/a.md',
           'If-None-Match' => $gz->{headers}{etag})->{status}, 200,
    'the gzip ETag gets 200 without gzip accepted');

my $range = $t->get('/all/a.md', 'Accept-Encoding' => 'gzip',
                    Range => 'bytes=0-99');
ok($range->{status} == 206 && $range->{body} eq substr($gz->{body}, 0, 100),
    'a range of the coded bytes');
$range = $t->get('/all/a.md', 'Accept-Encoding' => 'gzip',
                 Range => 'bytes=0-99', 'If-Range' => $id->{headers}{etag});
is($range->{status}, 200, 'If-Range with another representation\'s ETag: 200');

my $head = $t->request('HEAD', '/all/a.md', 'Accept-Encoding' => 'gzip');
ok($head->{headers}{'content-length'} == length $gz->{body}
    && $head->{body} eq '', 'HEAD: the coded length, no body');

# nginx's rules and its gzip filter

is(coding($t->get('/http11/a.md', 'Accept-Encoding' => 'gzip')), '',
    'gzip_http_version 1.1 keeps an HTTP/1.0 request identity');
is(coding($t->get('/proxied/a.md', 'Accept-Encoding' => 'gzip',
                  Via => '1.1 proxy')), '',
    'gzip_proxied off keeps a proxied request identity');
is(coding($t->get('/proxied/a.md', 'Accept-Encoding' => 'gzip')), 'gzip',
    'the same scope compresses a direct request');
is(decode_body('gzip', $gz->{body}), $page,
    'gzip on never compresses a compressed page again');
is(coding($t->get('/off/a.md', 'Accept-Encoding' => 'gzip')), 'gzip',
    'with article_render_compress off, nginx\'s gzip filter compresses');
my $small = $t->get('/bare/small.md', 'Accept-Encoding' => 'gzip');
ok(coding($small) eq '' && $small->{body} =~ /<h1/,
    'a page that compresses to no less is sent as it is, and not by gzip');

# pages in files, with their codings

$t->get('/files/a.md', 'Accept-Encoding' => 'br');
my $fb = $t->get('/files/a.md', 'Accept-Encoding' => 'br');
ok(cache_status($fb) eq 'HIT' && decode_body('br', $fb->{body}) eq $page,
    'a page file hit in br');
my $fi = $t->get('/files/a.md');
ok(cache_status($fi) eq 'HIT' && $fi->{body} eq $page,
    'a page file hit in identity');
my $fz = $t->get('/files/a.md', 'Accept-Encoding' => 'zstd',
                 Range => 'bytes=10-19');
ok($fz->{status} == 206 && length $fz->{body} == 10,
    'a range of a coded page in a file');

# live reload keeps working on compressed pages

my $lr = $t->get('/live/a.md', 'Accept-Encoding' => 'gzip');
my $lp = decode_body('gzip', $lr->{body});
my ($e) = $lp =~ /var e='([^']*)'/;
(my $coded) = $lr->{headers}{etag} =~ /^"(.*)"$/;
ok(defined $e && "\"$coded\"" ne $e && $coded =~ /-gzip$/
    && $e eq '"' . ($coded =~ s/-gzip$//r) . '"',
    'live reload: the page carries the identity ETag of a gzip page');
is($t->request('HEAD', '/live/a.md', 'Accept-Encoding' => 'gzip',
               'If-None-Match' => $lr->{headers}{etag})->{status}, 304,
    'live reload: the browser\'s HEAD gets 304');

# an edit, eviction and reload take the representations with the page

$t->write_file('site/a.md', $text . "An edit.\n");
my $ed = $t->get('/all/a.md', 'Accept-Encoding' => 'gzip');
ok(cache_status($ed) eq 'EXPIRED' && decode_body('gzip', $ed->{body})
    =~ /An edit\./, 'an edit: a new page in every coding');
isnt($ed->{headers}{etag}, $gz->{headers}{etag}, 'an edit: a new ETag');

my $right = 0;

for my $pass (1 .. 2) {
    for my $i (1 .. 6) {
        my $r = $t->get("/tiny/ev$i.md", 'Accept-Encoding' => 'gzip');
        $right++ if decode_body(coding($r), $r->{body}) =~ /Evicted $i\b/;
    }
}

is($right, 12, 'pages evicted with their codings come back right');

$t->reload();

my $after = $t->get('/all/a.md', 'Accept-Encoding' => 'gzip');
ok(cache_status($after) eq 'HIT' && decode_body('gzip', $after->{body})
    =~ /An edit\./, 'a reload keeps the page and its codings');
