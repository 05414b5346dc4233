#!/usr/bin/perl

# Stress with live edits and reloads: for STRESS_SECONDS (default 20),
# clients request about 200 articles from several workers sharing a
# small render cache (pages are evicted all the time), while a writer
# rewrites the articles every way editors and deploy tools do and the
# configuration is reloaded every few seconds, alternating the zone's
# size (a new zone) and the template.
#
# Every line of every version of an article carries a marker naming the
# article, the version, the version's line count and the line, so a page
# that is not the rendering of one whole version is seen.  The test
# passes only with no torn page, no unexpected status (anything but
# 200, 304 and the 404s of an article being deleted and re-created), no
# connection error, no "[alert]" or "exited on signal" line, every
# reload taken, two pages with one ETag always the same, and the writer
# and every client exiting 0.
#
# One request in ten is for the site's index page or its feed (the
# articles listed while they change): 200 or 304, a complete page or
# feed, and one ETag always one body, as for articles.
#
# Renders run in a thread pool of 4 threads of the test's own (nginx -t
# refuses an unknown pool, so the configuration proves it).  The articles
# whose number ends in 7 take at least 5 ms to render
# (article_render_test_delay, test builds only; without it they render
# as fast as the others), and one request in four goes to them, so that
# several misses for one of them meet: they wait on the first one's
# mark, and the report counts the slow renders and the waits seen.
#
#     make stress STRESS_SECONDS=300      a longer run
#
# Chaos (STRESS_CHAOS=1, "make chaos CHAOS_SECONDS=N"): the same, and
# a worker killed (-9) every STRESS_KILL seconds (2), a binary upgrade
# half way, the zone's page file directory read-only 1.5 s in every 5
# (workers as nobody), large articles whose pages go to files; the zone
# keeps its size over reloads.  A connection cut by a kill is not an
# error; the report adds the pages stale once the writer stopped, the
# zone keeping pages after it all, and the page files left once nginx
# stopped (none: every file is a node's, and goes with the zone).
#
# Environment: STRESS_SECONDS, STRESS_CLIENTS (4), STRESS_WORKERS (4),
# STRESS_ARTICLES (200), STRESS_RELOAD (seconds between reloads, 3),
# STRESS_CHAOS, STRESS_KILL.  Loopback only; it stops by itself.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::Bin/lib";

use Test::More;
use IO::Socket::INET;
use IO::Select;
use POSIX qw(:sys_wait_h);
use Fcntl qw(O_WRONLY O_CREAT O_EXCL O_TRUNC);
use Time::HiRes qw(time sleep);
use Digest::MD5 qw(md5_hex);
use ArticleRender::Test qw(article_html cache_status fork_child);

my $SECONDS = $ENV{STRESS_SECONDS} || 20;
my $CLIENTS = $ENV{STRESS_CLIENTS} || 4;
my $WORKERS = $ENV{STRESS_WORKERS} || 4;
my $ARTICLES = $ENV{STRESS_ARTICLES} || 200;
my $RELOAD = $ENV{STRESS_RELOAD} || 3;
my $CHAOS = $ENV{STRESS_CHAOS};
my $KILL = $ENV{STRESS_KILL} || 2;

# chaos: the large articles, whose pages go to files
my $BIGS = $CHAOS ? 8 : 0;

my $SLOW = ArticleRender::Test::slow();

# articles whose number is a multiple of this are also deleted and
# re-created: only they may give 404

my $DELETABLE = 4;

my $PAGE = POSIX::sysconf(POSIX::_SC_PAGESIZE) || 4096;

my $t = ArticleRender::Test->new(workers => $WORKERS,
    $CHAOS ? (daemon => 1, user => 'nobody') : ());

if ($CHAOS) {
    $t->allow_alerts(qr/exited on signal 9/);
    $t->allow_alerts(qr/\[crit\].*failed, article ".*", directory ".*"/);
}

# the articles that render slowly, and the delay

my @SLOW_ARTICLES = grep { $_ % 10 == 7 } 0 .. $ARTICLES - 1;
my $DELAY_MS = 5;
my $delay = $t->has_test_hooks();

# the variants the reloads go through: zone size, template

my @VARIANTS = (
    { zone => '192k', template => '' },
    { zone => '256k', template => '' },
    { zone => '256k',
      template => 'article_render_template %%TESTDIR%%/page.html;' },
);

# chaos: a zone that keeps its size, and its page files, over reloads
shift @VARIANTS if $CHAOS;

$t->write_file('page.html', "<!doctype html>\n<title>{{title}}</title>\n"
    . "<!--content-->\n{{content}}<!--/content-->\n");

sub config {
    my ($v) = @_;

    my $conf = <<'EOF';
thread_pool stress threads=4;

http {
    %%TEST_GLOBALS_HTTP%%

    log_format stress '$status $article_render_cache $uri $request_time';
    access_log %%TESTDIR%%/stress.log stress buffer=64k;

    article_render_cache_zone stress:ZONE PATH;

    server {
        listen 127.0.0.1:%%PORT%% backlog=1024;
        root %%TESTDIR%%/site;

        keepalive_requests 1000;

        add_header X-Cache $article_render_cache always;

        article_render on;
        article_render_cache stress;
        article_render_thread_pool stress;
        article_render_index on;
        article_render_feed feed.atom;
        article_render_timeout BUDGET;
        TEMPLATE

        location ~ 7\.md$ {
            DELAY
        }
    }
}
EOF

    # the default time budget, as many times longer as nginx runs slower

    $conf =~ s/BUDGET/@{[ 5 * $SLOW ]}s/;
    $conf =~ s/ZONE/$v->{zone}/;
    $conf =~ s/PATH/$CHAOS ? 'max_entry=120k path=%%TESTDIR%%\/pages'
                           : 'max_entry=6k'/e;
    $conf =~ s/TEMPLATE/$v->{template}/;
    $conf =~ s/DELAY/$delay ? "article_render_test_delay ${DELAY_MS}ms;" : ''/e;

    $t->config($conf);
}


# A version of an article: a heading, list items, a quote and paragraph
# lines, each with the marker; at most $max bytes, and of a size other
# than the previous version's, so that no two versions in a row share a
# size.

my %size;

sub version_text {
    my ($i, $v, $max) = @_;

    my $n = 5 + int rand 110;
    my $step = 1;

    while (1) {
        my $text = '';

        for my $l (0 .. $n - 1) {
            my $m = "MARK-a$i-v$v-n$n-l$l-K";

            $text .= $l == 0 ? "# Article $i $m\n\n"
                : $l % 7 == 1 ? "> quoted $m, *with* emphasis\n\n"
                : $l % 3 == 0 ? "- item $m and `code`\n"
                : "line of text $m with some words to fill it\n";
        }

        if ($max && length $text > $max) {
            $n = int($n * 0.9) || 1;
            $step = -1;
            next;
        }

        return $text unless defined $size{$i} && $size{$i} == length $text;

        $n += $step;
    }
}


sub put {
    my ($file, $text, $flags) = @_;

    sysopen my $fh, $file, $flags or die "cannot open $file: $!\n";
    my $n = syswrite $fh, $text;
    die "cannot write $file: $!\n" unless defined $n && $n == length $text;
    close $fh;
}


sub path_of {
    my ($i) = @_;
    return $t->path("site/a$i.md");
}


for my $i (0 .. $ARTICLES - 1) {
    my $text = version_text($i, 0);
    $t->write_file("site/a$i.md", $text);
    $size{$i} = length $text;
}

# chaos: about 40 KB of Markdown each, a page of 32 KB or more

for my $k (0 .. $BIGS - 1) {
    $t->write_file("site/big$k.md", "# Big $k\n\n"
        . join('', map { "Paragraph $_ of big $k, *with* some text.\n\n" }
            1 .. 900)
        . "BIG-$k-END\n");
}

config($VARIANTS[0]);

$t->plan(10 + ($CHAOS ? 3 : 0))->run();

my $start = time;
my $deadline = $start + $SECONDS;

my $results = $t->path('results');
my $torn = $t->path('torn');

for my $dir ($results, $torn) {
    mkdir $dir or die "cannot create $dir: $!\n";
}

my @pids;

push @pids, spawn(\&writer);
for my $n (1 .. $CLIENTS) {
    push @pids, spawn(sub { client($n, $n % 2 == 0) });
}

# the reloader is this process; in chaos, the killer too

my ($reloads, $variant) = (0, 0);
my ($kills, $upgrades, $faults) = (0, 0, 0);

while (time + $RELOAD < $deadline) {
    if ($CHAOS) {
        chaos($start + ($reloads + 1) * $RELOAD);
    } else {
        sleep($RELOAD);
    }

    $variant = ($variant + 1) % @VARIANTS;
    config($VARIANTS[$variant]);

    my @cmd = ($t->nginx_args(), '-s', 'reload');
    my $pid = fork_child(sub {
        open STDOUT, '>', '/dev/null';
        open STDERR, '>>', $t->path('stderr.log');
        $t->nginx_env();
        exec @cmd or POSIX::_exit(127);
    });

    waitpid($pid, 0);
    $reloads++ if $? == 0;
}

# a writer or client that died left its report out of the sums

my @failed;

for my $pid (@pids) {
    waitpid($pid, 0);
    push @failed, "$pid: status $?" if $?;
}

# wait until the reloads are taken and the old workers gone

my $log = '';

for (1 .. 200 * $SLOW) {
    $log = $t->error_log();
    my $taken = () = $log =~ /signal 1 \(SIGHUP\) received/g;
    last if $taken >= $reloads;
    sleep(0.05);
}

my %sum;

for my $file (glob "$results/*") {
    open my $fh, '<', $file or die "cannot read $file: $!\n";

    while (<$fh>) {
        my ($k, $v) = split;
        $sum{$k} += $v;
    }

    close $fh;
}

$sum{$_} //= 0 for qw(responses ok not_modified expected_404 empty torn
    unexpected conn_errors retries etag_conflicts versions);

my $alerts = () = grep { !$CHAOS || !/exited on signal 9/ }
    $log =~ /^.*(?:\[alert\]|exited on signal).*$/mg;
my $unstable = () = $log =~ /kept changing while read/g;
my $taken = () = $log =~ /signal 1 \(SIGHUP\) received/g;
my $elapsed = time - $start;

my (%cache, $slow_renders, $waits);

for my $line (split /\n/, $t->read_file('stress.log')) {
    my ($status, $cache, $uri, $time) = split ' ', $line;

    next unless defined $time;

    $cache{$cache}++;

    next unless $uri =~ /7\.md$/;

    # a render of a slow article, or an answer from another's render
    # after a wait (a hit from the zone takes well under the delay)

    $slow_renders++ if $cache =~ /^(?:MISS|EXPIRED|BYPASS)$/;
    $waits++ if $cache eq 'HIT' && $time >= $DELAY_MS / 1000;
}

diag(sprintf 'stress: %.0f s, %d workers, %d clients, %d articles,'
    . ' %d responses (%.0f/s)',
    $elapsed, $WORKERS, $CLIENTS, $ARTICLES, $sum{responses},
    $sum{responses} / $elapsed);
diag("stress: 200: $sum{ok} (empty articles $sum{empty}),"
    . " 304: $sum{not_modified}, expected 404: $sum{expected_404},"
    . " keepalive retries: $sum{retries}");
diag('stress: cache ' . join(', ', map { "$_ $cache{$_}" } sort keys %cache));
diag("stress: renders in thread pool \"stress\" (4 threads); "
    . ($delay ? "renders of ${DELAY_MS} ms or more: " . ($slow_renders // 0)
        . ", hits that waited for another's render: " . ($waits // 0)
      : 'no article_render_test_delay: no slow renders'));
diag("stress: writer: $sum{versions} versions (" . join(', ',
    map { "$_ " . ($sum{"op_$_"} // 0) } qw(inplace rename truncate
    recreate)) . "), reloads: $reloads sent, $taken taken");
diag("stress: unexpected statuses $sum{unexpected}, connection errors"
    . " $sum{conn_errors}, torn pages $sum{torn}, ETag conflicts"
    . " $sum{etag_conflicts}, alert lines $alerts");
diag("stress: pages served without validators as the file kept changing:"
    . " $unstable");

for my $k (sort grep { /^(?:status|err)_/ } keys %sum) {
    diag("stress: $k $sum{$k}");
}

for my $file (glob "$torn/*.txt") {
    open my $fh, '<', $file or next;
    diag("stress: torn page " . <$fh> . "    in " . ($file =~ s/txt$/html/r));
    close $fh;
}

# connections cut by a kill, or by a worker that left after an upgrade

my $cut = $CHAOS ? ($sum{err_closed_mid_answer} // 0)
    + ($sum{err_closed_before_the_answer} // 0) : 0;

chaos_report() if $CHAOS;

is(join(', ', @failed), '', 'the writer and every client exited 0');
ok($sum{responses} > 0, 'the clients got responses');
ok($sum{versions} > 0, 'the writer wrote new versions');
is($sum{torn}, 0, 'every page is the rendering of one whole version');
is($sum{unexpected}, 0,
    'no status but 200, 304 and the 404s of deleted articles');
is($sum{conn_errors} - $cut, 0, 'no connection error, no request lost'
    . ($CHAOS ? " but $cut cut by kills" : ''));
is($sum{etag_conflicts}, 0, 'pages with one ETag are the same page');
is($alerts, 0, 'no [alert] and no "exited on signal" line');
ok($reloads > 0 || $SECONDS < 2 * $RELOAD, 'reloads were sent');
is($taken, $reloads, 'every reload sent was taken');


# Chaos until $until: a worker killed every $KILL seconds, the page file
# directory read-only 1.5 s in every 5, a binary upgrade half way.

my ($next_kill, $next_fault, $ro_until);

sub chaos {
    my ($until) = @_;

    $next_kill //= $start + $KILL;
    $next_fault //= $start + 2;

    while ((my $now = time) < $until) {
        if ($now >= $next_kill) {
            my @w = $t->worker_pids();

            if (@w) {
                kill 'KILL', $w[rand @w];
                $kills++;
            }

            $next_kill = $now + $KILL;
        }

        if ($ro_until && $now >= $ro_until) {
            chmod 0755, $t->path('pages');
            $ro_until = undef;

        } elsif (!$ro_until && $now >= $next_fault) {
            chmod 0555, $t->path('pages');
            $faults++;
            $ro_until = $now + 1.5;
            $next_fault = $now + 5;
        }

        if (!$upgrades && $now >= $start + $SECONDS / 2) {
            $t->quit_master($t->binary_upgrade());
            $upgrades++;
        }

        sleep(0.1);
    }
}


# After the chaos, with the writer stopped: no page stale, the zone still
# keeps pages, and once nginx stopped, no page file is left.

sub chaos_report {
    chmod 0755, $t->path('pages');

    my ($stale, $kept) = (0, 0);

    for my $i (0 .. $ARTICLES - 1) {
        my $r = $t->get("/a$i.md");
        my ($v) = $r->{body} =~ /MARK-a\d+-v(\d+)-/;

        $stale++ unless $r->{status} == 200 && defined $v
            && $v == ($sum{"final_$i"} // 0);
    }

    for my $k (0 .. $BIGS - 1) {
        $t->get("/big$k.md");
        $kept++ if cache_status($t->get("/big$k.md")) eq 'HIT';
    }

    $t->stop();

    opendir my $d, $t->path('pages') or die "no page file directory\n";
    my $left = grep { /^\d{10}$/ } readdir $d;
    closedir $d;

    diag("chaos: $kills workers killed, $upgrades binary upgrade,"
        . " $faults read-only spells of the page file directory;"
        . " stale pages $stale, large pages kept after it $kept of $BIGS,"
        . " page files left after the stop $left");

    is($stale, 0, 'chaos: no page stale once the writer stopped');
    is($kept, $BIGS, 'chaos: the zone keeps pages after it all');
    is($left, 0, 'chaos: no page file left once nginx stopped');
}


sub spawn {
    my ($code) = @_;

    return fork_child(sub {
        srand($$ ^ int(time * 1000));
        $code->($$);
    });
}


sub report {
    my ($name, $st) = @_;

    open my $fh, '>', "$results/$name" or die "cannot write: $!\n";
    print $fh "$_ $st->{$_}\n" for sort keys %$st;
    close $fh;
}


# The writer: one new version after another, of a random article, in
# one of four ways.  An article is rewritten at most every 50 ms, so two
# versions never share a modification time.

sub writer {
    my (%ver, %last, %st);

    while (time < $deadline) {
        my $i = rand() < 0.25 && @SLOW_ARTICLES
            ? $SLOW_ARTICLES[rand @SLOW_ARTICLES] : int rand $ARTICLES;

        next if time - ($last{$i} // 0) < 0.05;

        my $op = (qw(inplace rename truncate recreate))[int rand 4];
        $op = 'rename' if $op eq 'recreate' && $i % $DELETABLE;

        # Linux copies a write into the page cache a page at a time and
        # a reader may see the file between two pages, whoever reads it:
        # only a rename changes more than a page at once

        my $v = ++$ver{$i};
        my $text = version_text($i, $v, $op eq 'rename' ? 0 : $PAGE);
        my $file = path_of($i);

        if ($op eq 'inplace') {

            # as "cat > file": truncate and write in one go
            put($file, $text, O_WRONLY|O_TRUNC);

        } elsif ($op eq 'rename') {

            # an editor's atomic save
            my $tmp = $t->path("site/.a$i.md.tmp");
            put($tmp, $text, O_WRONLY|O_CREAT|O_TRUNC);
            rename $tmp, $file or die "cannot rename $tmp: $!\n";

        } elsif ($op eq 'truncate') {

            # empty for a moment, then the new version
            truncate $file, 0 or die "cannot truncate $file: $!\n";
            sleep(0.002);
            put($file, $text, O_WRONLY);

        } else {

            # gone for a moment, then created anew
            unlink $file or die "cannot unlink $file: $!\n";
            sleep(0.002);
            put($file, $text, O_WRONLY|O_CREAT|O_EXCL);
        }

        $size{$i} = length $text;
        $last{$i} = time;
        $st{"final_$i"} = $v;
        $st{versions}++;
        $st{"op_$op"}++;

        sleep(0.003);
    }

    report("writer", \%st);
}


# A client: requests random articles, some with If-None-Match; even
# clients keep connections alive, odd ones close them.  A reused
# connection that the server closed before any byte of the answer
# (a worker leaving after a reload) is retried once on a new one, as
# HTTP clients do; any other failure is a connection error.

sub client {
    my ($n, $keepalive) = @_;

    my (%st, %etag, %seen, $sock);

    while (time < $deadline) {
        my $i = int rand $ARTICLES;
        my $uri = "/a$i.md";

        if (rand() < 0.1) {
            ($i, $uri) = rand() < 0.5 ? ('index', '/') : ('feed', '/feed.atom');

        } elsif ($BIGS && rand() < 0.1) {
            $i = 'big' . int rand $BIGS;
            $uri = "/$i.md";
        }

        my $req = "GET $uri HTTP/1.1\r\nHost: stress\r\n";
        $req .= "If-None-Match: $etag{$i}\r\n" if $etag{$i} && rand() < 0.2;
        $req .= "Connection: close\r\n" unless $keepalive;
        $req .= "\r\n";

        my ($r, $err);

        for my $try (1, 2) {
            my $reused = defined $sock;

            $sock //= IO::Socket::INET->new(
                PeerAddr => '127.0.0.1',
                PeerPort => $t->port(),
                Proto => 'tcp',
            );

            unless ($sock) {
                $err = 'connect';
                last;
            }

            ($r, $err) = exchange($sock, $req);

            if ($err) {
                close $sock;
                undef $sock;

                if ($reused && $err eq 'closed before the answer'
                    && $try == 1)
                {
                    $st{retries}++;
                    next;
                }

                last;
            }

            if (!$keepalive || $r->{close}) {
                close $sock;
                undef $sock;
            }

            last;
        }

        if ($err) {
            $st{conn_errors}++;
            (my $k = "err_$err") =~ s/\W+/_/g;
            $st{$k}++;
            next;
        }

        $st{responses}++;

        my $s = $r->{status};

        if ($s == 304) {
            $st{not_modified}++;

        } elsif ($i !~ /^\d+$/ && $s != 200) {
            $st{unexpected}++;
            $st{"status_$s"}++;

        } elsif ($s == 404 && $i % $DELETABLE == 0) {
            $st{expected_404}++;

        } elsif ($s != 200) {
            $st{unexpected}++;
            $st{"status_$s"}++;

        } else {
            $st{ok}++;

            if ($i =~ /^\d+$/) {
                check_page($i, $r, \%st);

            } elsif ($i =~ /^big(\d+)$/) {
                torn($i, $r, \%st, "an incomplete $i")
                    unless $r->{body} =~ /BIG-$1-END/
                        && $r->{body} =~ m{(?:</html>|<!--/content-->)\s*\z};

            } elsif ($r->{body}
                     !~ m{(?:</html>|<!--/content-->|</feed>)\s*\z})
            {
                torn($i, $r, \%st, "an incomplete $i");
            }

            if (defined $r->{etag}) {
                my $sum = md5_hex($r->{body});

                $st{etag_conflicts}++
                    if exists $seen{$r->{etag}} && $seen{$r->{etag}} ne $sum;

                $seen{$r->{etag}} = $sum;
                $etag{$i} = $r->{etag};
            }
        }
    }

    report("client$n", \%st);
}


# the article's part of the page: with our template or the built-in one

sub check_page {
    my ($i, $r, $st) = @_;

    my $why = page_fault($i, $r);

    if (defined $why) {
        $why eq 'empty' ? $st->{empty}++ : torn($i, $r, $st, $why);
    }
}


# The first few torn pages are kept in the test directory, and named in
# the report, for a look with TEST_NGINX_LEAVE=1.

sub torn {
    my ($i, $r, $st, $why) = @_;

    my $n = ++$st->{torn};
    return if $n > 3;

    open my $fh, '>', "$torn/$$-$n.html" or return;
    print $fh $r->{body};
    close $fh;

    open $fh, '>', "$torn/$$-$n.txt" or return;
    print $fh "/a$i.md: $why, "
        . (defined $r->{etag} ? "ETag $r->{etag}" : 'no ETag') . "\n";
    close $fh;
}


# What is wrong with the page, "empty" for the empty article, or undef

sub page_fault {
    my ($i, $r) = @_;

    my $html = $r->{body} =~ m{<!--content-->\n(.*)<!--/content-->}s ? $1
        : article_html($r->{body});

    return 'not a whole page' unless defined $html;

    my @m = $html =~ /MARK-a(\d+)-v(\d+)-n(\d+)-l(\d+)-K/g;

    # an empty file: the article between truncation and rewrite

    if (!@m) {
        return $html eq '' ? 'empty' : 'no marker';
    }

    my ($a, $v, $n) = @m[0 .. 2];
    my %lines;

    while (my ($ma, $mv, $mn, $ml) = splice @m, 0, 4) {
        return "a$ma-v$mv-n$mn-l$ml in a page of a$a-v$v-n$n"
            if $ma != $i || $mv != $v || $mn != $n;
        return "line $ml twice" if $lines{$ml}++;
    }

    my $got = keys %lines;

    return "$got of the $n lines of v$v"
        if $got != $n || grep { $_ >= $n } keys %lines;

    return undef;
}


# One request and its answer; returns the response, or an error.

sub exchange {
    my ($sock, $req) = @_;

    my $sel = IO::Select->new($sock);
    my $timeout = 10 * $SLOW;

    local $SIG{PIPE} = 'IGNORE';

    my $w = syswrite $sock, $req;
    return (undef, 'closed before the answer')
        unless defined $w && $w == length $req;

    my $buf = '';
    my ($head, $len, %r);

    while (1) {
        return (undef, 'timeout') unless $sel->can_read($timeout);

        my $n = sysread $sock, $buf, 65536, length $buf;

        if (!$n) {
            return (undef, 'closed before the answer') if $buf eq '';
            return (undef, 'closed mid-answer');
        }

        if (!defined $head) {
            my $end = index $buf, "\r\n\r\n";
            next if $end < 0;

            $head = substr $buf, 0, $end + 4, '';

            ($r{status}) = $head =~ m{^HTTP/1\.[01] (\d{3})}
                or return (undef, 'bad status line');
            ($len) = $head =~ /^Content-Length: *(\d+)/mi;
            ($r{etag}) = $head =~ /^ETag: *(\S+)/mi;
            $r{close} = $head =~ /^Connection: *close/mi;

            $len = 0 if $r{status} == 304;
            return (undef, 'no Content-Length') unless defined $len;
        }

        if (length $buf >= $len) {
            return (undef, 'more than Content-Length') if length $buf > $len;

            $r{body} = $buf;
            return (\%r, undef);
        }
    }
}
