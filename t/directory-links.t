#!/usr/bin/perl

# Links to directories, as real documents write them ("../guide/",
# "guide", "./"), which GitHub shows as the directory's README: with the
# configuration the README's synopsis and conf.example/nginx.conf show
# ("index index.md README.md ...;", "article_render_index on;"), every
# relative link of a docs tree, followed from its top page, answers 200:
# no 403 for a directory, no 404 for a file that is there.  A directory
# named without its slash is redirected to it, so that the relative links
# of its README resolve from the directory.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

my $t = ArticleRender::Test->new();

# a docs tree as repositories keep them: READMEs in directories, an
# index.md, a directory with neither, images, links of every form

my %tree = (
    'README.md' => <<'EOF',
# Project

See the [guide](docs/guide/), the [guide without its slash](docs/guide),
the [reference](./docs/reference/) and the [FAQ](docs/faq.md#Mixed-Case).

![logo](docs/images/logo.png)
EOF
    'docs/README.md' => <<'EOF',
# Documentation

- [Guide](guide/)
- [Install](guide/install.md)
- [Advanced configuration](advanced-config)
- [Reference](reference/)
- [Up](../)
- [Here](./)
- [Top README](../README.md)
EOF
    'docs/faq.md' => <<'EOF',
# FAQ

## Mixed Case

Back to the [docs](.) and the [guide](guide/#install).
EOF
    'docs/guide/README.md' => <<'EOF',
# Guide

First [install](install.md), then read the
[advanced configuration](../advanced-config/) and the
[reference](../reference/). [Up](..), [docs](../README.md).
EOF
    'docs/guide/install.md' => <<'EOF',
# Install

Back to the [guide](./) or [its README](README.md); the
[logo](../images/logo.png) and the [FAQ](../faq.md).
EOF
    'docs/advanced-config/index.md' => <<'EOF',
# Advanced configuration

See [tuning](tuning.md) and the [guide](../guide).
EOF
    'docs/advanced-config/tuning.md' => <<'EOF',
# Tuning

Back to [advanced configuration](./) and [the docs](../../docs/).
EOF
    'docs/reference/api.md' => "# API\n\n[Reference](./), [up](../).\n",
    'docs/reference/cli.md' => "# CLI\n\n[API](api.md).\n",
    'docs/images/logo.png' => "\x89PNG\r\n\x1a\n",
);

for my $name (keys %tree) {
    $t->write_file("site/$name", $tree{$name});
}

# the README's synopsis, and conf.example/nginx.conf's site

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name synopsis;
        root %%TESTDIR%%/site;
        index index.md README.md index.html;

        location / {
            article_render on;
            article_render_index on;
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name example;
        root %%TESTDIR%%/site;
        index index.md README.md index.html;

        location / {
            try_files $uri $uri.md $uri/ =404;
            article_render on;
            article_render_index on;
        }
    }
}
EOF

$t->plan(14)->run();

# GETs a path, following redirects: the response and the path it came
# from

sub fetch {
    my ($host, $path) = @_;

    for (1 .. 5) {
        my $r = $t->get($path, Host => $host) or return (undef, $path);

        return ($r, $path) unless $r->{status} =~ /^30[1278]$/
            && defined $r->{headers}{location};

        $path = $r->{headers}{location};
        $path =~ s{^\w+://[^/]+}{};
    }

    return (undef, $path);
}

# follows every relative link from the top page, each once; a link is
# resolved against the path its page was finally answered from

sub crawl {
    my ($host) = @_;

    my (%seen, %status, %redirected);
    my @queue = ('/');

    while (defined(my $path = shift @queue)) {
        next if $seen{$path}++;

        my ($r, $final) = fetch($host, $path);

        $status{$path} = $r ? $r->{status} : 'none';
        $redirected{$path} = $final if $final ne $path;

        next unless $r && $r->{status} == 200
            && ($r->{headers}{'content-type'} || '') =~ m{^text/html};

        my @links = $r->{body} =~ /\b(?:href|src)="([^"]*)"/g;

        for my $link (@links) {
            $link =~ s/&amp;/&/g;
            $link =~ s/#.*//s;
            next if $link eq '' || $link =~ m{^[a-z][a-z0-9+.-]*:|^//}i;

            push @queue, resolve($final, $link);
        }
    }

    return (\%status, \%redirected);
}

sub resolve {
    my ($from, $link) = @_;

    my $query = $link =~ s/(\?.*)$//s ? $1 : '';

    (my $path = $from) =~ s{\?.*}{}s;
    $path =~ s{[^/]*$}{};
    $path = $link =~ m{^/} ? $link : $path . $link;

    my @out;

    for my $seg (split m{/}, $path, -1) {
        if ($seg eq '..') {
            pop @out if @out > 1;
        } elsif ($seg ne '.') {
            push @out, $seg;
        }
    }

    $path = join('/', @out);
    $path .= '/' if $link =~ m{(?:^|/)\.\.?$};

    return $path . $query;
}

for my $host ('synopsis', 'example') {
    my ($status, $redirected) = crawl($host);
    my @bad = grep { $status->{$_} ne '200' } sort keys %$status;

    ok(keys %$status >= 14, "$host: the crawl followed every link ("
        . keys(%$status) . ' paths)');
    is(join(' ', map { "$_ $status->{$_}" } @bad), '',
        "$host: every relative link answers 200, no 403 or 404");
    is($redirected->{'/docs/guide'}, '/docs/guide/',
        "$host: a directory without its slash is redirected to it");
    is($status->{'/docs/advanced-config/tuning.md'}, '200',
        "$host: a link in a directory's index.md, reached by a link "
        . 'without the slash, resolves from the directory');

    like($t->get('/docs/guide/', Host => $host)->{body},
        qr{<h1 id="guide">Guide},
        "$host: a directory shows its README.md");
    like($t->get('/docs/advanced-config/', Host => $host)->{body},
        qr{<h1 id="advanced-configuration">Advanced configuration},
        "$host: a directory shows its index.md");
    like($t->get('/docs/reference/', Host => $host)->{body},
        qr{<a href="api\.md">API</a>.*<a href="cli\.md">CLI</a>}s,
        "$host: a directory with neither lists its articles");
}
