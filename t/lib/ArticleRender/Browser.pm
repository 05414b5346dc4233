package ArticleRender::Browser;

# Headless Chromium for the tests, with Perl core modules only.
#
#     use ArticleRender::Browser;
#
#     my $why = ArticleRender::Browser::skip_reason();
#     plan(skip_all => $why) if $why;
#
#     my $dom = ArticleRender::Browser::dump_dom($url);
#
#     my $b = ArticleRender::Browser->new();      # a DevTools session
#     $b->viewport(375, 800);
#     $b->navigate($url);
#     my $title = $b->evaluate('document.title');
#     my $png = $b->screenshot_page();            # the whole page
#     $b->close();
#
# Chromium always starts with the flags in @FLAGS and a fresh profile
# (--user-data-dir in a temporary directory).  dump_dom() runs it once
# with --dump-dom.  new() starts it with --remote-debugging-pipe: the
# DevTools protocol then runs over file descriptors 3 (to the browser)
# and 4 (from it), one JSON message each, ended by a NUL byte, so no
# port and no WebSocket are needed.
#
# Every wait has a limit (TIMEOUT seconds, or the one given); reaching it
# dies with what was awaited.  Functions: skip_reason, chromium,
# dump_dom, png_size.  Methods: new, send, wait_event, events, navigate,
# viewport, evaluate, screenshot_page, close.
#
# Environment:
#     CHROMIUM_BIN         the browser (default: chromium in PATH)
#     TEST_NGINX_VERBOSE   print the protocol messages

use strict;
use warnings;

use File::Temp ();
use File::Spec;
use IO::Handle;
use IO::Select;
use JSON::PP ();
use MIME::Base64 ();
use POSIX ();
use Time::HiRes qw(time sleep);

our @FLAGS = qw(--headless --no-sandbox --disable-gpu --no-first-run
    --disable-background-networking --disable-component-update
    --disable-sync);

use constant TIMEOUT => 60;

my $JSON = JSON::PP->new->utf8->canonical;


sub chromium {
    return $ENV{CHROMIUM_BIN} if $ENV{CHROMIUM_BIN};

    for my $dir (File::Spec->path()) {
        for my $name (qw(chromium chromium-browser)) {
            my $bin = "$dir/$name";
            return $bin if -x $bin && !-d $bin;
        }
    }

    return undef;
}


# Why browser tests cannot run here, or undef when they can.

sub skip_reason {
    my $bin = chromium();

    return 'Chromium is not installed (Debian package "chromium"; '
        . '"make test" installs it)' unless defined $bin;

    return "CHROMIUM_BIN $bin is not executable" unless -x $bin;

    return undef;
}


sub profile_dir {
    return File::Temp::tempdir('article-render-chromium-XXXXXXXX',
        TMPDIR => 1, CLEANUP => !$ENV{TEST_NGINX_LEAVE});
}


# The DOM after the page has loaded, as Chromium serializes it.

sub dump_dom {
    my ($url, @extra) = @_;

    my $profile = profile_dir();
    my @cmd = (chromium(), @FLAGS, "--user-data-dir=$profile", @extra,
        '--dump-dom', $url);

    my $pid = open my $fh, '-|';
    die "cannot fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open STDERR, '>', "$profile/stderr.log";
        POSIX::setpgid(0, 0);
        exec @cmd or POSIX::_exit(127);
    }

    my $dom = '';

    eval {
        local $SIG{ALRM} = sub { die "chromium --dump-dom timed out\n" };
        alarm(TIMEOUT);
        local $/;
        $dom = <$fh>;
        alarm(0);
    };

    alarm(0);

    if ($@) {
        kill 'KILL', -$pid;
        close $fh;
        die $@;
    }

    close $fh;

    die "chromium --dump-dom exited with status $?\n" if $?;

    return defined $dom ? $dom : '';
}


# (width, height) from a PNG's IHDR chunk.

sub png_size {
    my ($png) = @_;

    return () unless defined $png && length $png >= 24
        && substr($png, 0, 8) eq "\x89PNG\r\n\x1a\n"
        && substr($png, 12, 4) eq 'IHDR';

    return unpack('NN', substr($png, 16, 8));
}


# A DevTools protocol session with one page.

sub new {
    my ($class) = @_;

    my $profile = profile_dir();

    pipe(my $to_read, my $to_write) or die "pipe: $!\n";
    pipe(my $from_read, my $from_write) or die "pipe: $!\n";

    my $pid = fork();
    die "cannot fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        open STDOUT, '>', "$profile/stdout.log";
        open STDERR, '>', "$profile/stderr.log";

        POSIX::setpgid(0, 0);

        # the browser reads commands from fd 3 and writes to fd 4

        my $in = POSIX::dup(fileno $to_read);
        my $out = POSIX::dup(fileno $from_write);

        POSIX::dup2($in, 3) or POSIX::_exit(126);
        POSIX::dup2($out, 4) or POSIX::_exit(126);

        exec chromium(), @FLAGS, "--user-data-dir=$profile",
            '--remote-debugging-pipe', 'about:blank'
            or POSIX::_exit(127);
    }

    close $to_read;
    close $from_write;

    $to_write->autoflush(1);

    my $self = bless {
        pid => $pid,
        profile => $profile,
        out => $to_write,
        in => $from_read,
        buf => '',
        id => 0,
        events => [],
        session => undef,
    }, $class;

    # attach to the page the browser opened with

    my $targets = $self->send('Target.getTargets');
    my ($page) = grep { $_->{type} eq 'page' }
        @{ $targets->{targetInfos} };

    unless ($page) {
        my $r = $self->send('Target.createTarget', url => 'about:blank');
        $page = { targetId => $r->{targetId} };
    }

    my $r = $self->send('Target.attachToTarget',
        targetId => $page->{targetId}, flatten => JSON::PP::true);

    $self->{session} = $r->{sessionId};

    $self->send('Page.enable');
    $self->send('Runtime.enable');

    return $self;
}


sub verbose {
    my ($self, $msg) = @_;
    print STDERR "# $msg\n" if $ENV{TEST_NGINX_VERBOSE};
}


# Reads one message, waiting at most until the deadline; undef when it
# passed.

sub read_message {
    my ($self, $deadline) = @_;

    my $sel = IO::Select->new($self->{in});

    while (1) {
        my $end = index($self->{buf}, "\0");

        if ($end >= 0) {
            my $text = substr($self->{buf}, 0, $end + 1, '');
            chop $text;
            $self->verbose('<<< ' . substr($text, 0, 300));
            return $JSON->decode($text);
        }

        my $left = $deadline - time();
        return undef if $left <= 0;

        next unless $sel->can_read($left);

        my $n = sysread($self->{in}, my $chunk, 1 << 20);
        die "chromium closed the DevTools pipe\n" unless $n;

        $self->{buf} .= $chunk;
    }
}


# Sends a command to the page (to the browser before the page is
# attached) and returns its result; dies on a protocol error.  The
# parameter -timeout => SECONDS shortens the wait for the answer.

sub send {
    my ($self, $method, %params) = @_;

    my $timeout = delete $params{-timeout} || TIMEOUT;
    my $id = ++$self->{id};

    my $msg = { id => $id, method => $method, params => \%params };
    $msg->{sessionId} = $self->{session} if defined $self->{session};

    my $text = $JSON->encode($msg);
    $self->verbose('>>> ' . substr($text, 0, 300));

    print { $self->{out} } $text, "\0"
        or die "cannot write to chromium: $!\n";

    my $deadline = time() + $timeout;

    while (1) {
        my $m = $self->read_message($deadline)
            or die "no answer to $method within $timeout s\n";

        if (defined $m->{id} && $m->{id} == $id) {
            die "$method: $m->{error}{message}\n" if $m->{error};
            return $m->{result} || {};
        }

        push @{ $self->{events} }, $m if defined $m->{method};
    }
}


# Waits for an event of that name (one already received counts) and
# returns its parameters.

sub wait_event {
    my ($self, $name, $timeout) = @_;

    $timeout ||= TIMEOUT;
    my $deadline = time() + $timeout;

    while (1) {
        my $events = $self->{events};

        for my $i (0 .. $#$events) {
            next unless $events->[$i]{method} eq $name;
            my ($e) = splice(@$events, $i, 1);
            return $e->{params};
        }

        my $m = $self->read_message($deadline)
            or die "no $name event within $timeout s\n";

        push @$events, $m if defined $m->{method};
    }
}


# The events received so far, as [method, params] pairs; forgets them.

sub events {
    my ($self) = @_;

    my @e = map { [ $_->{method}, $_->{params} ] } @{ $self->{events} };
    $self->{events} = [];

    return @e;
}


# Emulates a device of that width and height in CSS pixels, at a device
# scale factor of 1, so that a screenshot has as many pixels.

sub viewport {
    my ($self, $width, $height) = @_;

    $self->send('Emulation.setDeviceMetricsOverride',
        width => $width, height => $height, deviceScaleFactor => 1,
        mobile => JSON::PP::true);

    return $self;
}


# Loads the URL and waits for its load event.

sub navigate {
    my ($self, $url) = @_;

    @{ $self->{events} } = grep { $_->{method} ne 'Page.loadEventFired' }
        @{ $self->{events} };

    my $r = $self->send('Page.navigate', url => $url);
    die "navigation to $url failed: $r->{errorText}\n" if $r->{errorText};

    $self->wait_event('Page.loadEventFired');

    return $self;
}


# The value of a JavaScript expression in the page.

sub evaluate {
    my ($self, $expr) = @_;

    my $r = $self->send('Runtime.evaluate', expression => $expr,
        returnByValue => JSON::PP::true);

    die "evaluating $expr: "
        . ($r->{exceptionDetails}{exception}{description}
           || $r->{exceptionDetails}{text}) . "\n"
        if $r->{exceptionDetails};

    return $r->{result}{value};
}


# A PNG of the whole page, not only the viewport: content that overflows
# the viewport sideways makes the image wider than the viewport.

sub screenshot_page {
    my ($self) = @_;

    my $m = $self->send('Page.getLayoutMetrics');
    my $size = $m->{cssContentSize} || $m->{contentSize};

    my $r = $self->send('Page.captureScreenshot',
        format => 'png',
        captureBeyondViewport => JSON::PP::true,
        clip => {
            x => 0, y => 0, scale => 1,
            width => $size->{width}, height => $size->{height},
        });

    return MIME::Base64::decode_base64($r->{data});
}


sub close {
    my ($self) = @_;

    my $pid = $self->{pid} or return;
    $self->{pid} = undef;

    eval {
        $self->{session} = undef;
        $self->send('Browser.close', -timeout => 10);
    };

    my $exited = 0;

    for (1 .. 100) {
        $exited = waitpid($pid, POSIX::WNOHANG()) == $pid and last;
        sleep(0.05);
    }

    # the browser and its helpers are in the process group it leads

    kill 'KILL', -$pid if !$exited || kill(0, -$pid);
    waitpid($pid, 0) unless $exited;
}


sub DESTROY {
    my ($self) = @_;

    local ($?, $@);
    $self->close();
}


1;
