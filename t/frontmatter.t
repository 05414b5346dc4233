#!/usr/bin/perl

# YAML front matter: not rendered; its title is the page title, its keys
# are {{meta.KEY}}; malformed front matter is Markdown, logged at info
# once per rendering, never an error; "---" elsewhere is Markdown.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test qw(article_html);

my $t = ArticleRender::Test->new();

$t->write_file('site/fm.md', <<'EOF');
---
title: Front Title
description: Counts & "notes" <b>
author: 'Ann O''Neil'
tags: [a, b]
---
# Heading

Text.
EOF

$t->write_file('site/malformed.md', <<'EOF');
---
title: [unclosed
---
Body text.
EOF

$t->write_file('site/only.md',
    "---\ntitle: Only Front Matter\ndescription: Nothing else\n---\n");

$t->write_file('site/rules.md',
    "---\n\nBetween two rules.\n\n---\n\nAfter.\n");

$t->write_file('site/open.md', "---\nNo closing line.\n");

$t->write_file('site/late.md', "\n---\ntitle: Not Front Matter\n---\n");

$t->write_file('site/empty.md', "---\n---\n# Empty Front Matter\n");

$t->write_file('tpl.html', "<title>{{title}}</title>\n"
    . "<meta name=\"description\" content=\"{{meta.description}}\">\n"
    . "[{{meta.author}}][{{ meta.tags }}][{{meta.missing}}]\n"
    . "{{content}}");

$t->plan(24);

# templates: {{meta.KEY}} is known for any key, other names are not

for my $case (['{{metadata}}', 0], ['{{meta.}}', 0],
    ['{{meta.any-key_1.x}}', 1])
{
    my ($placeholder, $valid) = @$case;

    $t->write_file('check.html', "{{content}}$placeholder\n");
    $t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render_template %%TESTDIR%%/check.html;
    }
}
EOF

    my ($ok, $out) = $t->test_config();

    if ($valid) {
        ok($ok, "template with $placeholder passes nginx -t") or diag($out);
    } else {
        ok(!$ok && $out =~ /unknown placeholder "\Q$placeholder\E"/,
            "template with $placeholder fails nginx -t, naming it")
            or diag($out);
    }
}

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location /tpl/ {
            alias %%TESTDIR%%/site/;
            article_render_template %%TESTDIR%%/tpl.html;
        }

        location /nocache/ {
            alias %%TESTDIR%%/site/;
            article_render_cache off;
        }
    }
}
EOF

$t->run();

# the built-in template

my $r = $t->get('/fm.md');
my $html = article_html($r->{body}) // '';

like($r->{body}, qr{<title>Front Title</title>},
    'the front matter title is the page title, not the first heading');
like($r->{body}, qr{<meta\ name="description"
                    \ content="Counts\ &amp;\ &quot;notes&quot;\ &lt;b&gt;">}x,
    'the built-in template has the description meta, HTML-escaped');
like($html, qr{\A<h1 id="heading">Heading<a },
    'the front matter is not rendered: the article starts at its heading');
unlike($html, qr{Front Title|description|author},
    'nothing of the front matter is in the article');

# a template of its own

is($t->get('/tpl/fm.md')->{body}, "<title>Front Title</title>\n"
    . "<meta name=\"description\" content=\"Counts &amp; &quot;notes&quot; "
    . "&lt;b&gt;\">\n"
    . "[Ann O&#39;Neil][][]\n"
    . "<h1 id=\"heading\">Heading<a class=\"anchor\" href=\"#heading\" "
    . "aria-hidden=\"true\" tabindex=\"-1\">#</a></h1>\n<p>Text.</p>\n",
    '{{meta.KEY}} is the escaped value, empty for a list and for an '
    . 'unknown key');

is($t->get('/tpl/rules.md')->{body}, "<title>rules</title>\n"
    . "<meta name=\"description\" content=\"\">\n[][][]\n"
    . "<hr />\n<p>Between two rules.</p>\n<hr />\n<p>After.</p>\n",
    'without front matter every {{meta.KEY}} is empty');

# malformed front matter

$r = $t->get('/malformed.md');

is($r->{status}, 200, 'malformed front matter: answered 200');
is(article_html($r->{body}), "<hr />\n<h2 id=\"title-unclosed\">title: "
    . "[unclosed<a class=\"anchor\" href=\"#title-unclosed\" "
    . "aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n"
    . "<p>Body text.</p>\n",
    'malformed front matter: the whole file is rendered as Markdown');

$t->get('/malformed.md');

my @lines = grep { /front matter/ } split /\n/, $t->error_log();

is(scalar @lines, 1,
    'malformed front matter: one log line for two requests of one page');
like($lines[0] // '', qr{\[info\]\ .*article\ "\Q$t->{dir}\E/site/
                         malformed\.md":\ front\ matter\ ignored,
                         \ .*\ at\ line\ \d+}x,
    'malformed front matter: logged at info with the file and the reason');

$t->get('/nocache/malformed.md');
$t->get('/nocache/malformed.md');

@lines = grep { /front matter/ } split /\n/, $t->error_log();

is(scalar @lines, 3,
    'malformed front matter: logged once for every rendering');

# front matter only

$r = $t->get('/only.md');

is($r->{status}, 200, 'front matter only: answered 200');
is(article_html($r->{body}), '', 'front matter only: the article is empty');
like($r->{body}, qr{<title>Only Front Matter</title>},
    'front matter only: the title is the front matter title');
like($r->{body}, qr{<meta name="description" content="Nothing else">},
    'front matter only: the description is the front matter one');

# "---" that is not front matter

is(article_html($t->get('/rules.md')->{body}),
    "<hr />\n<p>Between two rules.</p>\n<hr />\n<p>After.</p>\n",
    'text between two --- lines is no front matter but thematic breaks');
is(article_html($t->get('/open.md')->{body}),
    "<hr />\n<p>No closing line.</p>\n",
    'a --- line without a closing line is a thematic break');

$r = $t->get('/late.md');

like(article_html($r->{body}), qr{\A<hr />\n<h2 id="title-not-front-matter">},
    'a --- block after a blank first line is Markdown');
unlike($r->{body}, qr{<title>Not Front Matter</title>},
    'a --- block after a blank first line gives no title');

$r = $t->get('/empty.md');

like(article_html($r->{body}), qr{\A<h1 id="empty-front-matter">},
    'empty front matter is front matter: not rendered');

@lines = grep { /front matter/ } split /\n/, $t->error_log();

is(scalar @lines, 3, 'nothing is logged for --- lines that are Markdown');
