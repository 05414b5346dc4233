#!/usr/bin/perl

# The zone's rules (docs/design.md, "One write"): a render of an old
# version that fails never replaces what a newer version's render put
# there since.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status wait_until);

my $t = ArticleRender::Test->new();

plan(skip_all => 'no test hooks') unless $t->has_test_hooks();

# the two locations share the pages: the test delay and the time budget
# are not part of a page's identity

$t->config(<<'EOF2');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;

        article_render on;

        location /slow/ {
            alias %%TESTDIR%%/site/;
            article_render_test_delay 20s;
            article_render_timeout 3s;
        }
    }
}
EOF2

$t->write_file('site/x.md', "# Old\n\nThe first version.\n");

$t->plan(3)->run();

# a render of the old version, slower than its budget

unlink $t->path('renderer');
my $slow = $t->start_get('/slow/x.md');
wait_until(sub { -s $t->path('renderer') });

# meanwhile a new version, rendered and kept

$t->write_file('site/x.md', "# New\n\nThe second version, longer.\n");
my $new = $t->get('/x.md');
is($new->{status} . ' ' . cache_status($new), '200 EXPIRED',
    'a new version rendered while the old one is');

my $old = $t->finish_get($slow);
is($old->{status}, 500, 'the old version passed its time budget');

my $r = $t->get('/x.md');
ok(cache_status($r) eq 'HIT' && $r->{body} =~ /second version/,
    'the old version\'s failure did not replace the new page');
