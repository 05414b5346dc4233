#!/usr/bin/perl

# A listing that fails to be made again (here: past its time budget) is
# not replaced by the failure: the request that made it again is sent the
# listing made before (STALE), as proxy_cache_use_stale error updating
# would, and so are the requests after it while the failure is kept.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status wait_until);

my $t = ArticleRender::Test->new();

plan(skip_all => 'no test hooks') unless $t->has_test_hooks();

# the test delay and the time budget are not part of the pages' identity:
# after the reload, the listing made before is the one made again

my $conf = <<'EOF2';
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;

        article_render on;
        article_render_index on;

        location /d/ {
            %%SLOW%%
        }
    }
}
EOF2

$t->config($conf =~ s/%%SLOW%%//r);

$t->write_file('site/d/a.md', "# First\n\nAn article.\n");
$t->write_file('site/d/b.md', "# Second\n\nAnother.\n");

$t->plan(4)->run();

# a second request slower than a listing's freshness (1 s: under
# valgrind) finds it kept but expired, and makes it again

$t->get('/d/');
my $made = $t->get('/d/');
like(cache_status($made), qr/^(?:HIT|EXPIRED)\z/,
    'the listing made and kept');

$t->config($conf =~ s/%%SLOW%%/article_render_test_delay 3s;
            article_render_timeout 1s;/r);
$t->reload();

# the first request that finds the listing a second old makes it again,
# and that fails

my $r;
wait_until(sub { $r = $t->get('/d/'); cache_status($r) ne 'HIT' }, 20);

is($r->{status} . ' ' . cache_status($r), '200 STALE',
    'a remake that failed: the listing made before is sent');
is($r->{body}, $made->{body}, 'a remake that failed: its body');

$r = $t->get('/d/');
is($r->{status} . ' ' . cache_status($r) . ' '
    . ($r->{body} eq $made->{body} ? 'same' : 'other'), '200 HIT same',
    'a remake that failed: then sent while the failure is kept');
