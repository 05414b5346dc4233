#!/usr/bin/perl
# Adds README-style raw HTML to an article from bench/gen-article.pl, for
# the cost of "article_render_html sanitize" (docs/benchmarks.md):
#
#     bench/gen-article.pl 200000 | bench/add-html.pl > html.md
#
# A header with a centred logo and badges, and in every section a <kbd>,
# a <sup> and a <details> block around the section's list.

use strict;
use warnings;

local $/;
my $md = <STDIN>;
my $head = <<'H';
<p align="center">
  <img src="logo.png" width="200" alt="Logo">
</p>
<p align="center">
<a href="https://ci.example.org/"><img src="https://ci.example.org/badge.svg" alt="build"></a>
<a href="LICENSE"><img src="https://img.shields.io/badge/license-MIT-blue.svg" alt="MIT"></a>
</p>

H
$md =~ s/^(## Section \d+)\n\n/$1\n\nPress <kbd>Ctrl<\/kbd>+<kbd>C<\/kbd>, see note<sup>1<\/sup>.\n\n<details>\n<summary>More<\/summary>\n\n/mg;
$md =~ s/^(- .*\n)(?!- )/$1\n<\/details>\n/mg;
print $head, $md;
