#!/usr/bin/perl
# Writes a Markdown article of about the given number of bytes to stdout:
# sections of paragraphs, a list, a table and a code block, repeated.
#
#     bench/gen-article.pl 200000 > big.md

use strict;
use warnings;

my $target = shift // 8192;
my @words = qw(harbour survey river tide council quay ferry estuary count
    dawn dusk weir mill storm berth pier transect sighting report phase);
my $out = "# Generated article of about $target bytes\n\n";
my ($n, $seed) = (0, 7);

sub word {
    $seed = ($seed * 1103515245 + 12345) % 2147483648;
    return $words[$seed % @words];
}

sub sentence {
    my $s = ucfirst join ' ', map { word() } 1 .. 12;
    return "$s, with **" . word() . "** and `" . word() . "`.";
}

while (length $out < $target) {
    $n++;
    $out .= "## Section $n\n\n";
    $out .= join(' ', map { sentence() } 1 .. 4) . "\n\n";
    $out .= join('', map { "- " . sentence() . "\n" } 1 .. 3) . "\n";
    $out .= "| Site | Dawn | Dusk |\n|:-----|-----:|-----:|\n";
    $out .= join('', map { "| " . word() . " | $_ | " . ($_ * 3 % 17)
        . " |\n" } 1 .. 4) . "\n";
    $out .= "```\ncount = dawn - dusk  # section $n\n```\n\n";
}

print $out;
