#!/usr/bin/perl

# The first response after an edit waits for the render and its own
# coding only: the other codings (and a zone's page file) are made by a
# task of their own, which holds the render's mark until the page is
# stored in every coding.  The test build's hook holds that task while
# "ARTICLE.md.hold" exists, so that the tests see the response go first,
# a hit wait for the full set, a client that went away, and a reload.
# And with "gzip_vary on", one Vary: Accept-Encoding.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use IO::Socket::INET;
use ArticleRender::Test qw(cache_status decode_body);

my $t = ArticleRender::Test->new()
    ->skip_without_modules(qw(http_gzip));

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%
    %%TEST_HOOKS_LOG%%

    article_render_cache_zone files:4m path=%%TESTDIR%%/pages;

    gzip on;
    gzip_vary on;
    gzip_types text/html;
    gzip_http_version 1.0;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_timeout 60s;
        article_render_compress gzip br zstd;
        add_header X-Cache $article_render_cache always;

        location /files/ {
            alias %%TESTDIR%%/site/;
            article_render_cache files;
        }

        location /inline/ {
            alias %%TESTDIR%%/site/;
            article_render_thread_pool off;
        }

        location /off/ {
            alias %%TESTDIR%%/site/;
            article_render_compress off;
        }
    }
}
EOF

plan(skip_all => 'not the test build: article_render_test_delay unknown')
    unless $t->has_test_hooks();

my $text = "# First\n\n"
    . join('', map { "Paragraph $_ says *the same* thing again.\n\n" }
           1 .. 2000);

for my $f (qw(ref gzip br zstd identity race files gone reload inline vary)) {
    $t->write_file("site/$f.md", $text . "The $f article.\n");
}

$t->plan(37)->run();

sub coding {
    my ($r) = @_;
    return $r->{headers}{'content-encoding'} // '';
}

sub etag_coding {
    my ($r) = @_;
    my ($c) = ($r->{headers}{etag} // '') =~ /-(gzip|br|zstd)"$/;
    return $c // '';
}

# a request left in flight: its answer is read by finish()

sub start {
    my ($uri, $ae) = @_;

    my $s = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $t->port(),
        Proto => 'tcp',
    ) or die "cannot connect: $@\n";

    binmode $s;
    $s->autoflush(1);
    print $s "GET $uri HTTP/1.0\r\nHost: localhost\r\n"
        . (defined $ae ? "Accept-Encoding: $ae\r\n" : '') . "\r\n";

    return $s;
}

sub hold { $t->write_file("site/$_[0].md.hold", '') }
sub release { unlink $t->path("site/$_[0].md.hold") }

sub ae { length $_[0] ? ('Accept-Encoding' => $_[0]) : () }

my $page = $t->get('/off/ref.md')->{body};
like($page, qr/The ref article\./, 'the identity page');

# the first response in each coding goes while the other codings are
# still being made; a request meanwhile waits for them, and gets the
# smallest; one render

my %later = (gzip => 'br', br => 'gzip', zstd => 'gzip', identity => 'br');

for my $first (qw(gzip br zstd identity)) {
    my $want = $page =~ s/The ref article/The $first article/r;
    my $c = $first eq 'identity' ? '' : $first;

    hold($first);

    my $r = $t->get("/$first.md", ae($c));
    ok(coding($r) eq $c && etag_coding($r) eq $c
        && decode_body($c, $r->{body}) eq $want,
        "first response in " . ($c || 'identity')
        . " while the other codings are made");

    my $s = start("/$first.md", $later{$first});

    release($first);

    my $h = $t->finish_get($s);
    ok(cache_status($h) eq 'HIT' && coding($h) eq $later{$first}
        && etag_coding($h) eq $later{$first}
        && decode_body($later{$first}, $h->{body}) eq $want,
        "then a hit in $later{$first}, waiting for the full set");

    is($t->renders("/$first.md"), 1, "$first first: one render");
}

my $all = $t->get('/br.md', 'Accept-Encoding' => 'gzip, br, zstd');
my %size = map {
    $_ => length $t->get('/br.md', 'Accept-Encoding' => $_)->{body}
} qw(gzip br zstd);
my ($smallest) = sort { $size{$a} <=> $size{$b} } keys %size;
is(coding($all), $smallest, 'the full set: the smallest coding accepted');

# a first response to a client that takes every coding: the quickest

hold('gzip');
$t->write_file('site/gzip.md', $text . "The gzip article, edited.\n");
my $ed = $t->get('/gzip.md', 'Accept-Encoding' => 'gzip, br, zstd');
release('gzip');
ok(cache_status($ed) eq 'EXPIRED' && coding($ed) eq 'gzip'
    && decode_body('gzip', $ed->{body}) =~ /edited/,
    'an edit: the first response in gzip, the quickest of those accepted');
is(coding($t->get('/gzip.md', 'Accept-Encoding' => 'gzip, br, zstd')),
    $smallest, 'an edit: then the smallest');

# an edit while the codings of the version before are still being made:
# that version's task does not put its page over the new one

hold('race');
$t->get('/race.md', 'Accept-Encoding' => 'gzip');
$t->write_file('site/race.md', $text . "The race article, edited.\n");
my $r2 = $t->get('/race.md', 'Accept-Encoding' => 'gzip');
release('race');
my $r3 = $t->get('/race.md', 'Accept-Encoding' => 'br');

ok(cache_status($r2) eq 'EXPIRED' && decode_body('gzip', $r2->{body}) =~ /edited/,
    'an edit while the codings are made: the new version rendered');
ok(cache_status($r3) eq 'HIT' && decode_body('br', $r3->{body}) =~ /edited/
    && $r3->{headers}{etag} =~ /-br"$/,
    'an edit while the codings are made: then a hit of the new version');
is($t->renders('/race.md'), 2, 'an edit while the codings are made: '
    . 'one render per version');

# a zone with a path: the page file is written by the task, in every
# coding; the first response goes from memory

my $fwant = $page =~ s/The ref article/The files article/r;
hold('files');
my $f1 = $t->get('/files/files.md', 'Accept-Encoding' => 'gzip');
my @during = glob $t->path('pages') . '/*';
release('files');
my $f2 = $t->get('/files/files.md', 'Accept-Encoding' => 'br');
my @files = glob $t->path('pages') . '/*';

ok(coding($f1) eq 'gzip' && decode_body('gzip', $f1->{body}) eq $fwant,
    'page file zone: the first response in gzip');
is(scalar @during, 0, 'page file zone: no file before the codings are made');
ok(cache_status($f2) eq 'HIT' && decode_body('br', $f2->{body}) eq $fwant,
    'page file zone: a hit in br');
is(scalar @files, 1, 'page file zone: one file, with every coding');
my $fz = $t->get('/files/files.md', 'Accept-Encoding' => 'zstd',
                 Range => 'bytes=0-9');
ok($fz->{status} == 206 && length $fz->{body} == 10
    && $fz->{body} eq substr($t->get('/files/files.md',
        'Accept-Encoding' => 'zstd')->{body}, 0, 10),
    'page file zone: a range of the zstd page in the file');
is($t->renders('/files.md'), 1, 'page file zone: one render');

# a client that goes away before its page is rendered: the task still
# stores the page

hold('gone');
my $gone = start('/gone.md', 'gzip');
close $gone;

ok(ArticleRender::Test::wait_until(sub { $t->hooks('/gone.md') }),
    'a client gone: its request ended');
my $g = start('/gone.md', 'br');
release('gone');
my $gr = $t->finish_get($g);

ok(cache_status($gr) eq 'HIT'
    && decode_body('br', $gr->{body}) =~ /The gone article\./,
    'a client gone: the page is stored in every coding');
is($t->renders('/gone.md'), 1, 'a client gone: one render');

# a reload while the task runs: the old worker stays until the page is
# stored, and the new one finds it

hold('reload');
my $rl = $t->get('/reload.md', 'Accept-Encoding' => 'gzip');
my $old = $t->worker_pid();
my $exits = () = $t->error_log() =~ /exited with code/g;

kill 'HUP', $t->master_pid() or die "cannot signal nginx: $!\n";

ok(ArticleRender::Test::wait_until(sub { $t->worker_pid() != $old }),
    'reload: a new worker started');
ok(kill(0, $old), 'reload: the old worker stays while the task runs');

release('reload');

ok(ArticleRender::Test::wait_until(sub {
        (() = $t->error_log() =~ /exited with code/g) > $exits }),
    'reload: the old worker exits once the task is done');

my $after = $t->get('/reload.md', 'Accept-Encoding' => 'br');
ok(coding($rl) eq 'gzip' && cache_status($after) eq 'HIT'
    && decode_body('br', $after->{body}) =~ /The reload article\./,
    'reload: the new worker gets the page the old one compressed');

# without a thread pool, as before: every coding in the render

my $in = $t->get('/inline/inline.md', 'Accept-Encoding' => 'br');
my $in2 = $t->get('/inline/inline.md', 'Accept-Encoding' => 'gzip');
ok(coding($in) eq 'br' && cache_status($in2) eq 'HIT'
    && decode_body('gzip', $in2->{body}) =~ /The inline article\./,
    'no thread pool: the page is kept in every coding at once');

# gzip_vary on: one Vary: Accept-Encoding, whatever the coding

for my $ae ('', 'gzip', 'br') {
    my $r = $t->get('/vary.md', ae($ae));
    my $n = () = ($r->{headers}{vary} // '') =~ /Accept-Encoding/gi;
    is($n, 1, 'gzip_vary on: one Vary: Accept-Encoding, '
        . (length $ae ? $ae : 'identity'));
}

my $off = $t->get('/off/vary.md', 'Accept-Encoding' => 'gzip');
my $n = () = ($off->{headers}{vary} // '') =~ /Accept-Encoding/gi;
ok(coding($off) eq 'gzip' && $n == 1,
    'compress off: nginx\'s gzip filter compresses, and says Vary once');
