package ArticleRender::Test;

# A small test harness for ngx_http_article_render_module, in the spirit
# of nginx-tests' Test::Nginx, using Perl core modules only.
#
#     my $t = ArticleRender::Test->new();
#     $t->write_file('a.md', "# Hello\n");
#     $t->config(<<'EOF');
#     http {
#         %%TEST_GLOBALS_HTTP%%
#         server {
#             listen 127.0.0.1:%%PORT%%;
#             root %%TESTDIR%%;
#             article_render on;
#         }
#     }
#     EOF
#     $t->plan(1)->run();
#     like($t->get('/a.md')->{body}, qr/<h1>Hello/, 'rendered');
#
# new(%args) makes the temporary directory; conf_file => 'conf/x.conf'
# puts nginx.conf elsewhere in it (its directory is then the
# configuration prefix), workers => N starts N worker processes,
# user => NAME runs the workers as NAME when the tests run as root
# (otherwise workers run as root too), module => 0 leaves the module's
# load_module out of the globals (the test loads it itself), daemon => 1
# runs nginx as a daemon (a binary upgrade needs one: binary_upgrade()).
#
# plan(N) declares N + 1 tests: the last one, run when the test file
# ends (after nginx is stopped), checks that the error log holds no
# alert, crit or emerg line, no "exited on signal" and no sanitizer
# report, except lines matching a pattern given to allow_alerts().  A
# second harness object in the same file gets its end check too after
# end_check($name), counted among the N of the first one's plan(N).
#
# Methods: write_file, read_file, path, testdir, module_file, port,
# main_conf, config, test_config, bad_directive, has_test_hooks,
# has_module, skip_without_modules,
# nginx_debug, run, stop, restart, reload, binary_upgrade, quit_master,
# master_pid, http, request, get, start_get, ready, finish_get,
# error_log, worker_pid, renders.
# Functions: article_html($body), http_date($time), cache_status($r),
# wait_until($code, $seconds), fork_child($code), slow(),
# sanitizer_env($dir), sanitizer_reports($dir).
#
# Environment:
#     NGINX_BIN            nginx binary (default /usr/sbin/nginx)
#     BUILD                directory of the built module (default
#                          <repo>/build)
#     TEST_NGINX_LEAVE     keep the temporary directory
#     TEST_NGINX_VERBOSE   print configs, requests and responses
#     TEST_NGINX_FIXTURES  keep a copy of every article and template
#                          written, for the fuzzer's seed corpus
#     TEST_NGINX_PRELOAD   LD_PRELOAD for every nginx started (the ASan
#                          runtime, for a module built with ASan)
#     TEST_NGINX_SANITIZER sanitizer reports of nginx go to files in the
#                          test directory (log_path added to ASAN_OPTIONS,
#                          LSAN_OPTIONS and UBSAN_OPTIONS), and the end
#                          check fails on any of them
#     TEST_NGINX_VALGRIND  nginx runs under valgrind memcheck, master and
#                          workers each logging to a file of its own; the
#                          end check fails on any error or definite leak
#                          they report (suppressions in t/sanitizer/)
#     TEST_NGINX_SLOW      how many times slower than plain nginx runs
#                          here (make test-asan and make test-valgrind set
#                          it; else 30 with a sanitizer, 50 under valgrind)
#
# Under a sanitizer or valgrind, nginx is slower: every wait of the
# harness (start, stop, reload, a request) is longer by the factor
# slow() returns, and so is every budget a test sets.
#
# A process a test forks (a client, a writer) is forked by fork_child(),
# which kills it when the test file exits, however it exits: none is
# left holding prove's pipe.

use strict;
use warnings;

use Test::More ();
use IO::Socket::INET;
use Socket ();
use File::Temp ();
use File::Path qw(make_path);
use File::Basename qw(dirname);
use File::Spec;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep);
use Scalar::Util ();
use Cwd ();
use IO::Uncompress::Gunzip ();

use Exporter qw(import);
our @EXPORT_OK = qw(article_html http_date cache_status wait_until
    decode_body fork_child);

our $VERSION = '1.0';

my $REPO = Cwd::abs_path(
    File::Spec->catdir(dirname(__FILE__), '..', '..', '..'));

my $MODULE = 'ngx_http_article_render_module.so';

my @ALIVE;      # harness objects whose end check is still due
my @CHILDREN;   # [ pid, parent ] of the processes fork_child() made

my $LOG_BAD = qr/\[(?:alert|crit|emerg)\]|exited on signal
                 |AddressSanitizer|LeakSanitizer|runtime\ error:/x;

my $VALGRIND_SUPP = "$REPO/t/sanitizer/valgrind.supp";
my $LSAN_SUPP = "$REPO/t/sanitizer/lsan.supp";

# the exit code of a process in which valgrind found errors
my $VALGRIND_ERROR = 99;


# how much slower nginx runs here than plain

sub slow {
    return $ENV{TEST_NGINX_SLOW} if $ENV{TEST_NGINX_SLOW};
    return 50 if $ENV{TEST_NGINX_VALGRIND};
    return 30 if $ENV{TEST_NGINX_SANITIZER} || $ENV{TEST_NGINX_PRELOAD};
    return 1;
}


# wait_until($code, $seconds): calls $code every 50 ms until it returns
# true, for at most $seconds (10 unless given) times slow(); returns what
# it returned last, so false if the time ran out.

sub wait_until {
    my ($code, $seconds) = @_;

    my $end = Time::HiRes::time() + ($seconds // 10) * slow();

    while (1) {
        my $v = $code->();
        return $v if $v || Time::HiRes::time() >= $end;
        sleep(0.05);
    }
}


# fork_child($code): runs $code in a child process, which exits 0 when
# it returns and 1 when it dies; returns the child's pid.  A child still
# running when the test file exits is sent TERM, then KILL.

sub fork_child {
    my ($code) = @_;

    my $pid = fork();
    die "cannot fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        @CHILDREN = ();
        $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP);

        my $ok = eval { $code->(); 1 };
        print STDERR $@ unless $ok;

        POSIX::_exit($ok ? 0 : 1);
    }

    push @CHILDREN, [ $pid, $$ ];

    return $pid;
}


# Only a pid that waitpid() says is our child still running is signalled:
# one already reaped may belong to another process by now.

sub kill_children {
    my @pids = grep { waitpid($_, WNOHANG) == 0 }
        map { $_->[1] == $$ ? $_->[0] : () } @CHILDREN;

    @CHILDREN = ();

    for my $sig (qw(TERM KILL)) {
        last unless @pids;

        kill $sig, @pids;

        my $end = Time::HiRes::time() + 5;

        while (@pids && Time::HiRes::time() < $end) {
            sleep(0.05);
            @pids = grep { waitpid($_, WNOHANG) == 0 } @pids;
        }
    }
}


sub new {
    my ($class, %args) = @_;

    my $build = $ENV{BUILD} || "$REPO/build";
    my $so = File::Spec->rel2abs("$build/$MODULE");

    die "module $so not found: run make first\n" unless -f $so;

    my $dir = File::Temp::tempdir('article-render-test-XXXXXXXX',
        TMPDIR => 1, CLEANUP => !$ENV{TEST_NGINX_LEAVE});

    chmod 0755, $dir;

    my $self = bless {
        dir => $dir,
        so => $so,
        bin => $ENV{NGINX_BIN} || '/usr/sbin/nginx',
        conf_file => $args{conf_file} || 'nginx.conf',
        user => $args{user},
        module => $args{module} // 1,
        daemon => $args{daemon},
        workers => $args{workers} || 1,
        port => undef,
        pid => undef,
        hooks => undef,
        planned => 0,
        checked => 0,
        allowed => [],
        problems => [],
        owner => $$,
    }, $class;

    push @ALIVE, $self;
    Scalar::Util::weaken($ALIVE[-1]);

    $self->reachable($args{user} || 'nobody') if $> == 0;

    if ($ENV{TEST_NGINX_LEAVE}) {
        Test::More::diag("test directory $dir kept");
    } else {
        $self->verbose("test directory $dir");
    }

    return $self;
}


# As root, nginx -t and the workers may run as another user (user =>,
# test_config(user => ...)), which must reach the module and the test
# directory.  A module it cannot read (a build directory under a home
# of mode 0700) is copied into the test directory; a test directory it
# cannot reach is an error.

sub reachable {
    my ($self, $user) = @_;

    my ($uid, $gid) = (getpwnam $user)[2, 3];
    return unless defined $uid;

    my $can = sub {
        my ($test) = @_;

        my $pid = fork();
        die "cannot fork: $!\n" unless defined $pid;

        if ($pid == 0) {
            $) = "$gid $gid";
            $( = $gid;
            POSIX::setuid($uid) or POSIX::_exit(2);
            POSIX::_exit($test->() ? 0 : 1);
        }

        waitpid($pid, 0);
        return $? == 0;
    };

    my $dir = $self->{dir};

    unless ($can->(sub { -x $dir && -r _ })) {
        die "test directory $dir cannot be reached by user $user: "
            . "set TMPDIR to a directory every user can reach "
            . "(such as /tmp)\n";
    }

    my $so = $self->{so};

    return if $can->(sub { -r $so });

    my $copy = "$dir/$MODULE";

    require File::Copy;
    File::Copy::copy($so, $copy) or die "cannot copy $so: $!\n";
    chmod 0644, $copy;

    $self->verbose("$so cannot be read by user $user: using $copy");
    $self->{so} = $copy;
}


sub testdir { $_[0]{dir} }


sub module_file { $_[0]{so} }


sub path {
    my ($self, $rel) = @_;
    return "$self->{dir}/$rel";
}


sub verbose {
    my ($self, @msg) = @_;
    Test::More::diag(@msg) if $ENV{TEST_NGINX_VERBOSE};
}


# plan(N): N tests of the file plus the final error log check

sub plan {
    my ($self, $n) = @_;

    Test::More::plan(tests => $n + 1);
    $self->{planned} = 1;

    return $self;
}


# end_check($name): the end check of a harness object that declares no
# plan, one more test of the plan another object declared; $name tells
# its nginx from the other one in the test's name

sub end_check {
    my ($self, $name) = @_;

    $self->{planned} = 1;
    $self->{name} = $name;

    return $self;
}


# lines matching the pattern are not counted as alerts by the end check

sub allow_alerts {
    my ($self, $re) = @_;

    push @{ $self->{allowed} }, $re;

    return $self;
}


# an article of a title and that many numbered paragraphs, about 40
# bytes of Markdown and 50 of page each: for pages of a chosen size

sub article_text {
    my ($self, $name, $paragraphs) = @_;

    return "# $name\n\n"
        . join('', map { "Paragraph $_ of $name, *with* some text.\n\n" }
            1 .. $paragraphs);
}


sub write_file {
    my ($self, $rel, $content) = @_;

    my $file = $self->path($rel);
    my $dir = dirname($file);

    make_path($dir, { mode => 0755 }) unless -d $dir;

    open my $fh, '>:raw', $file or die "cannot write $file: $!\n";
    print $fh $content;
    close $fh or die "cannot write $file: $!\n";

    chmod 0644, $file;

    $self->save_fixture($rel, $content) if $ENV{TEST_NGINX_FIXTURES};

    return $file;
}


# With TEST_NGINX_FIXTURES=DIR, every article and template a test writes
# is also kept in DIR/md/ or DIR/tpl/, named by its MD5: "make fuzz-seeds"
# collects the fuzzer's seed corpus this way.  Files over 64 KB are left
# out, as the fuzzer takes shorter inputs.

sub save_fixture {
    my ($self, $rel, $content) = @_;

    my $kind = $rel =~ /\.(?:md|markdown)$/i ? 'md'
        : $rel =~ /\.html$/i ? 'tpl' : return;

    return if length $content > 65536;

    require Digest::MD5;

    my $dir = "$ENV{TEST_NGINX_FIXTURES}/$kind";
    make_path($dir) unless -d $dir;

    my $file = "$dir/" . Digest::MD5::md5_hex($content);
    return if -e $file;

    open my $fh, '>:raw', $file or die "cannot write $file: $!\n";
    print $fh $content;
    close $fh or die "cannot write $file: $!\n";
}


# slow_reader($uri, hit => 1): a client with a 4 KB receive buffer that
# asks for $uri, reads the response's header and then nothing, so that
# its worker stays in the middle of sending (a large page stays pinned);
# returns the socket and the header.  With hit, the response must be a
# cache hit (X-Cache, as the test's configuration adds it).

sub slow_reader {
    my ($self, $uri, %opts) = @_;

    my $s = IO::Socket::INET->new(Proto => 'tcp') or die "socket: $!\n";
    setsockopt($s, Socket::SOL_SOCKET(), Socket::SO_RCVBUF(), 4096)
        or die "setsockopt: $!\n";
    connect($s, Socket::sockaddr_in($self->port(),
                                    Socket::inet_aton('127.0.0.1')))
        or die "connect: $!\n";

    binmode $s;
    $s->autoflush(1);
    print $s "GET $uri HTTP/1.0\r\nHost: localhost\r\n\r\n";

    my $head = '';

    local $SIG{ALRM} = sub { die "timeout\n" };
    alarm(10 * slow());

    while ($head !~ /\r\n\r\n/) {
        my $n = sysread($s, my $c, 1);
        die "read: $!\n" unless $n;
        $head .= $c;
    }

    alarm(0);

    die "not a hit: $head\n"
        if $opts{hit} && $head !~ /^X-Cache: HIT\r?$/mi;

    return ($s, $head);
}


# page_files(): the page files under a zone's path=, "pages" in the test
# directory, as name => content

sub page_files {
    my ($self) = @_;

    my %files;

    opendir my $d, $self->path('pages') or return %files;

    for my $name (grep { /^\d{10}\z/ } readdir $d) {
        $files{$name} = $self->read_file("pages/$name");
    }

    return %files;
}


sub read_file {
    my ($self, $rel) = @_;

    my $file = $self->path($rel);

    open my $fh, '<:raw', $file or return '';
    local $/;
    my $content = <$fh>;
    close $fh;

    return defined $content ? $content : '';
}


sub port {
    my ($self) = @_;

    return $self->{port} if defined $self->{port};

    my $s = IO::Socket::INET->new(
        LocalAddr => '127.0.0.1',
        LocalPort => 0,
        Proto => 'tcp',
        Listen => 1,
        ReuseAddr => 1,
    ) or die "cannot find a free port: $@\n";

    $self->{port} = $s->sockport();
    close $s;

    return $self->{port};
}


# The globals every configuration starts with.

sub globals {
    my ($self) = @_;

    my $g = "error_log $self->{dir}/error.log info;\n"
        . ($self->{module} ? "load_module $self->{so};\n\n" : "\n")
        . "pid $self->{dir}/nginx.pid;\n"
        . ($self->{daemon} ? "daemon on;\n" : "daemon off;\n")
        . "master_process on;\n"
        . "worker_processes $self->{workers};\n";

    # As root, workers run as root too, unless the test asks for another
    # user (to see file permissions count); not root, no "user" at all.

    if ($> == 0) {
        my $user = $self->{user} || 'root';
        my $gid = (getpwnam $user)[3];
        die "no user $user\n" unless defined $gid;
        my $group = getgrgid $gid;

        $g .= "user $user $group;\n";
    }

    # nginx execs the binary of an upgrade with only the variables "env"
    # names: the sanitizer's runtime and reports go on to the new master

    if ($ENV{TEST_NGINX_PRELOAD} || $ENV{TEST_NGINX_SANITIZER}) {
        $g .= "env $_;\n"
            for qw(LD_PRELOAD ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS);
    }

    $g .= $self->{main} if defined $self->{main};

    return $g . "\nevents {\n}\n\n";
}


# main_conf($text): directives of the main context that must come before
# "events" (load_module); config() puts them among the globals

sub main_conf {
    my ($self, $text) = @_;

    $self->{main} = $text;

    return $self;
}


sub globals_http {
    my ($self) = @_;

    my $d = $self->{dir};

    return (
        "access_log $d/access.log;",
        "client_body_temp_path $d/client_body_temp;",
        "proxy_temp_path $d/proxy_temp;",
        "fastcgi_temp_path $d/fastcgi_temp;",
        "uwsgi_temp_path $d/uwsgi_temp;",
        "scgi_temp_path $d/scgi_temp;",
    );
}


# Writes the configuration: %%PORT%%, %%TESTDIR%% and %%TEST_GLOBALS_HTTP%%
# are substituted, the globals (load_module, pid, error_log, events)
# prepended.

sub config {
    my ($self, $text) = @_;

    my $port = $self->port();
    my $dir = $self->{dir};
    my @http = $self->globals_http();

    $text =~ s/%%PORT%%/$port/g;
    $text =~ s/%%TESTDIR%%/$dir/g;
    $text =~ s/^([ \t]*)%%TEST_GLOBALS_HTTP%%/$1 . join("\n$1", @http)/gme;
    $text =~ s/%%TEST_GLOBALS_HTTP%%/join(' ', @http)/ge;
    $text =~ s/%%TEST_HOOKS_LOG%%/log_format article_render_hooks
        '\$article_render_test_renders \$article_render_test_lookups'
        ' "\$request_filename"';
        access_log $dir\/hooks.log article_render_hooks;/g;

    my $conf = $self->globals() . $text;

    # made here, so that nginx -t as another user need not create them

    for my $temp (qw(client_body proxy fastcgi uwsgi scgi)) {
        mkdir "$dir/${temp}_temp", 0755;
    }

    $self->write_file($self->{conf_file}, $conf);
    $self->verbose("$self->{conf_file}:\n$conf");

    return $self;
}


sub nginx_args {
    my ($self) = @_;

    my @cmd = ($self->{bin}, '-p', "$self->{dir}/", '-c', $self->{conf_file},
        $self->early_log());

    if ($ENV{TEST_NGINX_VALGRIND}) {
        unshift @cmd, 'valgrind', '--tool=memcheck', '--quiet',
            "--error-exitcode=$VALGRIND_ERROR",
            '--leak-check=full', '--show-leak-kinds=definite',
            '--errors-for-leak-kinds=definite', '--num-callers=40',
            "--suppressions=$VALGRIND_SUPP",
            "--log-file=" . $self->report_dir() . "/valgrind.%p";
    }

    return @cmd;
}


# Until it has read error_log in the configuration, nginx logs to the
# error log it was built with: stderr for Debian's nginx, logs/error.log
# under the prefix (here the test directory) for a build from source.
# "-e stderr" (nginx 1.19.5 and later) makes it stderr always, and so
# stderr.log and the output of "nginx -t" as with Debian's; an older
# nginx finds a logs/ directory.

my %EARLY_LOG;

sub early_log {
    my ($self) = @_;

    my $bin = $self->{bin};

    $EARLY_LOG{$bin} //= `"$bin" -h 2>&1` =~ /^\s*-e\s/m ? 1 : 0;

    return ('-e', 'stderr') if $EARLY_LOG{$bin};

    mkdir "$self->{dir}/logs", 0777;
    chmod 0777, "$self->{dir}/logs";

    return ();
}


# Where the sanitizers and valgrind write their reports: a directory any
# user may write to, as workers and "nginx -t" may run as another user.

sub report_dir {
    my ($self) = @_;

    my $dir = "$self->{dir}/reports";

    unless (-d $dir) {
        mkdir $dir or die "cannot create $dir: $!\n";
        chmod 01777, $dir;
    }

    return $dir;
}


# LeakSanitizer matches a suppression against one frame at a time, which
# cannot tell nginx's own leaks at exit from ours: t/sanitizer/lsan.supp
# holds them in valgrind's format instead, frame after frame from the
# allocator's caller on ("fun:NAME", "obj:PATH", "..." for any frames;
# * and ? as in a shell).  A report with nothing left is no report.

my @LSAN_RULES;

sub lsan_rules {
    return @LSAN_RULES if @LSAN_RULES;

    open my $fh, '<', $LSAN_SUPP or die "cannot read $LSAN_SUPP: $!\n";
    my $text = do { local $/; <$fh> };
    close $fh;

    $text =~ s/#[^\n]*//g;

    while ($text =~ /\{\s*(\S+)\s*\n\s*LSan:Leak\s*\n(.*?)\}/gs) {
        my ($name, $body) = ($1, $2);
        push @LSAN_RULES, { name => $name, frames => [ split ' ', $body ] };
    }

    die "no rules in $LSAN_SUPP\n" unless @LSAN_RULES;

    return @LSAN_RULES;
}


sub lsan_suppress {
    my ($text) = @_;

    my @blocks = split /\n\n+/, $text;
    my ($leaks, $kept) = (0, 0);
    my @out;

    for my $block (@blocks) {
        if ($block !~ /^(?:Direct|Indirect) leak of/) {
            push @out, $block;
            next;
        }

        $leaks++;

        # frame #0 is the sanitizer's malloc

        my @frames;

        for my $line (split /\n/, $block) {
            my ($n, $rest) = $line =~ /^\s*#(\d+) 0x[0-9a-f]+\s*(.*)$/
                or next;
            next if $n == 0;

            my ($fun) = $rest =~ /^in (\S+)/;
            my ($obj) = $rest =~ /\(([^()+]+)\+0x[0-9a-f]+\)\s*$/;

            push @frames, { fun => $fun // '', obj => $obj // '' };
        }

        if (grep { lsan_match($_->{frames}, \@frames) } lsan_rules()) {
            next;
        }

        $kept++;
        push @out, $block;
    }

    return '' if $leaks && !$kept;

    return join "\n\n", @out;
}


sub lsan_match {
    my ($pats, $frames) = @_;

    return 1 unless @$pats;

    my ($p, @prest) = @$pats;

    if ($p eq '...') {
        for my $i (0 .. @$frames) {
            return 1 if lsan_match(\@prest, [ @$frames[$i .. $#$frames] ]);
        }
        return 0;
    }

    return 0 unless @$frames;

    my ($f, @frest) = @$frames;
    my ($kind, $glob) = $p =~ /^(fun|obj):(.*)$/ or return 0;

    my $re = join '', map {
        $_ eq '*' ? '.*' : $_ eq '?' ? '.' : quotemeta
    } split /([*?])/, $glob;

    return 0 unless $f->{$kind} =~ /\A$re\z/;

    return lsan_match(\@prest, \@frest);
}


# In the child, just before exec: the environment nginx runs with.

sub nginx_env {
    my ($self) = @_;

    $ENV{LD_PRELOAD} = $ENV{TEST_NGINX_PRELOAD} if $ENV{TEST_NGINX_PRELOAD};

    sanitizer_env($self->report_dir()) if $ENV{TEST_NGINX_SANITIZER};
}


# sanitizer_env($dir): the sanitizers of a process started from now on
# write their reports to files in $dir, which sanitizer_reports($dir)
# reads; LeakSanitizer's own exit status is off, so that "nginx -t" and
# "nginx -s" tell nginx's

sub sanitizer_env {
    my ($dir) = @_;

    for my $san (qw(ASAN LSAN UBSAN)) {
        my $var = "${san}_OPTIONS";
        my $name = lc $san;

        $ENV{$var} = join ':', grep { length }
            ($ENV{$var} // ''), "log_path=$dir/$name",
            $san eq 'LSAN' ? 'exitcode=0' : ();
    }
}


# The reports of the sanitizers and valgrind, one string for each.

sub reports {
    my ($self) = @_;

    return sanitizer_reports("$self->{dir}/reports");
}


# sanitizer_reports($dir): the reports in $dir, each "NAME:\nTEXT", the
# leaks t/sanitizer/lsan.supp names taken out

sub sanitizer_reports {
    my ($dir) = @_;

    my @found;

    for my $file (sort glob("$dir/*")) {
        my $text = do {
            open my $fh, '<', $file or next;
            local $/;
            <$fh>;
        };

        next unless defined $text;

        my ($name) = $file =~ m{([^/]+)\z};

        $text = lsan_suppress($text) if $name =~ /^lsan\./;

        # LeakSanitizer's count of what its own suppressions took out
        # (t/sanitizer/lsan-unit.supp) is no report

        $text =~ s/^-+\nSuppressions used:\n.*?^-+(?:\n|\z)//msg;

        # valgrind runs with --quiet: its log of a process is empty
        # unless it found something

        next if $text !~ /\S/;

        push @found, "$name:\n$text";
    }

    return @found;
}


# bad_directive($directive, $message): two tests, that "nginx -t" fails
# on a server holding the directive, and that its [emerg] line says the
# message and names the configuration's line.

sub bad_directive {
    my ($self, $directive, $msg) = @_;

    $self->config(<<"EOF");
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        $directive
    }
}
EOF

    my ($ok, $out) = $self->test_config();
    (my $name = $directive) =~ s/\s+/ /g;

    Test::More::ok(!$ok, "nginx -t fails on '$name'");
    Test::More::like($out,
        qr/\[emerg\] .*\Q$msg\E in \S+nginx\.conf:\d+/,
        "'$name' error message names the problem and the line");
}


# nginx -t: returns (ok, output).  With user => NAME, when run as root,
# nginx -t runs as that user, so that file permissions count.

sub test_config {
    my ($self, %opts) = @_;

    my @cmd = $self->nginx_args();
    my $out = '';
    my ($uid, $gid);

    if ($opts{user} && $> == 0) {
        ($uid, $gid) = (getpwnam $opts{user})[2, 3];
        die "no user $opts{user}\n" unless defined $uid;

        # the log files nginx -t opens must be writable by that user

        for my $log ('error.log', 'access.log') {
            my $file = $self->path($log);
            open my $fh, '>>', $file or die "cannot create $file: $!\n";
            close $fh;
            chmod 0666, $file;
        }
    }

    my $pid = open my $fh, '-|';
    die "cannot fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open STDERR, '>&', \*STDOUT;

        if (defined $uid) {
            $) = "$gid $gid";
            $( = $gid;
            POSIX::setuid($uid) or POSIX::_exit(126);
        }

        $self->nginx_env();

        # "nginx -t" returns from main() without destroying the pools of
        # the configuration it read, nginx's own way; the module's leaks
        # show in the master and workers, which run with leak checks on

        $ENV{ASAN_OPTIONS} =~ s/detect_leaks=1/detect_leaks=0/
            if defined $ENV{ASAN_OPTIONS};

        exec @cmd, '-t' or POSIX::_exit(127);
    }

    {
        local $/;
        $out = <$fh>;
        $out = '' unless defined $out;
    }

    close $fh;
    my $ok = $? == 0;

    # the sanitizers exit with LSan's exitcode=0 even when they abort
    # nginx, and ASan's reports go to LSan's log_path, the last one set:
    # whatever "nginx -t", which checks no leaks, reported is a failure

    for my $file (map { $self->report_dir() . "/$_.$pid" }
                  qw(asan lsan ubsan))
    {
        open my $rfh, '<', $file or next;
        local $/;
        $out .= <$rfh> // '';
        $ok = 0;
    }

    $self->verbose("nginx -t: " . ($ok ? 'ok' : 'failed') . "\n$out");

    return ($ok, $out);
}


# The version of the cmark-gfm the module links, as its file name says
# (libcmark-gfm.so.0.29.0.gfm.6 on Debian 12), or undef.

sub cmark_version {
    my ($self) = @_;

    my ($v) = `ldd "$self->{so}" 2>/dev/null` =~ /libcmark-gfm\.so\.(\S+)/;
    return $v;
}


# nginx_debug(): whether nginx was built --with-debug, so that its own
# debug lines (a thread task posted) are logged.

sub nginx_debug {
    my ($self) = @_;

    return `"$self->{bin}" -V 2>&1` =~ /--with-debug\b/ ? 1 : 0;
}


# has_module(NAME): whether the nginx under test has ngx_NAME_module
# ("http_v2", "http_gzip") built in, as "nginx -V" says: nginx builds the
# ones below unless configured --without-NAME_module, and the others
# only --with-NAME_module ("=dynamic" ones are not loaded by the tests).
# skip_without_modules(NAME ...) skips the whole test file, saying which
# module it needs, where one is missing.

my %BUILT_BY_DEFAULT = map { ("http_$_" => 1) } qw(charset gzip ssi
    userid access auth_basic mirror autoindex geo map split_clients
    referer rewrite proxy fastcgi uwsgi scgi grpc memcached limit_conn
    limit_req empty_gif browser upstream_hash upstream_ip_hash
    upstream_least_conn upstream_random upstream_keepalive upstream_zone);

sub has_module {
    my ($self, $name) = @_;

    $self->{nginx_v} //= `"$self->{bin}" -V 2>&1`;

    return $self->{nginx_v} !~ /--without-\Q$name\E_module\b/
        if $BUILT_BY_DEFAULT{$name};

    return $self->{nginx_v} =~ /--with-\Q$name\E_module(?!=)/ ? 1 : 0;
}


sub skip_without_modules {
    my ($self, @names) = @_;

    my @missing = grep { !$self->has_module($_) } @names;

    Test::More::plan(skip_all => "$self->{bin} has no "
        . join(', ', map { "ngx_${_}_module" } @missing) . ' (nginx -V)')
        if @missing;

    return $self;
}


# has_test_hooks(): whether the module is the test build (AR_TEST_HOOKS),
# whose article_render_test_delay makes renders slow on purpose.  "nginx
# -t" is asked about a configuration of its own, so the test's is left
# as it is; a probe failing for any other reason dies.

sub has_test_hooks {
    my ($self) = @_;

    return $self->{hooks} if defined $self->{hooks};

    local $self->{conf_file} = 'test-hooks.conf';

    $self->config(<<'EOF');
http {
    %%TEST_GLOBALS_HTTP%%

    server {
        listen 127.0.0.1:%%PORT%%;
        article_render_test_delay 1ms;
    }
}
EOF

    my ($ok, $out) = $self->test_config();

    if (!$ok && $out !~ /unknown directive "article_render_test_delay"/) {
        die "nginx -t failed on the test hooks probe:\n$out";
    }

    $self->{hooks} = $ok ? 1 : 0;

    return $self->{hooks};
}


# Starts nginx (master process, not daemonized, as our child) and waits
# until its port accepts connections.

sub run {
    my ($self) = @_;

    die "nginx already running\n" if $self->{pid};

    $self->config("") unless -f $self->path($self->{conf_file});

    my @cmd = $self->nginx_args();
    my $stderr = $self->path('stderr.log');

    my $pid = fork();
    die "cannot fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open STDOUT, '>>', $stderr or POSIX::_exit(127);
        open STDERR, '>>', $stderr or POSIX::_exit(127);
        $self->nginx_env();
        exec @cmd or POSIX::_exit(127);
    }

    if ($self->{daemon}) {
        return $self->run_daemon($pid);
    }

    $self->{pid} = $pid;

    for (1 .. 100 * slow()) {
        if (waitpid($pid, WNOHANG) == $pid) {
            my $status = $?;
            $self->{pid} = undef;
            die "nginx failed to start (status $status):\n"
                . $self->read_file('stderr.log')
                . $self->error_log();
        }

        # "nginx -t" writes a pid file too, and the port takes
        # connections before the modules' init_module has run: started
        # is when the pid file names this master

        return $self
            if ($self->master_pid() // 0) == $pid && $self->can_connect();

        sleep(0.05);
    }

    $self->stop();
    die "nginx did not start listening on port $self->{port}\n";
}


# A daemon: the process started exits once the master runs, whose pid
# is then in nginx.pid; the master is not our child.

sub run_daemon {
    my ($self, $pid) = @_;

    waitpid($pid, 0);

    if ($? != 0) {
        die "nginx failed to start (status $?):\n"
            . $self->read_file('stderr.log') . $self->error_log();
    }

    wait_until(sub {
        $self->master_pid() && $self->can_connect()
    }, 5) or die "nginx did not start listening on port $self->{port}\n";

    $self->{pid} = $self->master_pid();

    return $self;
}


sub master_pid {
    my ($self) = @_;

    my ($pid) = $self->read_file('nginx.pid') =~ /^(\d+)/;

    return $pid;
}


# whether a process that is not our child still runs (not a zombie)

sub alive {
    my ($pid) = @_;

    return 0 unless kill 0, $pid;

    open my $fh, '<', "/proc/$pid/stat" or return 1;
    my ($state) = <$fh> =~ /\)\s+(\S)/;
    close $fh;

    return ($state // '') ne 'Z';
}


# binary_upgrade(): USR2 to the master, which starts a new master with
# the same binary; waits until the new one's workers have started, and
# returns the old master's pid, from then on the new master is the one
# stop() stops.  The old master keeps running until it is sent QUIT
# (quit_master()).

sub binary_upgrade {
    my ($self) = @_;

    die "binary_upgrade() needs daemon => 1\n" unless $self->{daemon};

    my $old = $self->{pid};
    my $before = () = $self->error_log() =~ /start worker process/g;

    kill 'USR2', $old or die "cannot signal nginx: $!\n";

    wait_until(sub {
        my $new = $self->master_pid();
        my $now = () = $self->error_log() =~ /start worker process/g;

        $new && $new != $old && $now >= $before + $self->{workers};
    }) or die "no new master after USR2\n";

    $self->{pid} = $self->master_pid();

    return $old;
}


# quit_master($pid): QUIT to a master that is not the current one, and
# waits until it has exited

sub quit_master {
    my ($self, $pid) = @_;

    kill 'QUIT', $pid;

    wait_until(sub { !alive($pid) })
        or push @{ $self->{problems} }, "nginx master $pid did not exit";

    return $self;
}


sub can_connect {
    my ($self) = @_;

    my $s = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $self->{port},
        Proto => 'tcp',
    );

    return 0 unless $s;

    close $s;
    return 1;
}


# Stops nginx gracefully (QUIT), then TERM, then KILL, and reaps it.

sub stop {
    my ($self) = @_;

    my $pid = $self->{pid};
    return $self unless $pid;

    if ($self->{daemon}) {
        for my $sig (qw(QUIT TERM KILL)) {
            kill $sig, $pid;
            last if wait_until(sub { !alive($pid) }, 5);
            push @{ $self->{problems} }, "nginx did not exit on SIG$sig";
        }

        $self->{pid} = undef;
        return $self;
    }

    for my $sig (qw(QUIT TERM KILL)) {
        kill $sig, $pid;

        for (1 .. 100 * slow()) {
            if (waitpid($pid, WNOHANG) == $pid) {

                # a master killed by a signal leaves no line of its own

                if ($? & 127) {
                    push @{ $self->{problems} },
                        'nginx master exited on signal ' . ($? & 127);

                } elsif ($ENV{TEST_NGINX_VALGRIND}
                         && $? >> 8 == $VALGRIND_ERROR)
                {
                    push @{ $self->{problems} },
                        'valgrind found errors in the nginx master';
                }

                $self->{pid} = undef;
                return $self;
            }

            sleep(0.05);
        }

        push @{ $self->{problems} }, "nginx did not exit on SIG$sig";
    }

    $self->{pid} = undef;
    return $self;
}


# nginx -s reload: waits until the old workers have exited, so that the
# next request meets the new configuration.

sub reload {
    my ($self) = @_;

    my $before = () = $self->error_log() =~ /exited with code/g;

    kill 'HUP', $self->{pid} or die "cannot signal nginx: $!\n";

    for (1 .. 200 * slow()) {
        my $after = () = $self->error_log() =~ /exited with code/g;
        return $self if $after >= $before + $self->{workers};
        sleep(0.05);
    }

    die "nginx did not finish reloading\n";
}


# Restart with the configuration files as they are now.

sub restart {
    my ($self) = @_;
    return $self->stop()->run();
}


sub error_log {
    my ($self) = @_;
    return $self->read_file('error.log');
}


# The pids of the master's worker processes now.

sub worker_pids {
    my ($self) = @_;

    my ($master) = $self->read_file('nginx.pid') =~ /(\d+)/;
    my @pids;

    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $fh, '<', $stat or next;
        my $line = <$fh> // '';
        push @pids, $1 if $line =~ /^(\d+) \(.*\) \S+ (\d+) / && $2 == $master;
    }

    return @pids;
}


# The pid of the worker process started last.

sub worker_pid {
    my ($self) = @_;

    my @pids = $self->error_log() =~ /start worker process (\d+)/g;

    return $pids[-1];
}


# What the test build's variables say of each finished request, from
# hooks.log, which a configuration writes by putting %%TEST_HOOKS_LOG%%
# in its http block: renders($path) is how many renders of a file whose
# name ends in $path were run, lookups($path) the zone lookups of each
# request for it.

sub hooks {
    my ($self, $path) = @_;

    my $log = -e $self->path('hooks.log') ? $self->read_file('hooks.log') : '';

    return map { /^(\d+) (\d+) "[^"]*\Q$path\E"$/ ? [ $1, $2 ] : () }
        split /\n/, $log;
}

sub renders {
    my ($self, $path) = @_;

    my $n = 0;
    $n += $_->[0] for $self->hooks($path);

    return $n;
}

sub lookups {
    my ($self, $path) = @_;

    return map { $_->[1] } $self->hooks($path);
}


# Sends a raw request and returns the raw response, read until EOF.

sub http {
    my ($self, $request) = @_;

    my $reply = '';

    $self->verbose(">>> $request");

    eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        local $SIG{PIPE} = 'IGNORE';
        alarm(10 * slow());

        my $s = IO::Socket::INET->new(
            PeerAddr => '127.0.0.1',
            PeerPort => $self->port(),
            Proto => 'tcp',
        ) or die "cannot connect: $@\n";

        binmode $s;
        $s->autoflush(1);
        print $s $request;

        while (1) {
            my $n = sysread($s, my $buf, 65536);
            die "read: $!\n" unless defined $n;
            last if $n == 0;
            $reply .= $buf;
        }

        close $s;
        alarm(0);
    };

    alarm(0);

    if ($@) {
        Test::More::diag("request failed: $@");
        return undef;
    }

    $self->verbose("<<< $reply");

    return $reply;
}


# start_get($uri): sends a GET and returns the socket at once, so that
# several requests can be in flight; finish_get($socket) reads the answer
# (parsed as by request()).  ready($socket) says whether the answer has
# begun to arrive.

sub start_get {
    my ($self, $uri) = @_;

    my $s = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $self->port(),
        Proto => 'tcp',
    ) or die "cannot connect: $@\n";

    binmode $s;
    $s->autoflush(1);
    print $s "GET $uri HTTP/1.0\r\nHost: localhost\r\n\r\n";

    return $s;
}


sub ready {
    my ($self, $s) = @_;

    my $bits = '';
    vec($bits, fileno($s), 1) = 1;

    return select($bits, undef, undef, 0) > 0;
}


sub finish_get {
    my ($self, $s) = @_;

    my $reply = '';

    eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm(20 * slow());

        while (1) {
            my $n = sysread($s, my $buf, 65536);
            die "read: $!\n" unless defined $n;
            last if $n == 0;
            $reply .= $buf;
        }

        alarm(0);
    };

    alarm(0);
    close $s;

    if ($@) {
        Test::More::diag("request failed: $@");
        return parse_response(undef);
    }

    return parse_response($reply);
}


# request($method, $uri, %headers): an HTTP/1.0 request; the special key
# "-body" gives a request body.  Returns a hash: status (0 if the request
# failed), status_line, headers (keys in lower case), body, raw.

sub request {
    my ($self, $method, $uri, %headers) = @_;

    my $body = delete $headers{'-body'};

    $headers{Host} = 'localhost' unless grep { lc eq 'host' } keys %headers;

    if (defined $body) {
        $headers{'Content-Length'} = length $body;
    }

    my $req = "$method $uri HTTP/1.0\r\n";
    $req .= "$_: $headers{$_}\r\n" for sort keys %headers;
    $req .= "\r\n";
    $req .= $body if defined $body;

    return parse_response($self->http($req));
}


sub get {
    my ($self, $uri, %headers) = @_;
    return $self->request('GET', $uri, %headers);
}


sub parse_response {
    my ($raw) = @_;

    # a failed request: every check of status or headers fails

    return { status => 0, headers => {}, body => '', raw => '' }
        unless defined $raw;

    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    $body = '' unless defined $body;

    my ($line, @lines) = split /\r\n/, $head;
    my %r = (raw => $raw, status_line => $line, headers => {});

    ($r{status}) = $line =~ m{^HTTP/\d\.\d (\d{3})};
    $r{status} = 0 unless defined $r{status};

    for (@lines) {
        my ($k, $v) = /^([^:]+):\s*(.*)$/ or next;
        $k = lc $k;
        $r{headers}{$k} = exists $r{headers}{$k}
            ? "$r{headers}{$k}, $v" : $v;
    }

    if (($r{headers}{'transfer-encoding'} || '') =~ /chunked/i) {
        $body = dechunk($body);
    }

    $r{body} = $body;

    return \%r;
}


sub dechunk {
    my ($in) = @_;

    my $out = '';

    while ($in =~ s/^([0-9a-fA-F]+)[^\r\n]*\r\n//) {
        my $n = hex $1;
        last if $n == 0;
        $out .= substr($in, 0, $n, '');
        $in =~ s/^\r\n//;
    }

    return $out;
}


# The article's HTML inside a page of the built-in template.

sub article_html {
    my ($body) = @_;

    return undef unless defined $body;

    my ($html) = $body =~ m{<article>\n(.*)</article>\n}s;

    return $html;
}


# An HTTP date, as in Last-Modified.

sub http_date {
    my ($time) = @_;

    my @d = gmtime($time);
    my @day = qw(Sun Mon Tue Wed Thu Fri Sat);
    my @mon = qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec);

    return sprintf('%s, %02d %s %04d %02d:%02d:%02d GMT',
        $day[$d[6]], $d[3], $mon[$d[4]], $d[5] + 1900, $d[2], $d[1], $d[0]);
}


# The X-Cache header of a response, where the test's configuration has
# "add_header X-Cache $article_render_cache always".

sub cache_status {
    my ($r) = @_;
    return $r->{headers}{'x-cache'} // '(none)';
}


# A body as its Content-Encoding left it (gzip, br, zstd or none), or
# why it could not be decoded.

sub decode_body {
    my ($coding, $body) = @_;

    return $body if !defined $coding || $coding eq '';

    if ($coding eq 'gzip') {
        my $plain;
        IO::Uncompress::Gunzip::gunzip(\$body => \$plain, Transparent => 0)
            or return "gunzip: $IO::Uncompress::Gunzip::GunzipError";
        return $plain;
    }

    my ($fh, $name) = File::Temp::tempfile(UNLINK => 1);
    binmode $fh;
    print $fh $body;
    close $fh;

    my $tool = $coding eq 'br' ? 'brotli -d -c' : 'zstd -d -c -q';
    my $plain = `$tool "$name" 2>&1`;

    return $? == 0 ? $plain : "$tool: failed";
}


# $t->hit_within($n, $uri, %headers): whether one of $n requests in a
# row is a hit.  A listing a second old is made again by the request that
# finds it so (EXPIRED) and sent as it was to the others, so a listing is
# a hit within a few requests whatever the clock says.

sub hit_within {
    my ($self, $n, $uri, %headers) = @_;

    for (1 .. $n) {
        return 1 if cache_status($self->get($uri, %headers)) eq 'HIT';
    }

    return 0;
}


# The end check: stops nginx and reports alerts in the error log.

sub finish {
    my ($self) = @_;

    return if $self->{checked} || $self->{owner} != $$;
    $self->{checked} = 1;

    $self->stop();

    return unless $self->{planned};

    # nginx's stderr holds what came before the error log was opened

    my @bad = grep { /$LOG_BAD/ } split /\n/,
        $self->read_file('stderr.log') . $self->error_log();

    push @bad, @{ $self->{problems} };

    for my $re (@{ $self->{allowed} }) {
        @bad = grep { !/$re/ } @bad;
    }

    # the sanitizers' and valgrind's reports, never allowed

    push @bad, $self->reports();

    Test::More::is(join("\n", @bad), '', 'no alerts in error log'
        . (defined $self->{name} ? " of $self->{name}" : ''));
}


sub DESTROY {
    my ($self) = @_;

    local ($?, $@);
    $self->finish();
}


# An interrupted test (or one whose output pipe was closed) still stops
# its nginx: exit() runs the END block.

$SIG{$_} = sub { $SIG{PIPE} = 'IGNORE'; exit 1 } for qw(INT TERM HUP PIPE);


# Runs before Test::Builder's own END block, which was compiled earlier.

END {
    local $?;

    kill_children();

    for my $t (@ALIVE) {
        $t->finish() if defined $t;
    }
}


1;
