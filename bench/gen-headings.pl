#!/usr/bin/perl
# Writes a Markdown article of the given number of headings to stdout,
# each with a short paragraph; every fourth heading has the same text,
# so that its ids take "-1", "-2", ...
#
#     bench/gen-headings.pl 8000 > headings.md

use strict;
use warnings;

my $n = shift // 8000;

print "# Headings\n\n";

for my $i (1 .. $n) {
    print $i % 4 ? "## Part $i of the survey\n\n" : "### Notes\n\n";
    print "The *tide* at station $i, see [the log](#part-$i).\n\n";
}
