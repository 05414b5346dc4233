#!/usr/bin/perl

# The share of real documents' fenced code blocks, of those GitHub
# highlights, that the module highlights (docs/benchmarks.md).
#
#   code-corpus.pl --tool BUILD/ar_code_corpus --lang lang/ \
#       --linguist DIR --out DIR GITDIR ...
#
# Each GITDIR is a bare repository (as the snapshots are kept); every
# Markdown file of its HEAD is read.  Its fenced code blocks are taken
# with their info string; the first word names the language.  GitHub
# highlights a block whose word is a name or alias of a linguist
# language that has a grammar (a tm_scope other than "none"); linguist's
# data is read from DIR (the npm package linguist-languages).  Mermaid is
# left out: GitHub draws it rather than highlights it.
#
# Every block goes through the core (ar_code_corpus); OUT/blocks.tsv
# records each one's origin (repository, commit, path, line), its word,
# whether GitHub and the module highlight it; the summary is printed.
# With --dump, the code of each block GitHub highlights is written to
# OUT/blocks/N.WORD (N: its row in blocks.tsv), to look at.

use strict;
use warnings;

use Getopt::Long;
use File::Path qw(make_path);
use IPC::Open2;

my ($tool, $lang, $linguist, $out, $dump);

GetOptions('tool=s' => \$tool, 'lang=s' => \$lang,
           'linguist=s' => \$linguist, 'out=s' => \$out, 'dump' => \$dump)
    && $tool && $lang && $linguist && $out && @ARGV
    or die "usage: $0 --tool T --lang DIR --linguist DIR --out DIR GITDIR...\n";

# linguist's names and aliases of languages it has a grammar for

my %github;

for my $file (glob "$linguist/data/*.js") {
    open my $fh, '<', $file or die "$file: $!\n";
    my $js = do { local $/; <$fh> };
    close $fh;

    my ($name) = $js =~ /^\s*name: '((?:[^'\\]|\\.)*)'/m or next;
    my ($scope) = $js =~ /^\s*tmScope: '([^']*)'/m;
    next if !defined $scope || $scope eq 'none';

    my @names = (lc $name);
    if ($js =~ /^\s*aliases: \[([^\]]*)\]/m) {
        push @names, map { lc } $1 =~ /'((?:[^'\\]|\\.)*)'/g;
    }

    $github{$_} = $name for @names;
}

delete $github{$_} for grep { $github{$_} eq 'Mermaid' } keys %github;

die "no linguist data in $linguist/data\n" unless %github;

# the blocks of every Markdown file of every repository

my @blocks;
my %repos;

for my $git (@ARGV) {
    my $repo = $git;
    $repo =~ s{/repo/?$}{};
    $repo =~ s{.*/}{};
    $repo =~ s{\+}{/};

    chomp(my $commit = `git --git-dir="$git" rev-parse HEAD`);
    die "$git: not a git directory\n" if $? || !$commit;

    my @files = grep { /\.(?:md|markdown)$/i }
        split /\n/, `git --git-dir="$git" ls-tree -r --name-only HEAD`;

    $repos{$repo} = { commit => $commit, files => scalar @files,
                      blocks => 0 };

    for my $path (@files) {
        my $text = `git --git-dir="$git" show "HEAD:$path" 2>/dev/null`;
        next if $?;

        for my $b (fenced($text)) {
            push @blocks, { repo => $repo, commit => $commit,
                            path => $path, %$b };
            $repos{$repo}{blocks}++;
        }
    }
}

# fenced code blocks, as CommonMark opens and closes them, inside quotes
# and list items too (their prefix taken off the lines)

sub fenced {
    my ($text) = @_;
    my (@found, $open);
    my $n = 0;

    for my $line (split /\n/, $text, -1) {
        $n++;

        if ($open) {
            my $l = $line;
            $l =~ s/^\Q$open->{prefix}\E// or $l =~ s/^[ \t>]*//;

            if ($l =~ /^ {0,3}(\Q$open->{char}\E{$open->{len},})[ \t]*$/) {
                push @found, $open;
                undef $open;
                next;
            }

            $open->{code} .= "$l\n";
            next;
        }

        if ($line =~ /^((?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d+[.)])[ \t]+)?)
                      (`{3,}|~{3,})[ \t]*([^`\n]*?)[ \t]*$/x)
        {
            my ($prefix, $fence, $info) = ($1, $2, $3);
            next if $fence =~ /^`/ && $info =~ /`/;

            (my $indent = $prefix) =~ s/[^ \t>]/ /g;

            $open = { line => $n, info => $info, code => '',
                      char => substr($fence, 0, 1), len => length $fence,
                      prefix => $indent };
        }
    }

    return @found;
}

# through the core: the blocks with a word

make_path($out);

for my $b (@blocks) {
    ($b->{word}) = $b->{info} =~ /^(\S{1,200})/;
    $b->{word} //= '';
    @{$b}{qw(known spans github)} = (0, 0, 0);
}

my $pid = open2(my $from, my $to, $tool, $lang);

my $writer = fork() // die "fork: $!\n";

if ($writer == 0) {
    close $from;
    binmode $to;

    for my $b (grep { $_->{word} ne '' } @blocks) {
        print $to "$b->{word}\t" . length($b->{code}) . "\n$b->{code}";
    }

    close $to;
    exit 0;
}

close $to;

for my $b (grep { $_->{word} ne '' } @blocks) {
    my $line = <$from> // die "$tool ended early\n";
    chomp $line;
    my ($word, $known, $spans) = split /\t/, $line;
    die "$tool answered for $word, not $b->{word}\n" if $word ne $b->{word};
    $b->{known} = $known;
    $b->{spans} = $spans;
    $b->{github} = ($word ne '' && exists $github{lc $word}) ? 1 : 0;
}

waitpid($writer, 0);
waitpid($pid, 0);
die "$tool failed\n" if $?;

open my $tsv, '>', "$out/blocks.tsv" or die "$out/blocks.tsv: $!\n";
print $tsv "repository\tcommit\tpath\tline\tword\tgithub\tmodule\tspans\n";
print $tsv join("\t", @{$_}{qw(repo commit path line word github known
                               spans)}), "\n" for @blocks;
close $tsv;

if ($dump) {
    make_path("$out/blocks");

    for my $i (0 .. $#blocks) {
        my $b = $blocks[$i];
        next unless $b->{github};

        (my $word = lc $b->{word}) =~ s{[^a-z0-9+#.-]}{_}g;
        open my $fh, '>', "$out/blocks/" . ($i + 1) . ".$word"
            or die "$out/blocks: $!\n";
        print $fh $b->{code};
        close $fh;
    }
}

# the summary

my @named = grep { $_->{word} ne '' } @blocks;
my @gh = grep { $_->{github} } @blocks;
my @ours = grep { $_->{known} } @gh;
my @tokens = grep { $_->{spans} > 0 } @gh;
my %missed;
$missed{lc $_->{word}}++ for grep { !$_->{known} } @gh;

printf "%-40s %-12s %6s %7s\n", 'repository', 'commit', 'files', 'blocks';
printf "%-40s %-12s %6d %7d\n", $_, substr($repos{$_}{commit}, 0, 12),
    $repos{$_}{files}, $repos{$_}{blocks} for sort keys %repos;

printf "\nfenced blocks: %d; with a language word: %d; "
    . "GitHub highlights: %d\n", scalar @blocks, scalar @named, scalar @gh;
printf "the module highlights: %d of %d (%.1f%%); with at least one "
    . "token: %d (%.1f%%)\n", scalar @ours, scalar @gh,
    @gh ? 100 * @ours / @gh : 0, scalar @tokens,
    @gh ? 100 * @tokens / @gh : 0;

my @top = (sort { $missed{$b} <=> $missed{$a} || $a cmp $b } keys %missed);
splice @top, 20 if @top > 20;
print "left plain: ", join(', ', map { "$_ ($missed{$_})" } @top), "\n"
    if @top;
