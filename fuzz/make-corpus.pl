#!/usr/bin/perl

# Builds the fuzzer's seed corpus: every Markdown text the tests use,
# with the option header ar_fuzz.c reads in front of it.
#
#     perl fuzz/make-corpus.pl OUTDIR
#
# Sources, from the top of the repository:
#
#   fuzz/seeds/md/*, fuzz/seeds/tpl/*
#                       articles and templates written by the t/ suite,
#                       collected by "make fuzz-seeds"
#   conf.example/articles/*.md
#                       the sample articles
#   t/unit/ar_unit_test.c
#                       the Markdown of the unit tests' AR_S("...") cases
#   fuzz/regressions/*  inputs that once failed, taken as they are
#
# Each article goes in five times: all GFM extensions with raw HTML
# sanitized, escaped and unsafe, and none, and all of them with code
# highlighted; each template once, with a
# short article; and tables of 1,000 and 10,000 columns, whose HTML
# render cmark-gfm 0.29.0.gfm.6 takes long over, under short time
# budgets.

use strict;
use warnings;

use File::Basename qw(dirname);
use File::Path qw(make_path);
use Digest::MD5 qw(md5_hex);

my $out = shift or die "usage: $0 OUTDIR\n";
my $top = dirname(dirname(__FILE__));

my $GFM_ALL = 0x3f;
my $UNSAFE = 0x40;
my $TEMPLATE = 0x80;
my $ESCAPE = 0x40;
my $TIMEOUT_200MS = 0x10;
my $HIGHLIGHT = 0x80;
my $TIMEOUT_20MS = 0x20;

make_path($out);

my (@md, @tpl);

push @md, map { slurp($_) } glob("$top/fuzz/seeds/md/*"),
    glob("$top/conf.example/articles/*.md");
push @md, unit_literals("$top/t/unit/ar_unit_test.c");
push @tpl, map { slurp($_) } glob("$top/fuzz/seeds/tpl/*");

my $n = 0;

for my $md (@md) {
    for my $opts ($GFM_ALL, $GFM_ALL | $UNSAFE, 0) {
        $n += put(pack('CCC', $opts, 0, 0) . $md);
    }

    $n += put(pack('CCC', $GFM_ALL, $ESCAPE, 0) . $md);
    $n += put(pack('CCC', $GFM_ALL, $HIGHLIGHT, 0) . $md);
}

my $short = "# Title <&>\n\nText with a [link](/x) and *emphasis*.\n";

for my $tpl (@tpl) {
    next if length $tpl > 255;
    $n += put(pack('CCC', $TEMPLATE | $GFM_ALL, 0, length $tpl)
        . $tpl . $short);
}

for my $t ([1000, $TIMEOUT_20MS], [10000, $TIMEOUT_200MS]) {
    my ($cols, $timeout) = @$t;
    $n += put(pack('CCC', $GFM_ALL, $timeout, 0)
        . join('', map { '|' . ($_ x $cols) . "\n" } 'h|', '-|', 'x|'));
}

for my $file (glob("$top/fuzz/regressions/*")) {
    $n += put(slurp($file));
}

print "fuzz corpus: $n inputs in $out\n";


sub put {
    my ($data) = @_;

    my $file = "$out/" . md5_hex($data);
    return 0 if -e $file;

    open my $fh, '>:raw', $file or die "cannot write $file: $!\n";
    print $fh $data;
    close $fh or die "cannot write $file: $!\n";

    return 1;
}


sub slurp {
    my ($file) = @_;

    open my $fh, '<:raw', $file or die "cannot read $file: $!\n";
    local $/;
    my $data = <$fh>;
    close $fh;

    return defined $data ? $data : '';
}


# The C string literals inside AR_S(...), adjacent ones joined, with
# their escapes (\n \r \t \\ \" \xHH \OOO) undone.

sub unit_literals {
    my ($file) = @_;

    my $c = slurp($file);
    my @found;

    while ($c =~ /AR_S\(((?:\s*"(?:[^"\\]|\\.)*")+)\s*\)/gs) {
        my $lits = $1;
        my $s = '';

        while ($lits =~ /"((?:[^"\\]|\\.)*)"/gs) {
            $s .= unescape($1);
        }

        push @found, $s;
    }

    return @found;
}


sub unescape {
    my ($s) = @_;

    my %simple = (n => "\n", r => "\r", t => "\t", '\\' => '\\',
        '"' => '"', "'" => "'", 0 => "\0");

    $s =~ s{\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)}{
        my $e = $1;
        $e =~ /^x(.+)/ ? chr(hex $1)
            : $e =~ /^[0-7]+$/ ? chr(oct $e)
            : exists $simple{$e} ? $simple{$e} : $e
    }ge;

    return $s;
}
