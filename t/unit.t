#!/usr/bin/perl

# Runs the C unit tests of the article core: one binary for each
# t/unit/ar_unit_*.c, built by "make unit" into $AR_UNIT_DIR (or $BUILD).
# Their TAP is passed on as one stream, numbered through, with one more
# test for each binary: that it ran every test it planned and exited
# normally.  Under "make test-valgrind" (TEST_NGINX_VALGRIND), memcheck
# watches them too: any error or definite leak fails the binary.  Under
# "make test-asan" (TEST_NGINX_SANITIZER), the sanitizers' reports go to
# files that are read as the harness reads nginx's (the leaks of
# t/sanitizer/lsan.supp taken out): one more test for each binary, that
# no report is left; t/sanitizer/lsan-unit.supp leaves out GNU
# source-highlight's leaks while it loads languages.
#
# Run by hand without any binary built, it skips; with $AR_UNIT_DIR set,
# as make sets it after building them, a binary missing is a failure.

use strict;
use warnings;

use File::Basename qw(basename dirname);
use File::Spec;
use File::Temp ();

my $here;

BEGIN { $here = dirname(File::Spec->rel2abs(__FILE__)); }

use lib "$here/lib";
use ArticleRender::Test ();

# the binaries are built beside the module make builds, not the test one
my $build = $ENV{AR_UNIT_DIR} || $ENV{BUILD}
    || File::Spec->catdir($here, '..', 'build');

my @bins = map { File::Spec->catfile($build, basename($_, '.c')) }
    sort glob(File::Spec->catfile($here, 'unit', 'ar_unit_*.c'));

unless ($ENV{AR_UNIT_DIR} || grep { -x } @bins) {
    print "1..0 # SKIP unit test binaries not built (make unit)\n";
    exit 0;
}

# with the sanitizers, the library's own leaks while it loads languages

if ($ENV{TEST_NGINX_SANITIZER}) {
    $ENV{LSAN_OPTIONS} = join ':', grep { defined && length }
        $ENV{LSAN_OPTIONS}, "suppressions=$here/sanitizer/lsan-unit.supp";
}

$| = 1;

my $n = 0;

for my $bin (@bins) {
    my $name = basename($bin);
    my ($planned, $seen) = (undef, 0);

    unless (-x $bin) {
        $n++;
        print "not ok $n - $name ran all its planned tests and exited"
            . " normally\n# $name: not found in $build\n";
        next;
    }

    my @cmd = ($bin);

    if ($ENV{TEST_NGINX_VALGRIND}) {
        unshift @cmd, 'valgrind', '--tool=memcheck', '--quiet',
            '--error-exitcode=99', '--leak-check=full',
            '--show-leak-kinds=definite', '--errors-for-leak-kinds=definite',
            "--suppressions=$here/sanitizer/valgrind.supp";
    }

    my $reports;

    local %ENV = %ENV;

    if ($ENV{TEST_NGINX_SANITIZER}) {
        $reports = File::Temp::tempdir("$name-XXXXXXXX", TMPDIR => 1,
            CLEANUP => 1);
        ArticleRender::Test::sanitizer_env($reports);
    }

    if (open my $fh, '-|', @cmd) {
        while (my $line = <$fh>) {
            if ($line =~ /^1\.\.(\d+)/) {
                $planned = $1;
                next;
            }

            if ($line =~ s/^(not )?ok \d+/($1 \/\/ '') . 'ok ' . ($n + 1)/e) {
                $n++;
                $seen++;
            }

            print $line;
        }

        close $fh;
    }

    my $status = $?;
    my @found = $reports ? ArticleRender::Test::sanitizer_reports($reports)
        : ();

    $n++;
    print((defined $planned && $planned == $seen && $status == 0
           ? 'ok' : 'not ok'),
        " $n - $name ran all its planned tests and exited normally\n");
    print "# $name: planned ", $planned // 'nothing', ", ran $seen, "
        . "status $status\n"
        unless defined $planned && $planned == $seen && $status == 0;

    next unless $reports;

    $n++;
    print((@found ? 'not ok' : 'ok'),
        " $n - $name: no sanitizer report\n");
    print map { s/^/# /mgr . "\n" } @found;
}

print "1..$n\n";
