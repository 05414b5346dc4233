#!/usr/bin/perl

# Cache configuration errors fail "nginx -t" with a message that says
# what is wrong; the built-in zone is created only where it is used.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

my $t = ArticleRender::Test->new();

$t->plan(26);

sub check {
    my ($http, $server) = @_;

    $t->config(<<"EOF");
http {
    %%TEST_GLOBALS_HTTP%%
    $http
    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%;
        article_render on;
        $server
    }
}
EOF

    return $t->test_config();
}

my ($ok, $out) = check('', 'article_render_cache nosuch;');
ok(!$ok, 'unknown zone fails nginx -t');
like($out, qr/unknown article_render_cache zone "nosuch"/,
    'unknown zone is named');

($ok, $out) = check('article_render_cache_zone z:1m;'
    . ' article_render_cache_zone z:2m;', '');
ok(!$ok, 'zone defined twice with different sizes fails nginx -t');
like($out, qr/shared memory zone "z" conflicts/,
    'conflicting sizes are reported');

($ok, $out) = check('article_render_cache_zone z:1m;'
    . ' article_render_cache_zone z:1m;', '');
ok(!$ok, 'zone defined twice fails nginx -t');
like($out, qr/duplicate zone "z"/, 'duplicate zone is reported');

($ok, $out) = check('article_render_cache_zone z:4k;', '');
ok(!$ok, 'zone under eight pages fails nginx -t');
like($out, qr/zone "z:4k" is too small/, 'small zone is reported');

($ok, $out) = check('article_render_cache_zone z:1m max_entry=lots;', '');
ok(!$ok, 'bad max_entry fails nginx -t');
like($out, qr/invalid parameter "max_entry=lots"/,
    'bad max_entry is reported');

($ok, $out) = check('article_render_cache_zone z;', '');
ok(!$ok, 'zone without a size fails nginx -t');
like($out, qr/invalid zone "z"/, 'zone without a size is reported');

($ok, $out) = check('', 'article_render_cache off;');
ok($ok, 'article_render_cache off is valid') or diag($out);

($ok, $out) = check('article_render_cache_zone later:1m;',
    'location /x/ { article_render_cache later; }');
ok($ok, 'a zone may be used in any scope of the http block') or diag($out);

# "article_render_cache article_render" names the built-in zone

($ok, $out) = check('', 'location /x/ { article_render off;'
    . ' article_render_cache article_render; }');
ok($ok, 'the built-in zone may be named explicitly') or diag($out);

($ok, $out) = check('article_render_cache_zone z:1m max_entry=0;', '');
ok(!$ok, 'max_entry of zero fails nginx -t');

# path=: one directory per zone, and nginx -t deletes no page file in it

($ok, $out) = check('article_render_cache_zone a:1m path=%%TESTDIR%%/p;'
    . ' article_render_cache_zone b:1m path=%%TESTDIR%%/p/;', '');
ok(!$ok, 'two zones with one path fail nginx -t');
like($out, qr/the same path name "\S+\/p" used in \S+nginx\.conf:\d+ and/,
    'the shared path and the other zone\'s line are named');

# nginx's own temporary files have the names of page files: a fresh start
# would delete them

($ok, $out) = check('article_render_cache_zone a:1m'
    . ' path=%%TESTDIR%%/client_body_temp;', '');
ok(!$ok, 'a path that is one of nginx\'s temporary paths fails nginx -t');
like($out, qr/the same path name "\S+\/client_body_temp" used in/,
    'the temporary path is named');

($ok, $out) = check('article_render_cache_zone a:1m path=;', '');
ok(!$ok, 'an empty path fails nginx -t');
like($out, qr/empty "path="/, 'the empty path is reported');

($ok, $out) = check('article_render_cache_zone a:1m path=p path=q;', '');
ok(!$ok, 'path given twice fails nginx -t');
like($out, qr/invalid parameter "path=q"/, 'the second path is reported');

$t->write_file('p/0000000001', 'a page file of a running nginx');
($ok, $out) = check('article_render_cache_zone a:1m path=%%TESTDIR%%/p;',
    '');
ok($ok, 'a zone with a path is valid') or diag($out);
ok(-e $t->path('p/0000000001'), 'nginx -t deletes no page file');
