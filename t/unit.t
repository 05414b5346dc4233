#!/usr/bin/perl

# Runs the C unit tests of the article core (t/unit/ar_unit_test.c),
# built by "make unit" into $BUILD; their output is TAP already.

use strict;
use warnings;

use File::Basename qw(dirname);
use File::Spec;

my $build = $ENV{BUILD}
    || File::Spec->catdir(dirname(File::Spec->rel2abs(__FILE__)), '..',
        'build');
my $bin = $ENV{AR_UNIT_TEST} || File::Spec->catfile($build, 'ar_unit_test');

unless (-x $bin) {
    print "1..0 # SKIP unit test binary not built (make unit)\n";
    exit 0;
}

exec { $bin } $bin or die "cannot run $bin: $!\n";
