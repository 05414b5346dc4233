#!/usr/bin/perl

# Runs the C unit tests of the article core (t/unit/ar_unit_test.c),
# built by "make unit" into $BUILD; their output is TAP already.  A
# failure, or a valgrind report, makes the exit status non-zero.

use strict;
use warnings;

use File::Basename qw(dirname);
use File::Spec;

my $build = $ENV{BUILD}
    || File::Spec->catdir(dirname(File::Spec->rel2abs(__FILE__)), '..',
        'build');
my $bin = File::Spec->catfile($build, 'ar_unit_test');

unless (-x $bin) {
    print "1..0 # SKIP unit test binary not built (make unit)\n";
    exit 0;
}

# under "make test-valgrind", memcheck watches them too: any error or
# definite leak makes the run fail

my @cmd = ($bin);

if ($ENV{TEST_NGINX_VALGRIND}) {
    unshift @cmd, 'valgrind', '--tool=memcheck', '--quiet',
        '--error-exitcode=99', '--leak-check=full',
        '--show-leak-kinds=definite', '--errors-for-leak-kinds=definite';
}

exec { $cmd[0] } @cmd or die "cannot run $cmd[0]: $!\n";
