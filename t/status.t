#!/usr/bin/perl

# Status codes of article requests: 404, 403, 405, 500 (too large), 200.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

# workers as nobody, so that a file without read permission is one

my $t = ArticleRender::Test->new(user => 'nobody');

my $dir = $t->testdir();

$t->write_file('site/real.md', "# Real\n");
$t->write_file('site/secret.md', "# Secret\n");
chmod 0000, "$dir/site/secret.md";
symlink "$dir/site/real.md", "$dir/site/link.md" or die "symlink: $!\n";

$t->write_file('site/cache/gone.md', "# Cached\n");
$t->write_file('site/nocache/gone.md', "# Not cached\n");
$t->write_file('site/limit/at.md', 'a' x 99 . "\n");
$t->write_file('site/limit/over.md', 'a' x 100 . "\n");
$t->write_file('site/k/at.md', 'k' x 1023 . "\n");
$t->write_file('site/k/over.md', 'k' x 1024 . "\n");
# 4 MiB of prose: lines of 1 KiB (a line per byte would pass the default
# memory budget of a render long before the size limit)
my $kib = 'a' x 1023 . "\n";
$t->write_file('site/default/at.md', $kib x 4096);
$t->write_file('site/default/over.md', $kib x 4096 . "b");

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location / {
        }

        location /limit/ {
            article_render_max_size 100;
        }

        location /k/ {
            article_render_max_size 1k;
        }

        location /cache/ {
            open_file_cache max=16 inactive=60s;
            open_file_cache_valid 60s;
            open_file_cache_errors on;
        }

        location /nolinks/ {
            alias %%TESTDIR%%/site/;
            disable_symlinks on;
        }
    }
}
EOF

$t->plan(34)->run();

# 404

my $r = $t->get('/missing.md');

is($r->{status}, 404, 'missing article gives 404');

my $msg = qq{open() "$dir/site/missing.md" failed }
    . '(2: No such file or directory)';

like($t->error_log(), qr/\[error\] .*\Q$msg\E/,
    'missing article logged as the static module does');
is($t->get('/real.md/sub.md')->{status}, 404,
    'article path through a file gives 404');

# 405

for my $m (qw(POST PUT DELETE)) {
    $r = $t->request($m, '/real.md', -body => 'x');
    is($r->{status}, 405, "$m on an article gives 405");
    is($r->{headers}{allow}, 'GET, HEAD', "405 to $m carries Allow: GET, HEAD");
}

is($t->get('/real.md')->{status}, 200, 'GET on an article gives 200');
is($t->request('HEAD', '/real.md')->{status}, 200,
    'HEAD on an article gives 200');

# 403

is($t->get('/secret.md')->{status}, 403,
    'article the worker may not read gives 403');

$msg = qq{"$dir/site/secret.md" failed (13: Permission denied)};

like($t->error_log(), qr/\[error\] .*\Q$msg\E/,
    'unreadable article logged with its errno');

is($t->get('/link.md')->{status}, 200, 'symlinked article served by default');
is($t->get('/nolinks/link.md')->{status}, 403,
    'symlinked article gives 403 with disable_symlinks on');
is($t->get('/nolinks/real.md')->{status}, 200,
    'plain article still served with disable_symlinks on');

# 500 for articles over article_render_max_size

is($t->get('/limit/at.md')->{status}, 200,
    'article of exactly article_render_max_size is rendered');
like($t->get('/limit/at.md')->{body}, qr/<p>a{99}<\/p>/,
    'article at the limit is rendered whole');

$r = $t->get('/limit/over.md');

is($r->{status}, 500, 'article one byte over the limit gives 500');
unlike($r->{body}, qr/a{100}/, '500 page shows none of the article');

my @lines = grep { /over\.md/ } split /\n/, $t->error_log();

is(scalar @lines, 1, 'one error log line for the article over the limit');
$msg = qq{article "$dir/site/limit/over.md" is 101 bytes, }
    . 'more than article_render_max_size 100';

like($lines[0] // '', qr/\[error\] .*\Q$msg\E, client/,
    'error log line names the file, its size and the limit');

is($t->get('/k/at.md')->{status}, 200, 'size limit 1k: 1024 bytes rendered');
is($t->get('/k/over.md')->{status}, 500, 'size limit 1k: 1025 bytes give 500');

$r = $t->get('/default/at.md');

is($r->{status}, 200, 'default limit: an article of 4 MiB is rendered');
is(length $r->{body} > 4 * 1024 * 1024, 1,
    'default limit: the 4 MiB article is sent whole');
is($t->get('/default/over.md')->{status}, 500,
    'default limit: 4 MiB and one byte give 500');

$msg = '/default/over.md" is 4194305 bytes, '
    . 'more than article_render_max_size 4194304';

like($t->error_log(), qr/\Q$msg\E/,
    'default limit is 4m');

# open_file_cache: a removed file is still served from the cached
# descriptor, a missing one stays missing while the error is cached

is($t->get('/cache/gone.md')->{status}, 200, 'open_file_cache: first open');
is($t->get('/nocache/gone.md')->{status}, 200, 'no open_file_cache: first');

unlink $t->path('site/cache/gone.md'), $t->path('site/nocache/gone.md');

like($t->get('/cache/gone.md')->{body}, qr{<h1 id="cached">Cached<a },
    'open_file_cache: removed article served from the cached descriptor');
is($t->get('/nocache/gone.md')->{status}, 404,
    'no open_file_cache: removed article gives 404');

is($t->get('/cache/later.md')->{status}, 404,
    'open_file_cache_errors: missing article gives 404');
$t->write_file('site/cache/later.md', "# Later\n");
is($t->get('/cache/later.md')->{status}, 404,
    'open_file_cache_errors: the cached 404 holds after the file appears');
