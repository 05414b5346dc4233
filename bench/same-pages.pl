#!/usr/bin/perl
# Whether two builds of the core render the same pages from real
# documents: every Markdown file of the given git directories (their
# HEAD, as fetched) is rendered by both builds in each mode, and the
# pages (HTML, title, contents, scripts) are compared byte for byte.
#
#     perl bench/same-pages.pl [-j N] [-m MODE,...] [-v] OLD NEW GITDIR[:PATH] ...
#
# OLD and NEW are bench/render-once.c built from the two trees ("make
# build/render-once" in each, with AR_LANG_DIR set to the lang directory
# for highlighting).  Prints, for each repository, its origin (owner/name
# from the fetched directory's name, or its remote, and the commit), the
# files and pages compared, and each page that differs with its path;
# -v also the first differing line.  Exits 1 if any page differs.  The
# documents are read from git and nothing is written but a temporary
# directory.

use strict;
use warnings;
use File::Temp qw(tempdir);
use Getopt::Std;

my %opt;
getopts('j:m:v', \%opt) or die "bad options\n";

my @modes = split /,/, ($opt{m} // join ',',
    'sanitize+emoji+hl', 'escape', 'unsafe+emoji', 'sanitize+block+emoji',
    'sanitize+hard', 'escape+nogfm+emoji',
    'unsafe+notoc+noheadings+mermaid');
my $jobs = $opt{j} // 2;
my ($old, $new, @sources) = @ARGV;

die "usage: $0 [-j N] [-m MODE,...] [-v] OLD NEW GITDIR[:PATH] ...\n"
    unless defined $new && @sources;
-x $_ or die "$_: not an executable\n" for $old, $new;

my $tmp = tempdir(CLEANUP => 1);
my ($files, $pages, $differ) = (0, 0, 0);

for my $source (@sources) {
    my ($git, $under) = split /:/, $source, 2;
    my $commit = `git --git-dir='$git' rev-parse HEAD 2>/dev/null`;
    chomp $commit;
    die "$git: not a git directory\n" unless $commit;

    my @paths = markdown_paths($git, $under);
    my @found = compare_all($git, \@paths);
    my $n = @paths;
    my @bad = grep { @{$_->{modes}} } @found;

    printf "%s (%s) commit %s: %d files, %d pages, %d differ\n",
        origin($git), $git, $commit, $n, $n * @modes,
        scalar map { @{$_->{modes}} } @bad;

    for my $f (@bad) {
        print "  differs: $f->{path} in ", join(', ', @{$f->{modes}}), "\n";
        print "    $_\n" for $opt{v} ? @{$f->{lines}} : ();
    }

    $files += $n;
    $pages += $n * @modes;
    $differ += map { @{$_->{modes}} } @bad;
}

print "in all: $files files, $pages pages, $differ differ\n";
exit($differ ? 1 : 0);


# owner/name of a directory fetched as .../owner+name/repo/.git, or its
# remote

sub origin {
    my ($git) = @_;
    my $url = `git --git-dir='$git' config remote.origin.url 2>/dev/null`;
    chomp $url;
    return $url if $url;
    return $1 =~ s/\+/\//r if $git =~ m{([^/]+\+[^/]+)/repo(?:/\.git)?/?$};
    return $git;
}


sub markdown_paths {
    my ($git, $under) = @_;
    my @args = ('git', "--git-dir=$git", 'ls-tree', '-r', '-z', 'HEAD');
    push @args, '--', $under if defined $under && length $under;

    open my $ls, '-|', @args or die "git ls-tree: $!\n";
    local $/ = "\0";
    my @paths;

    while (my $entry = <$ls>) {
        chomp $entry;
        my ($mode, $type, $id, $path) = $entry =~ /^(\d+) (\w+) (\w+)\t(.*)$/s
            or next;
        push @paths, [$path, $id]
            if $type eq 'blob' && $mode ne '120000'
               && $path =~ /\.(md|markdown)$/i;
    }

    close $ls;
    return @paths;
}


# the files shared among $jobs processes, each writing what it found

sub compare_all {
    my ($git, $paths) = @_;
    my @kids;

    for my $k (0 .. $jobs - 1) {
        my $pid = fork // die "fork: $!\n";

        if ($pid == 0) {
            open my $out, '>', "$tmp/found.$k" or die "$tmp: $!\n";

            for (my $i = $k; $i < @$paths; $i += $jobs) {
                my ($path, $id) = @{$paths->[$i]};
                my $md = "$tmp/doc.$k.md";
                system("git --git-dir='$git' cat-file blob $id > '$md'") == 0
                    or die "git cat-file $id: failed\n";

                my @a = pages($old, $md);
                my @b = pages($new, $md);
                my @modes_differ;
                my @lines;

                for my $m (0 .. $#modes) {
                    next if ($a[$m] // '') eq ($b[$m] // '');
                    push @modes_differ, $modes[$m];
                    push @lines, "$modes[$m]: " . first_difference($a[$m],
                                                                   $b[$m]);
                }

                next unless @modes_differ;
                print $out join("\t", $path, join(',', @modes_differ),
                                map { s/[\t\n]/ /gr } @lines), "\n";
            }

            close $out;
            exit 0;
        }

        push @kids, $pid;
    }

    waitpid $_, 0 for @kids;

    my %bad;

    for my $k (0 .. $jobs - 1) {
        open my $in, '<', "$tmp/found.$k" or die "$tmp/found.$k: $!\n";

        while (<$in>) {
            chomp;
            my ($path, $modes, @lines) = split /\t/;
            $bad{$path} = { path => $path, modes => [split /,/, $modes],
                            lines => \@lines };
        }
    }

    return map { $bad{$_->[0]} // { path => $_->[0], modes => [] } }
           @$paths;
}


# each mode's page of one document, by one build

sub pages {
    my ($bin, $md) = @_;
    my $q = join ' ', map { "'$_'" } @modes;
    my $all = `'$bin' $q < '$md' 2>&1`;
    my @pages = split /^\f (?=\S+\n)/m, $all;
    shift @pages;
    return @pages;
}


sub first_difference {
    my ($a, $b) = @_;
    my @a = split /\n/, $a // '';
    my @b = split /\n/, $b // '';

    for my $i (0 .. ($#a > $#b ? $#a : $#b)) {
        my ($x, $y) = ($a[$i] // '(none)', $b[$i] // '(none)');
        return substr("line " . ($i + 1) . ": $x | $y", 0, 300) if $x ne $y;
    }

    return 'equal lines';
}
