#!/usr/bin/perl

# Installation: "make install" and "make uninstall" into a PREFIX and a
# DESTDIR of the test directory, an nginx that loads the module through
# the installed snippet, and "make deb": the package's contents, its
# dependencies, and its maintainer scripts run against a copy of the
# package's files in the test directory.  Nothing is installed into the
# machine's own nginx.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use ArticleRender::Test;

my $REPO = "$FindBin::Bin/..";
my $MODULE = 'ngx_http_article_render_module.so';
my $SNIPPET = 'mod-article-render.conf';
my $LINK = '50-mod-article-render.conf';

my $t = ArticleRender::Test->new(module => 0);
my $dir = $t->testdir();
my $so = $t->module_file();

$t->write_file('site/a.md', "# Installed\n");

$t->plan(23);

# the module's own language files for highlighted code

my @langs = map { m{([^/]+)$} } glob "$REPO/lang/*.lang";

# make in the repository, with the module of the test build

sub make {
    my (@args) = @_;

    # the module is taken as it is: make builds nothing

    local $ENV{BUILD} = "$dir/build";

    my $out = `make -s -C "$REPO" MODULE_SO="$so" @args 2>&1`;
    my $ok = $? == 0;

    diag("make @args:\n$out") unless $ok;

    return wantarray ? ($ok, $out) : $ok;
}

sub with_snippets {
    my ($enabled, $directive) = @_;

    $t->main_conf("include $enabled/*.conf;\n");
    $t->config(<<"EOF");
http {
    %%TEST_GLOBALS_HTTP%%

    $directive

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%TESTDIR%%/site;
    }
}
EOF

    return ($t->test_config())[0];
}

# PREFIX: the module's snippet loads it where it was installed

my $p = "$dir/prefix";

ok(make('install', "PREFIX=$p"), 'make install PREFIX= succeeds');
ok(-f "$p/lib/nginx/modules/$MODULE",
    'the module is in PREFIX/lib/nginx/modules');
is($t->read_file("prefix/share/nginx/modules-available/$SNIPPET"),
    "load_module $p/lib/nginx/modules/$MODULE;\n",
    "$SNIPPET in modules-available loads the installed module");
is(readlink("$p/etc/nginx/modules-enabled/$LINK"),
    "$p/share/nginx/modules-available/$SNIPPET",
    "modules-enabled/$LINK links to the snippet");

ok(@langs && !(grep { !-f "$p/share/nginx/article-render/lang/$_" } @langs),
    'the language files are in PREFIX/share/nginx/article-render/lang');

ok(with_snippets("$p/etc/nginx/modules-enabled", 'article_render on;'
        . " article_render_highlight_languages"
        . " $p/share/nginx/article-render/lang;"),
    'nginx -t passes with the snippet included, article_render on and'
    . ' the installed language files');

$t->run();
like($t->get('/a.md')->{body}, qr{<h1[^>]*>.*Installed}s,
    'the module loaded through the snippet renders an article');
$t->stop();

ok(make('uninstall', "PREFIX=$p"), 'make uninstall succeeds');
ok(!-e "$p/lib/nginx/modules/$MODULE"
    && !-e "$p/share/nginx/modules-available/$SNIPPET"
    && !-l "$p/etc/nginx/modules-enabled/$LINK"
    && !-e "$p/share/nginx/article-render",
    'make uninstall removes the module, the snippet, the link and the'
    . ' language files');
ok(with_snippets("$p/etc/nginx/modules-enabled", ''),
    'after make uninstall, nginx -t passes with modules-enabled included');

# DESTDIR, with the paths of the nginx installed

my ($mods) = `$t->{bin} -V 2>&1` =~ /--modules-path=(\S+)/;
$mods //= '/usr/lib/nginx/modules';

ok(make('install', "DESTDIR=$dir/dest"), 'make install DESTDIR= succeeds');
ok(-f "$dir/dest$mods/$MODULE", "the module is in DESTDIR$mods");
is($t->read_file("dest/usr/share/nginx/modules-available/$SNIPPET"),
    "load_module $mods/$MODULE;\n", 'the snippet names the path without'
    . ' DESTDIR');

# make deb, where nginx is Debian's

my ($pkg) = `dpkg-query -S "\$(readlink -f $t->{bin})" 2>/dev/null`
    =~ /^([^:]+):/;
my ($abi) = $pkg ? `dpkg-query -W -f='\${Provides}' $pkg` =~ /(nginx-abi-\S+?)(?:,|\s|$)/
    : ();

SKIP: {
    skip 'nginx is not from a Debian package providing nginx-abi-*', 10
        unless $abi;

    my ($ok, $out) = make('deb', "DEB_DIR=$dir/deb", 'DEB_VERSION=0.1-1');
    my ($deb) = $out =~ m{^(\S+\.deb)$}m;

    ok($ok && $deb && -f $deb, 'make deb builds a package');

    my %f = map { /^\s*([\w-]+): (.*)$/ ? ($1, $2) : () }
        split /\n/, `dpkg-deb --field "$deb"`;

    is($f{Package}, 'libnginx-mod-http-article-render', 'the package name');

    my @depends = map { /^([^\s(]+)/ } split /,\s*/, $f{Depends} // '';

    ok((grep { $_ eq $abi } @depends),
        "the package depends on $abi, which $pkg provides");

    # every library the module links belongs to a package it depends on;
    # what those libraries link in turn (source-highlight's boost_regex
    # and ICU) is their own packages' dependency

    my %needed = map { $_ => 1 } `readelf -d "$so"` =~ /\(NEEDED\).*\[(\S+)\]/g;
    my @libs = map { $needed{$_->[0]} ? $_->[1] : () }
        map { [ /^\s*(\S+) => (\/\S+)/ ] } grep { /=> \// } `ldd "$so"`;
    my @missing;

    for my $lib (@libs) {
        my ($owner) = `dpkg-query -S "$lib" 2>/dev/null` =~ /^([^:]+):/;
        ($owner) = `dpkg-query -S "\$(readlink -f $lib)" 2>/dev/null`
            =~ /^([^:]+):/ unless $owner;
        $owner //= "(no package: $lib)";
        $owner =~ s/:\S+$//;
        push @missing, $owner unless grep { $_ eq $owner } @depends;
    }

    is("@missing", '', 'the package depends on the package of every'
        . ' library the module links');

    my @files = sort grep { !m{/$} } map { (split ' ', $_, 6)[5] }
        split /\n/, `dpkg-deb --contents "$deb"`;

    is_deeply(\@files, [ sort
        "./usr/lib/nginx/modules/$MODULE",
        './usr/share/doc/libnginx-mod-http-article-render/copyright',
        "./usr/share/nginx/modules-available/$SNIPPET",
        map { "./usr/share/nginx/article-render/lang/$_" } @langs
    ], 'the package holds the module, its snippet, its language files and'
        . ' its copyright');

    # the package's files and maintainer scripts in a root of the test
    # directory, where /etc/nginx and /usr are the root's

    my $root = "$dir/root";

    system('dpkg-deb', '-x', $deb, $root) == 0
        && system('dpkg-deb', '-e', $deb, "$root/DEBIAN") == 0
        or die "cannot unpack $deb\n";

    is($t->read_file("root/usr/share/nginx/modules-available/$SNIPPET"),
        "load_module /usr/lib/nginx/modules/$MODULE;\n",
        'the package\'s snippet loads the module from /usr/lib/nginx');

    for my $file ("usr/share/nginx/modules-available/$SNIPPET",
                  map { "DEBIAN/$_" } qw(postinst prerm postrm))
    {
        my $text = $t->read_file("root/$file");
        $text =~ s{(?<=[\s'"=])/(etc|usr)/}{$root/$1/}g;
        $t->write_file("root/$file", $text);
        chmod 0755, "$root/$file" if $file =~ /DEBIAN/;
    }

    # dpkg-trigger outside dpkg would fail, or touch the real dpkg

    $t->write_file('bin/dpkg-trigger', "#!/bin/sh\nexit 0\n");
    chmod 0755, "$dir/bin/dpkg-trigger";
    local $ENV{PATH} = "$dir/bin:$ENV{PATH}";

    system("$root/DEBIAN/postinst", 'configure', '');

    ok(with_snippets("$root/etc/nginx/modules-enabled",
            'article_render on; article_render_highlight_languages'
            . " $root/usr/share/nginx/article-render/lang;"),
        'installed: modules-enabled/ has the snippet, nginx -t passes with'
        . ' article_render on and the package\'s language files');

    system("$root/DEBIAN/prerm", 'remove');
    unlink "$root/usr/lib/nginx/modules/$MODULE",
        "$root/usr/share/nginx/modules-available/$SNIPPET";
    system("$root/DEBIAN/postrm", 'remove');

    ok(with_snippets("$root/etc/nginx/modules-enabled", ''),
        'removed: nginx -t passes with modules-enabled/ included');

    system("$root/DEBIAN/postinst", 'configure', '0.1-1');

    ok(-l "$root/etc/nginx/modules-enabled/$LINK"
        && !-l "$root/etc/nginx/modules-enabled/$LINK.removed",
        'reinstalled after a removal: the link is back');

    system("$root/DEBIAN/postrm", 'purge');

    ok(!-e "$root/etc/nginx/modules-enabled/$LINK"
        && !-l "$root/etc/nginx/modules-enabled/$LINK.removed",
        'purged: no link left in modules-enabled/');
}
