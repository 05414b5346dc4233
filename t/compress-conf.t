#!/usr/bin/perl

# article_render_compress: the forms "nginx -t" accepts and refuses, a
# method the build lacks, and, in test builds, the coding a request is
# given under nginx's gzip rules (through $article_render_test_coding:
# the coding of a page stored as identity 1000, gzip 300, br 250 and
# zstd 280 bytes, in the methods of the request's scope).

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

my $t = ArticleRender::Test->new();

my $d = '"article_render_compress" directive';

my @bad = (
    [ 'article_render_compress;',
      "invalid number of arguments in $d" ],
    [ 'article_render_compress deflate;',
      "invalid value \"deflate\" in $d" ],
    [ 'article_render_compress GZIP;', "invalid value \"GZIP\" in $d" ],
    [ 'article_render_compress x-gzip;',
      "invalid value \"x-gzip\" in $d" ],
    [ 'article_render_compress identity;',
      "invalid value \"identity\" in $d" ],
    [ 'article_render_compress =5;', "invalid value \"=5\" in $d" ],
    [ 'article_render_compress gzip=0;',
      "invalid level \"0\" of \"gzip\" in $d, it must be 1 to 9" ],
    [ 'article_render_compress gzip=10;',
      "invalid level \"10\" of \"gzip\" in $d, it must be 1 to 9" ],
    [ 'article_render_compress gzip=;',
      "invalid level \"\" of \"gzip\" in $d, it must be 1 to 9" ],
    [ 'article_render_compress gzip=x;',
      "invalid level \"x\" of \"gzip\" in $d, it must be 1 to 9" ],
    [ 'article_render_compress gzip=-1;',
      "invalid level \"-1\" of \"gzip\" in $d, it must be 1 to 9" ],
    [ 'article_render_compress gzip=5=5;',
      "invalid level \"5=5\" of \"gzip\" in $d, it must be 1 to 9" ],
    [ 'article_render_compress gzip gzip=5;',
      "duplicate method \"gzip\" in $d" ],
    [ 'article_render_compress off gzip;',
      "\"off\" cannot be combined with methods in $d" ],
    [ 'article_render_compress gzip off;',
      "\"off\" cannot be combined with methods in $d" ],
    [ "article_render_compress gzip;\n        article_render_compress off;",
      "$d is duplicate" ],
);

# the methods this build has, as the module's libraries say

my $ldd = `ldd "$t->{so}" 2>/dev/null`;
my $has_br = $ldd =~ /libbrotlienc/;
my $has_zstd = $ldd =~ /libzstd/;

push @bad,
    [ 'article_render_compress br=12;',
      "invalid level \"12\" of \"br\" in $d, it must be 0 to 11" ]
    if $has_br;
push @bad,
    [ 'article_render_compress zstd=0;',
      "invalid level \"0\" of \"zstd\" in $d, it must be 1 to 19" ],
    [ 'article_render_compress zstd=20;',
      "invalid level \"20\" of \"zstd\" in $d, it must be 1 to 19" ]
    if $has_zstd;

# [ uri, request headers, the coding expected, test name ]

my @coding = (
    [ '/', [], 'identity', 'no Accept-Encoding: identity' ],
    [ '/', [ 'Accept-Encoding' => '' ], 'identity',
      'an empty Accept-Encoding: identity' ],
    [ '/', [ 'Accept-Encoding' => 'gzip, deflate' ], 'gzip',
      'a browser over HTTP gets gzip by default' ],
    [ '/', [ 'Accept-Encoding' => 'gzip, deflate, br, zstd' ], 'br',
      'a browser over HTTPS gets br by default' ],
    [ '/', [ 'Accept-Encoding' => 'zstd' ], 'identity',
      'zstd is not among the default methods' ],
    [ '/', [ 'Accept-Encoding' => 'br;q=0.5, gzip' ], 'gzip',
      'br;q=0.5, gzip: gzip' ],
    [ '/', [ 'Accept-Encoding' => 'gzip;q=0, br' ], 'br',
      'gzip;q=0 refuses gzip' ],
    [ '/', [ 'Accept-Encoding' => '*' ], 'br', '*: the smallest' ],
    [ '/', [ 'Accept-Encoding' => 'identity;q=0' ], 'identity',
      'identity;q=0 and nothing else acceptable: identity anyway' ],
    [ '/', [ 'Accept-Encoding' => 'identity;q=0, gzip;q=0.1' ], 'gzip',
      'identity;q=0 with gzip accepted: gzip' ],
    [ '/', [ 'Accept-Encoding' => 'compress, foo' ], 'identity',
      'unknown codings: identity' ],
    [ '/', [ 'Accept-Encoding' => 'X-GZIP' ], 'gzip', 'X-GZIP is gzip' ],
    [ '/all/', [ 'Accept-Encoding' => 'gzip, zstd' ], 'zstd',
      'all three methods: zstd smaller than gzip' ],
    [ '/all/', [ 'Accept-Encoding' => 'gzip, br, zstd' ], 'br',
      'all three methods: br the smallest' ],
    [ '/zstd/', [ 'Accept-Encoding' => 'gzip, br, zstd' ], 'zstd',
      'zstd alone' ],
    [ '/zstd/', [ 'Accept-Encoding' => 'gzip, br' ], 'identity',
      'zstd alone, not accepted: identity' ],
    [ '/off/', [ 'Accept-Encoding' => 'gzip, br' ], 'identity',
      'off: identity' ],
    [ '/', [ 'Accept-Encoding' => 'gzip', 'Via' => '1.1 proxy' ],
      'identity', 'gzip_proxied off (the default): a proxied request '
      . 'gets identity' ],
    [ '/proxied/', [ 'Accept-Encoding' => 'gzip', 'Via' => '1.1 proxy' ],
      'gzip', 'gzip_proxied any: a proxied request gets gzip' ],
    [ '/proxied/', [ 'Accept-Encoding' => 'gzip',
                     'User-Agent' => 'OldBrowser/1.0' ],
      'identity', 'gzip_disable: a matching User-Agent gets identity' ],
    [ '/', [ 'Accept-Encoding' => 'gzip', -version => '1.0' ],
      'identity', 'gzip_http_version 1.1 (the default): HTTP/1.0 gets '
      . 'identity' ],
    [ '/http10/', [ 'Accept-Encoding' => 'gzip', -version => '1.0' ],
      'gzip', 'gzip_http_version 1.0: HTTP/1.0 gets gzip' ],
    [ '/sub/', [ 'Accept-Encoding' => 'gzip, br' ], 'identity',
      'a subrequest gets identity' ],
);

my $hooks = $t->has_test_hooks();

$t->plan(2 * @bad + 8 + @coding);

$t->bad_directive(@$_) for @bad;

# every accepted form, at every level

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_compress gzip;

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render_compress gzip=1;

        location /a/ {
            article_render_compress off;
        }

        location /b/ {
            article_render_compress gzip=9;
        }
    }
}
EOF

my ($ok, $out) = $t->test_config();
ok($ok, 'gzip, gzip=N and off accepted in http, server and location')
    or diag($out);

SKIP: {
    skip 'the module was built without brotli', 1 unless $has_br;

    $t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_compress br;

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render_compress br=0 gzip;

        location / {
            article_render_compress gzip=1 br=11;
        }
    }
}
EOF

    ($ok, $out) = $t->test_config();
    ok($ok, 'br, br=0 and br=11 accepted, alone and with gzip')
        or diag($out);
}

SKIP: {
    skip 'the module was built without zstd', 1 unless $has_zstd;

    $t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_compress zstd;

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render_compress zstd=1 gzip;

        location / {
            article_render_compress gzip=9 zstd=19;
        }
    }
}
EOF

    ($ok, $out) = $t->test_config();
    ok($ok, 'zstd, zstd=1 and zstd=19 accepted, alone and with gzip')
        or diag($out);
}

# a method the build lacks: this build's own, where one is missing, and
# in test builds, one the test says is missing

SKIP: {
    skip 'the module has both brotli and zstd', 2 if $has_br && $has_zstd;

    my $m = $has_br ? 'zstd' : 'br';
    my $lib = $has_br ? 'the zstd library (Debian: libzstd-dev)'
        : 'the brotli library (Debian: libbrotli-dev)';

    $t->bad_directive("article_render_compress gzip $m;",
        "\"$m\" cannot be used in $d: the module was built without $lib");
}

SKIP: {
    skip 'not a test build', 3 unless $hooks;

    local $ENV{AR_TEST_COMPRESS_WITHOUT} = 'br';

    $t->bad_directive('article_render_compress gzip br=4;',
        "\"br\" cannot be used in $d: the module was built without the "
        . 'brotli library (Debian: libbrotli-dev)');

    $t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render on;
    }
}
EOF

    ($ok, $out) = $t->test_config();
    ok($ok, 'without brotli the default, gzip, is accepted') or diag($out);
}

SKIP: {
    skip 'not a test build', scalar @coding unless $hooks;
    skip 'the module was built without brotli or zstd', scalar @coding
        unless $has_br && $has_zstd;

    $t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;

        location / {
            return 200 "$article_render_test_coding\n";
        }

        location /all/ {
            article_render_compress gzip br zstd;
            return 200 "$article_render_test_coding\n";
        }

        location /zstd/ {
            article_render_compress zstd;
            return 200 "$article_render_test_coding\n";
        }

        location /off/ {
            article_render_compress off;
            return 200 "$article_render_test_coding\n";
        }

        location /proxied/ {
            gzip_proxied any;
            gzip_disable "^OldBrowser";
            return 200 "$article_render_test_coding\n";
        }

        location /http10/ {
            gzip_http_version 1.0;
            return 200 "$article_render_test_coding\n";
        }

        location /sub/ {
            ssi on;
            ssi_types *;
            return 200 '<!--# include virtual="/inner/" -->';
        }

        location /inner/ {
            return 200 "$article_render_test_coding\n";
        }
    }
}
EOF

    $t->run();

    for my $c (@coding) {
        my ($uri, $headers, $expected, $name) = @$c;
        my %h = @$headers;
        my $version = delete $h{-version} // '1.1';

        my $req = "GET $uri HTTP/$version\r\nHost: localhost\r\n"
            . "Connection: close\r\n";
        $req .= "$_: $h{$_}\r\n" for sort keys %h;

        my $reply = $t->http("$req\r\n") // '';
        my ($head, $body) = split /\r\n\r\n/, $reply, 2;
        $body //= '';

        # an SSI answer of HTTP/1.1 is chunked
        $body =~ s/\A[0-9a-f]+\r\n(.*?)\r\n0\r\n\r\n\z/$1/s
            if ($head // '') =~ /^Transfer-Encoding: chunked/mi;

        is($body, "$expected\n", $name);
    }
}

$t->finish();
