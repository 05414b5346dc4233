#!/usr/bin/perl

# The built-in template: pages made with it are valid HTML5 by HTML Tidy
# (Debian's "tidy"), with and without the live reload script, and it
# refers to nothing outside the page.  conf.example/template.html is the
# same text (a unit test of the core compares the two byte for byte), and
# tidy checks it as well.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use File::Spec;
use Test::More;
use ArticleRender::Test;

my $t = ArticleRender::Test->new();

my $example = "$FindBin::Bin/../conf.example/template.html";

open my $fh, '<:raw', $example or die "$example: $!\n";
my $template = do { local $/; <$fh> };
close $fh;

# everything but the article's own cmark-gfm markup that HTML5 calls
# obsolete (align attributes of aligned table columns)

$t->write_file('site/page.md', <<'EOF');
# A page of every kind of block

Some *emphasis*, **strong**, `code`, ~~gone~~, a [link](https://example.org/)
and www.example.com.

## Lists

1. one
2. two
   - nested

- [x] done
- [ ] open

| a | b |
|---|---|
| 1 | 2 \| 3 |

> A quote.[^note]

```c
int main(void) { return 0; }
```

![a pixel](pixel.gif)

---

[^note]: A footnote.
EOF

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location /live/ {
            alias %%TESTDIR%%/site/;
            article_render_live_reload 2s;
        }
    }
}
EOF

$t->plan(7)->run();

# no external requests: nothing around the article loads a resource (the
# article's own links and image are its author's)

(my $frame = $t->get('/page.md')->{body})
    =~ s{(<article>\n).*(</article>\n)}{$1$2}s;

unlike($frame, qr{\b(?:src|href)=|\@import|url\(|https?:|//}i,
    'a page of the built-in template loads no script, style, font or image'
    . ' of its own');
like($frame,
    qr{<meta name="viewport" content="width=device-width, initial-scale=1">},
    'a page of the built-in template sets the viewport');

my $tidy;

for my $dir (File::Spec->path()) {
    $tidy = "$dir/tidy", last if -x "$dir/tidy";
}

# tidy -e: errors and warnings only; exit status 0 when there are none

sub tidy {
    my ($html) = @_;

    my $file = $t->write_file('check.html', $html);
    my $out = `"$tidy" -q -e "$file" 2>&1`;

    return ($? >> 8, $out);
}

SKIP: {
    skip 'HTML Tidy is not installed (Debian package "tidy"; "make test" '
        . 'installs it)', 5 unless $tidy;

    my ($rc, $out) = tidy($t->get('/page.md')->{body});

    is("$rc $out", '0 ', 'a page of the built-in template is valid HTML5 '
        . 'for tidy');

    ($rc, $out) = tidy($t->get('/live/page.md')->{body});

    is("$rc $out", '0 ', 'with the live reload script, still valid');

    ($rc, $out) = tidy($template);

    is("$rc $out", '0 ', 'the template file itself is valid HTML5 for '
        . 'tidy');

    # the checker finds what it should: the template made invalid

    (my $bad = $t->get('/page.md')->{body}) =~ s{</style>}{</style><p>};

    ($rc, $out) = tidy($bad);

    ok($rc != 0 && $out =~ /<p>/,
        'tidy reports a misplaced element (the check can fail)');

    ($rc, $out) = tidy($t->get('/page.md')->{body}
        =~ s{<table>}{<table align="left">}r);

    ok($rc != 0 && $out =~ /align/,
        'tidy reports an obsolete attribute');
}
