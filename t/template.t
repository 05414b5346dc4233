#!/usr/bin/perl

# article_render_template: custom templates, and template errors found
# by nginx -t.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

# nginx.conf in a subdirectory, so that the configuration prefix
# (conf/) differs from the prefix (-p)

my $t = ArticleRender::Test->new(conf_file => 'conf/nginx.conf');

my $dir = $t->testdir();

$t->plan(18);

sub conf_with {
    my ($directive) = @_;

    $t->config(<<"EOF");
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;

        location / {
            $directive
        }
    }
}
EOF
}

# "in FILE:LINE" of the directive in the configuration

sub conf_line {
    my ($re) = @_;

    my @lines = split /\n/, $t->read_file('conf/nginx.conf');

    for my $i (0 .. $#lines) {
        return "$dir/conf/nginx.conf:" . ($i + 1) if $lines[$i] =~ $re;
    }

    return 'no such line';
}

sub test_template {
    my ($name) = @_;

    conf_with("article_render_template $name;");

    my ($ok, $out) = $t->test_config();
    my $at = conf_line(qr/article_render_template/);

    return ($ok, $out, $at);
}

# template errors

$t->write_file('conf/unknown.html',
    "<html>\n<title>{{title}}</title>\n<body>\n{{ author }}\n"
    . "{{content}}\n</body>\n</html>\n");

my ($ok, $out, $at) = test_template('unknown.html');

ok(!$ok, 'unknown placeholder fails nginx -t');
my $msg = 'unknown placeholder "{{author}}" in template '
    . qq{"$dir/conf/unknown.html" at line 4 in $at};

like($out, qr/\[emerg\] \d+#\d+: \Q$msg\E/,
    'unknown placeholder error names the template, its line and the '
    . 'directive');

($ok, $out, $at) = test_template('missing.html');

ok(!$ok, 'missing template fails nginx -t');
$msg = qq{open() "$dir/conf/missing.html" failed }
    . "(2: No such file or directory) in $at";

like($out, qr/\[emerg\] \d+#\d+: \Q$msg\E/,
    'missing template error names the file and the directive');

$t->write_file('conf/nocontent.html',
    "<html><title>{{title}}</title>{{content }</html>\n");

($ok, $out, $at) = test_template('nocontent.html');

ok(!$ok, 'template without {{content}} fails nginx -t');
$msg = 'no "{{content}}" placeholder in template '
    . qq{"$dir/conf/nocontent.html" in $at};

like($out, qr/\[emerg\] \d+#\d+: \Q$msg\E/,
    'missing {{content}} error names the template and the directive');

mkdir "$dir/conf/tpl.d";

($ok, $out, $at) = test_template('tpl.d');

ok(!$ok, 'a directory as template fails nginx -t');
$msg = qq{template "$dir/conf/tpl.d" is not a regular file }
    . "of at most 1048576 bytes in $at";

like($out, qr/\[emerg\] \d+#\d+: \Q$msg\E/,
    'directory template error names it and the directive');

$t->write_file('conf/huge.html', '{{content}}' . 'x' x (1024 * 1024));

($ok, $out, $at) = test_template('huge.html');

ok(!$ok, 'a template over 1 MiB fails nginx -t');

SKIP: {
    skip 'no user nobody to drop root privileges to', 2
        if $> == 0 && !defined getpwnam('nobody');

    $t->write_file('conf/secret.html', "{{content}}\n");
    chmod 0000, "$dir/conf/secret.html";

    # root reads any file: nginx -t runs as nobody then

    conf_with('article_render_template secret.html;');
    ($ok, $out) = $t->test_config(user => 'nobody');
    $at = conf_line(qr/article_render_template/);

    ok(!$ok, 'unreadable template fails nginx -t');
    $msg = qq{open() "$dir/conf/secret.html" failed }
        . "(13: Permission denied) in $at";

    like($out, qr/\[emerg\] \d+#\d+: \Q$msg\E/,
        'unreadable template error names the file and the directive');
}

# custom templates

my $tpl = "<html><head><title>T: {{ title }}</title></head>\n"
    . "<body class=\"custom\">{{content}}<p>{{ not a placeholder }} "
    . "{{}} {{title}}</p></body></html>\n";

$t->write_file('conf/page.html', $tpl);
$t->write_file('page.html', "<p>prefix, not conf prefix</p>{{content}}\n");
$t->write_file('other.html', "<main>{{content}}</main>\n");

conf_with("article_render_template page.html;\n"
    . "            article_render_template page.html;");

($ok, $out) = $t->test_config();

ok(!$ok && $out =~ /"article_render_template" directive is duplicate/,
    'a second template in one location fails nginx -t');

$t->write_file('site/a.md', "# Hello\n\nText.\n");
$t->write_file('site/abs/a.md', "# Hello\n\nText.\n");
$t->write_file('site/builtin/a.md', "# Hello\n\nText.\n");

$t->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;

        article_render on;
        article_render_template page.html;

        location / {
        }

        location /abs/ {
            article_render_template %%TESTDIR%%/other.html;
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name builtin;
        root %%TESTDIR%%/site;

        article_render on;
    }
}
EOF

($ok, $out) = $t->test_config();

ok($ok, 'valid templates pass nginx -t') or diag($out);

$t->run();

my $r = $t->get('/a.md');

is($r->{body},
    "<html><head><title>T: Hello</title></head>\n"
    . "<body class=\"custom\"><h1 id=\"hello\">Hello"
    . "<a class=\"anchor\" href=\"#hello\" aria-hidden=\"true\" "
    . "tabindex=\"-1\">#</a></h1>\n<p>Text.</p>\n"
    . "<p>{{ not a placeholder }} {{}} Hello</p></body></html>\n",
    'page is the template with {{title}} and {{content}} filled in, '
    . 'other braces kept');
is($r->{headers}{'content-length'}, length $r->{body},
    'custom template page has the right Content-Length');
unlike($r->{body}, qr/prefix, not conf prefix/,
    'relative template path resolves against the configuration prefix');

is($t->get('/abs/a.md')->{body}, "<main><h1 id=\"hello\">Hello"
    . "<a class=\"anchor\" href=\"#hello\" aria-hidden=\"true\" "
    . "tabindex=\"-1\">#</a></h1>\n<p>Text.</p>\n"
    . "</main>\n", 'absolute template path in a location overrides');

like($t->get('/builtin/a.md', Host => 'builtin')->{body},
    qr/\A<!doctype html>.*<title>Hello<\/title>/s,
    'server without a template uses the built-in one');
