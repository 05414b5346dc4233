#!/usr/bin/perl

# A full page file directory, made by the test build's hooks
# (AR_TEST_PAGE_FILE_ROOM: a file takes that many bytes, then ENOSPC;
# AR_TEST_PAGE_FILE_CHUNK: a write() puts at most that many): the
# article is sent whole, no partial file is left, and the log has one
# "crit" line for the fault episode, naming the article and the
# directory; a page file written again ends the episode, and the next
# fault is a new one.  Writes cut short that go on are a whole file.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(cache_status);

my $t = ArticleRender::Test->new();

plan(skip_all => 'no test hooks') unless $t->has_test_hooks();

my $http = <<'EOF';
http {
    %%TEST_GLOBALS_HTTP%%

    article_render_cache_zone files:1m max_entry=600k
                              path=%%TESTDIR%%/pages;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        add_header X-Cache $article_render_cache always;

        article_render on;
        article_render_cache files;
        article_render_compress off;
    }
}
EOF

# about 100 KB of page: over the 32 KB from which pages go to files

$t->write_file("site/$_.md", $t->article_text($_, 2000)) for qw(a b c d);

my $full = qr/\(\d+: No space left on device\)/;
$t->allow_alerts(qr/\[crit\] .* write\(\) ".*" failed, article ".*", directory/
    . qr/ ".*": .* $full/);

# a file that fills up 40,000 bytes in: a short write, then ENOSPC

$t->main_conf("env AR_TEST_PAGE_FILE_ROOM=40000;\n")->config($http);

$t->plan(10)->run();

sub whole {
    my ($r, $name) = @_;
    return $r->{status} == 200
        && $r->{body} =~ /Paragraph 2000 of $name, <em>with<\/em> some text/
        && $r->{body} =~ m{</html>\s*$};
}

sub faults {
    return grep { /\[crit\].*No space left on device/ }
        split /\n/, $t->error_log();
}

###############################################################################

my $a = $t->get('/a.md');
my $b = $t->get('/b.md');

ok(whole($a, 'a') && whole($b, 'b'), 'full: the articles sent whole');
is(scalar keys %{ { $t->page_files() } }, 0, 'full: no partial page file left');

my @crit = faults();
ok(@crit == 1 && $crit[0] =~ m{article "[^"]*/site/a\.md"}
    && $crit[0] =~ m{directory "[^"]*/pages"},
    'full: one crit line for the episode, with article and directory');
unlike($t->error_log(), qr/\[error\].*page file|\[error\].*directory/,
    'full: no other line for the episode\'s faults');

my $again = $t->get('/a.md');
ok(cache_status($again) eq 'HIT' && $again->{body} eq $a->{body},
    'full: the page kept in the zone\'s memory');

# room again, and writes of at most 1,000 bytes a call

$t->main_conf("env AR_TEST_PAGE_FILE_CHUNK=1000;\n")->config($http)->reload();

$t->get('/c.md');
my $c = $t->get('/c.md');
my @files = values %{ { $t->page_files() } };

ok(cache_status($c) eq 'HIT' && @files == 1 && $files[0] eq $c->{body}
    && whole($c, 'c'), 'short writes: the page file written whole');
my $end = 'are written again, 1 faults since the last line';
like($t->error_log(), qr/\[notice\].*page files in ".*pages" \Q$end\E/,
    'room again: the end of the episode logged, with the faults not logged');

# full again, from the first byte: a new episode

$t->main_conf("env AR_TEST_PAGE_FILE_ROOM=0;\n")->config($http)->reload();

my $d = $t->get('/d.md');
@crit = faults();

ok(whole($d, 'd'), 'full again: the article sent whole');
ok(@crit == 2 && $crit[1] =~ m{article "[^"]*/site/d\.md"}
    && $crit[1] !~ /more faults/,
    'full again: a new episode, its own crit line');
is(scalar keys %{ { $t->page_files() } }, 1, 'full again: no partial file left');

###############################################################################
