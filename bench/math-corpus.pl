#!/usr/bin/perl

# Counts the formulas of real Markdown documents that the core renders
# as MathML and those it renders as its error element.
#
#     perl bench/math-corpus.pl [-v] [-o DIR] RENDER GITDIR:PATH ...
#
# RENDER is bench/render-once.c built (make bench-math builds it); each
# GITDIR is a git directory (a clone, or a snapshot without a work tree)
# and PATH a Markdown file in its HEAD.  The documents are read from git,
# not from a work tree, so that the origin of each one, its repository,
# path and commit, is printed beside its counts.  -v lists each error
# with its reason and source; -o writes each rendered article to DIR as
# an HTML page, for a look in a browser.

use strict;
use warnings;

use File::Basename qw(basename dirname);
use File::Path qw(make_path);
use File::Temp qw(tempfile);

my ($verbose, $outdir);

while (@ARGV && $ARGV[0] =~ /^-/) {
    my $opt = shift @ARGV;

    if ($opt eq '-v') {
        $verbose = 1;

    } elsif ($opt eq '-o') {
        $outdir = shift @ARGV;

    } else {
        die "unknown option $opt\n";
    }
}

my $render = shift @ARGV;

die "usage: $0 [-v] [-o DIR] RENDER GITDIR:PATH ...\n"
    unless defined $render && @ARGV;

make_path($outdir) if defined $outdir;

my ($total, $errors) = (0, 0);

printf "%-40s %-9s %6s %6s  %s\n", 'repository', 'commit', 'math',
    'errors', 'path';

for my $arg (@ARGV) {
    my ($git, $path) = $arg =~ /^(.+?):(.+)$/
        or die "not GITDIR:PATH: $arg\n";

    my $commit = `git --git-dir='$git' rev-parse HEAD`;
    chomp $commit;
    die "no commit in $git\n" unless $commit =~ /^[0-9a-f]{40}$/;

    my $repo = origin($git);

    my $md = `git --git-dir='$git' show 'HEAD:$path'`;
    die "cannot read $path in $git\n" if $?;

    my ($fh, $tmp) = tempfile(UNLINK => 1);
    binmode $fh;
    print $fh $md;
    close $fh;

    my $html = `'$render' sanitize < '$tmp'`;
    die "render failed for $path\n" if $?;

    # the MathML's annotation holds each formula's source once

    my $math = () = $html =~ /<math[ >]/g;
    my @bad = $html
        =~ m{<code class="math-error" title="([^"]*)">(.*?)</code>}gs;
    my $bad = @bad / 2;

    $total += $math + $bad;
    $errors += $bad;

    printf "%-40s %-9s %6d %6d  %s\n", $repo, substr($commit, 0, 9),
        $math + $bad, $bad, $path;

    if ($verbose) {
        while (my ($why, $src) = splice @bad, 0, 2) {
            $src =~ s/\s+/ /g;
            $src = substr($src, 0, 100) . '...' if length $src > 100;
            print "    $why: $src\n";
        }
    }

    if (defined $outdir) {
        (my $name = "$repo/$path") =~ s{[^A-Za-z0-9.-]+}{_}g;

        open my $out, '>', "$outdir/$name.html" or die "$outdir: $!\n";
        print $out "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n",
            "<title>$repo $path</title>\n$html";
        close $out;
    }
}

printf "\n%d formulas, %d errors: %.1f%% rendered\n", $total, $errors,
    $total ? 100 * ($total - $errors) / $total : 100;


# owner/name: of a snapshot's directory (owner+name/repo), else the
# remote's address, else the directory's name

sub origin {
    my ($git) = @_;

    (my $dir = $git) =~ s{/+$}{};
    my $base = basename($dir);
    $base = basename(dirname($dir)) if $base eq 'repo' || $base eq '.git';

    return $1 . '/' . $2 if $base =~ /^([^+]+)\+(.+)$/;

    my $url = `git --git-dir='$git' config --get remote.origin.url 2>/dev/null`;
    chomp $url;

    return $1 if $url =~ m{github\.com[/:](.+?)(?:\.git)?$};

    return $base;
}
