#!/usr/bin/perl

# Large pages kept in files ("article_render_cache_zone ... path=DIR"):
# hits are sent from the page's file, with and without sendfile, and
# behave as hits from the zone do; each page's file goes with its entry
# (an edit, an eviction), the files stay within the zone's size, a file
# lost or replaced by hand is rendered again, and nginx starting afresh
# deletes the page files an earlier nginx left.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use ArticleRender::Test qw(cache_status);

my $t = ArticleRender::Test->new(workers => 2)
    ->skip_without_modules(qw(http_gzip));

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_cache_zone files:1m max_entry=600k
                              path=%%TESTDIR%%/pages;
    article_render_cache_zone mem:1m max_entry=600k;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;

        article_render on;
        article_render_cache files;
        sendfile on;

        # one representation a page, so that a file is the page
        # (t/compress.t has pages in files with their codings)
        article_render_compress off;

        location /nosendfile/ {
            alias %%TESTDIR%%/site/;
            sendfile off;
        }

        location /aio/ {
            alias %%TESTDIR%%/site/;
            sendfile off;
            aio threads;
        }

        location /gzip/ {
            alias %%TESTDIR%%/site/;
            gzip on;
            gzip_types text/html;
            gzip_http_version 1.0;
        }

        location /live/ {
            alias %%TESTDIR%%/site/;
            article_render_live_reload 5s;
        }

        location /mem/ {
            alias %%TESTDIR%%/site/;
            article_render_cache mem;
        }
    }
}
EOF

# about 100 KB of page: over the 32 KB from which pages go to files

$t->write_file('site/big.md', $t->article_text('Big', 2000));
$t->write_file('site/small.md', "# Small\n\nA short article.\n");

for my $i (1 .. 6) {
    $t->write_file("site/ev$i.md", $t->article_text("Evicted $i", 5000));
}

$t->plan(46)->run();

sub file_count {
    my %files = $t->page_files();
    return scalar keys %files;
}

sub files_size {
    my %files = $t->page_files();
    my $size = 0;
    $size += length $_ for values %files;
    return $size;
}

# a large page: a miss, then hits from its file

my $miss = $t->get('/big.md');
is(cache_status($miss), 'MISS', 'large page: first request is a miss');
like($miss->{body}, qr/Paragraph 2000 of Big/, 'large page is whole');

my $hit = $t->get('/big.md');
is(cache_status($hit), 'HIT', 'large page: then a hit');
is($hit->{body}, $miss->{body}, 'hit from the file is the page');
is($hit->{headers}{'content-length'}, length $miss->{body},
    'hit from the file has the page length');
is($hit->{headers}{etag}, $miss->{headers}{etag}, 'hit keeps the ETag');

my %files = $t->page_files();
is(scalar keys %files, 1, 'the large page is in one file');
is((values %files)[0], $miss->{body}, 'the file holds the page');

# a small page stays in the zone

$t->get('/small.md');
is(cache_status($t->get('/small.md')), 'HIT', 'small page is a hit');
is(file_count(), 1, 'small page made no file');

# HEAD, ranges and conditional requests on hits from files

my $r = $t->request('HEAD', '/big.md');
is($r->{status} . ' ' . cache_status($r), '200 HIT', 'HEAD on a file hit');
is($r->{body}, '', 'HEAD on a file hit sends no body');

$r = $t->get('/big.md', Range => 'bytes=40000-40999');
is($r->{status}, 206, 'range on a file hit: 206');
is($r->{body}, substr($miss->{body}, 40000, 1000),
    'range on a file hit: those bytes');

$r = $t->get('/big.md', Range => 'bytes=-500');
is($r->{body}, substr($miss->{body}, -500), 'suffix range on a file hit');

$r = $t->get('/big.md', 'If-None-Match' => $miss->{headers}{etag},
    'If-Modified-Since' => $miss->{headers}{'last-modified'});
is($r->{status}, 304, 'conditional request on a file hit: 304');

# a 412 to If-Match clears the request's module contexts: the request
# still lets go of the page it pinned (below, the edit deletes its file)

$r = $t->get('/big.md', 'If-Match' => '"nothing"');
is($r->{status}, 412, 'If-Match not matching on a file hit: 412');

# without sendfile nginx reads the file itself

$r = $t->get('/nosendfile/big.md');
is(cache_status($r), 'HIT', 'sendfile off: a hit');
is($r->{body}, $miss->{body}, 'sendfile off: the page');

$r = $t->get('/aio/big.md');
is($r->{body} . cache_status($r), $miss->{body} . 'HIT',
    'aio threads: the page');

$r = $t->get('/gzip/big.md', 'Accept-Encoding' => 'gzip');
my $plain;
gunzip(\$r->{body} => \$plain, Transparent => 0) or $plain = "gunzip: $GunzipError";
is(($r->{headers}{'content-encoding'} // '') . ' ' . cache_status($r),
    'gzip HIT', 'gzip on a file hit');
is($plain, $miss->{body}, 'gzip on a file hit: the page, compressed');

# a page with the live reload script is kept in a file like any other;
# a zone without a path keeps its pages in shared memory

$t->get('/live/big.md');
$r = $t->get('/live/big.md');
is(cache_status($r), 'HIT', 'live reload: a hit');
like($r->{body}, qr/article_render_live_reload/, 'live reload: script');
$t->get('/mem/big.md');
is(cache_status($t->get('/mem/big.md')), 'HIT', 'zone without a path: hit');
is(file_count(), 2, 'live reload page in a file, none for the zone without');

# an edit replaces the page and deletes the old file

$t->write_file('site/big.md', $t->article_text('Edited', 2000));
$r = $t->get('/big.md');
is(cache_status($r), 'EXPIRED', 'edited large page: expired');
like($r->{body}, qr/Paragraph 7 of Edited/, 'edited page: new content');
%files = $t->page_files();
is(scalar(grep { $_ eq $miss->{body} } values %files), 0,
    'the old file is deleted');
is(scalar(grep { $_ eq $r->{body} } values %files), 1,
    'the new file holds the new page');

# six pages of about 270 KB in a zone of 1m: the files stay within 1m,
# the least recently used are evicted, every page stays right

my ($right, $statuses, $within) = (0, '', 1);

for my $pass (1 .. 2) {
    for my $i (1 .. 6) {
        $r = $t->get("/ev$i.md");
        $right++ if $r->{status} == 200
            && $r->{body} =~ /Paragraph 4999 of Evicted $i\b/
            && $r->{body} !~ /of Evicted (?!$i\b)\d/;
        $statuses .= cache_status($r) . ' ';
        $within = 0 if files_size() > 1024 * 1024;
    }
}

is($right, 12, 'pages stay right while files are evicted');
ok($within, 'page files stay within the zone size');
my $count = file_count();
ok($count >= 1 && $count <= 3, "three page files at most fit ($count)");
like($statuses, qr/^(?:MISS ){6}.*MISS/,
    'evicted pages are rendered again');

# a file deleted by hand: the page is rendered again, then kept again

$r = $t->get('/ev6.md');
is(cache_status($r), 'HIT', 'last page is a hit');
unlink map { $t->path("pages/$_") } keys %{ { $t->page_files() } };
my $again = $t->get('/ev6.md');
is($again->{status} . ' ' . cache_status($again), '200 MISS',
    'lost file: rendered again');
is($again->{body}, $r->{body}, 'lost file: the same page');
is(cache_status($t->get('/ev6.md')), 'HIT', 'lost file: kept again');
like($t->error_log(), qr/\[error\].*open\(\) ".*pages\/\d{10}" failed/,
    'lost file is logged');

# a file that is no longer the one written (same name, same size, other
# bytes) is not served: the page is rendered again

my ($name) = keys %{ { $t->page_files() } };
my $page = $t->read_file("pages/$name");
unlink $t->path("pages/$name");
$t->write_file("pages/$name", 'x' x length $page);
$r = $t->get('/ev6.md');
is($r->{status} . ' ' . cache_status($r), '200 MISS',
    'replaced file: rendered again');
is($r->{body}, $page, 'replaced file: the page, not the file');
like($t->error_log(), qr/\[error\].*page file ".*" is not the one written/,
    'replaced file is logged');

# a reload keeps the zone and its files, and deletes nothing; nginx
# starting afresh deletes the page files an earlier one left, and nothing
# else

$t->write_file('pages/0000012345', 'left behind');
$t->write_file('pages/notes.txt', 'not a page');

$t->reload();
is(cache_status($t->get('/ev6.md')), 'HIT', 'reload keeps file pages');
ok(-e $t->path('pages/0000012345'), 'reload deletes no file');

$t->restart();
ok(!-e $t->path('pages/0000012345'), 'restart deletes left page files');
ok(-e $t->path('pages/notes.txt'), 'restart leaves other files');
