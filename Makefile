# Build, test and demo for ngx_http_article_render_module.
#
#   make            build build/ngx_http_article_render_module.so
#   make deps       install the Debian packages the build needs
#   make test       the test tools too, build, lint, unit tests and t/
#                   through prove (make check: the same, nothing installed)
#   make demo       deps, build, serve conf.example/articles on :8080
#                   (make serve: nothing installed)
#   make bench      deps, wrk, build, wrk against the module and static
#                   files (make bench-run: nothing installed)
#   make bench-peer PEER_SRC=path  the module with the cache off against
#                   a peer module that renders on every request (its
#                   source or git directory; PEER_REPO names its origin);
#                   make bench runs it too when PEER_SRC is given
#   make bench-render  the core's cold render against cmark-gfm alone
#   make bench-browser  the browser's part of make bench alone: the
#                   module's precompressed pages against gzip_static
#   make bench-compress  size and CPU time of every compression level on
#                   the bench articles, beside the render's
#   make bench-corpus  the share of real documents' code blocks the
#                   module highlights (CORPUS, LINGUIST: see below)
#   make bench-math the formulas of real documents (MATH_CORPUS, each
#                   GITDIR:PATH) counted, rendered and in error
#   make fuzz       libFuzzer over the core for FUZZ_SECONDS (default 60)
#   make fuzz-seeds collect the t/ suite's articles into fuzz/seeds/
#   make test-asan  t/ with the module built with ASan and UBSan
#   make test-valgrind  t/ with nginx under valgrind memcheck
#   make stress     t/stress.t for STRESS_SECONDS (default 20; make test
#                   runs it too): load, live edits and reloads
#   make chaos      t/stress.t for CHAOS_SECONDS (default 60) with worker
#                   kills, a binary upgrade and page file disk faults
#   make install    the module and its load snippet (DESTDIR, PREFIX)
#   make uninstall  removes what make install put
#   make deb        the Debian package libnginx-mod-http-article-render
#   make test-matrix  the README's commands on a new machine (fresh
#                   Debian 12 and 13 chroots) and t/ against upstream
#                   nginx (NGINX_SRC), full and minimal; one line each
#
# The module is built against the packaged nginx (nginx-dev's
# /usr/share/nginx/src), or against a source tree given as
# NGINX_SRC=/path/to/nginx (a release tarball's or a git checkout), with
# the configure flags NGINX_CONFIGURE_FLAGS, by default those "nginx -V"
# of NGINX_BIN reports.  The source is copied into BUILD, so nothing is
# written into NGINX_SRC.

SHELL       := /bin/bash

NGINX_SRC   ?= /usr/share/nginx/src
NGINX_BIN   ?= /usr/sbin/nginx
# passed in the environment: the flags may hold quotes
NGINX_CONFIGURE_FLAGS ?=
export NGINX_CONFIGURE_FLAGS
BUILD       ?= $(CURDIR)/build
DEMO_PORT   ?= 8080

# extra compiler and linker options for nginx's build of the module
NGX_CC_OPT  ?=
NGX_LD_OPT  ?=

MODULE      := ngx_http_article_render_module
SO          := $(BUILD)/$(MODULE).so
NGX_TREE    := $(BUILD)/nginx
CONFIGURED  := $(NGX_TREE)/objs/Makefile
TEST_BUILD  := $(BUILD)/test
TEST_SO     := $(TEST_BUILD)/$(MODULE).so
TEST_TREE   := $(TEST_BUILD)/nginx
TEST_CONFIGURED := $(TEST_TREE)/objs/Makefile

CORE_SRCS   := $(wildcard src/ar_*.c)
CORE_HDRS   := $(wildcard src/ar_*.h src/ar_*.cpp)
GLUE_SRCS   := $(wildcard src/ngx_*.c src/ngx_*.h)

CMARK_LIBS  := $(shell pkg-config --libs libcmark-gfm 2>/dev/null \
                 || echo -lcmark-gfm)
CMARK_LIBS  += $(if $(findstring cmark-gfm-extensions,$(CMARK_LIBS)),,\
                 -lcmark-gfm-extensions)
YAML_LIBS   := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
# the content codings, as config finds them (AR_WITHOUT_BROTLI=1 and
# AR_WITHOUT_ZSTD=1 leave one out, in the module and the unit tests)
BROTLI_LIBS := $(strip $(if $(AR_WITHOUT_BROTLI),,\
                 $(shell pkg-config --libs libbrotlienc 2>/dev/null)))
ZSTD_LIBS   := $(strip $(if $(AR_WITHOUT_ZSTD),,\
                 $(shell pkg-config --libs libzstd 2>/dev/null)))
CODING_CFLAGS := $(if $(BROTLI_LIBS),-DAR_HAVE_BROTLI=1) \
                 $(if $(ZSTD_LIBS),-DAR_HAVE_ZSTD=1)
CODING_LIBS := -lz $(BROTLI_LIBS) $(ZSTD_LIBS)
# the unit tests decompress what the core compresses
UNIT_CODING_LIBS := $(CODING_LIBS) $(if $(BROTLI_LIBS),\
                 $(shell pkg-config --libs libbrotlidec))
GUMBO_LIBS  := $(shell pkg-config --libs gumbo 2>/dev/null || echo -lgumbo)
# what a program of the core alone (the bench tools) links
CORE_LIBS   = $(CMARK_LIBS) $(YAML_LIBS) $(CODING_LIBS) $(GUMBO_LIBS) -lpthread
# GNU source-highlight (C++) for highlighted code, where installed;
# HIGHLIGHT=no builds without it
HIGHLIGHT   ?= $(if $(wildcard /usr/include/srchilite/sourcehighlighter.h),yes,no)
HL_LIBS     := $(strip $(if $(filter yes,$(HIGHLIGHT)),\
                 $(shell pkg-config --libs source-highlight 2>/dev/null \
                   || echo -lsource-highlight -lboost_regex) -lstdc++))
HL_CFLAGS   := $(if $(filter yes,$(HIGHLIGHT)),-DAR_HAVE_HIGHLIGHT=1)
HL_OBJ      := $(if $(filter yes,$(HIGHLIGHT)),$(BUILD)/ar_highlight.o)
UNIT_CFLAGS ?= -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
               -DAR_TEST_HOOKS=1
# one binary for each t/unit/ar_unit_*.c; t/unit.t runs them all
UNIT_TESTS  := $(patsubst t/unit/%.c,$(BUILD)/%,\
                 $(wildcard t/unit/ar_unit_*.c))
# the TAP framework every unit binary is linked with
UNIT_CHECK  := t/unit/ar_check.c t/unit/ar_check.h

# "make test-asan": the module and the unit tests built with ASan and
# UBSan into ASAN_BUILD, t/ run with Debian's nginx loading the module
# under gcc's ASan runtime (LD_PRELOAD).  Debian's nginx has no frame
# pointers: malloc stacks are taken the slow way, so that the harness
# can tell nginx's own leaks at exit (t/sanitizer/lsan.supp) from ours.
ASAN_BUILD  ?= $(CURDIR)/build-asan
SAN_CFLAGS  := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
# Debian's gcc links with --as-needed unless sanitizing: the module is to
# need the same libraries in both builds (t/package.t checks them)
SAN_LDFLAGS := -fsanitize=address,undefined -Wl,--as-needed
ASAN_LIB    ?= $(shell gcc -print-file-name=libasan.so)
# with libstdc++ loaded before the module: ASan's __cxa_throw interceptor
# binds the real one when the runtime starts, and nginx (C) has no
# libstdc++ until the module's source-highlight brings it, so the first
# exception source-highlight throws (a language file that does not load)
# would abort nginx in a CHECK of the runtime
ASAN_PRELOAD ?= $(ASAN_LIB) $(shell gcc -print-file-name=libstdc++.so.6)
ASAN_OPTS   := detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=12
ASAN_ENV    := ASAN_OPTIONS=$(ASAN_OPTS) UBSAN_OPTIONS=print_stacktrace=1
# how many times slower nginx runs under the sanitizers, on its slowest
# path (source-highlight's allocations, each stack taken the slow way):
# the harness's waits and the tests' budgets are scaled by it
ASAN_SLOW   ?= 30

# "make test-valgrind": t/ with nginx under valgrind memcheck, master and
# workers (t/sanitizer/valgrind.supp: nginx's own leaks at exit)
VALGRIND_BUILD ?= $(CURDIR)/build-valgrind
# (memcheck runs source-highlight's matching some 45 times slower)
VALGRIND_SLOW ?= 50

# Both runs are bounded: each test file by SAN_FILE_TIMEOUT seconds (its
# process group, nginx and its helpers killed), the whole run by
# SAN_TIMEOUT; what prove prints goes to test-asan.log or
# test-valgrind.log in the build, after a line naming the commit, which
# tools/reliability-table reads
SAN_FILE_TIMEOUT ?= 1200
SAN_TIMEOUT ?= 7200
# $(call san-prove,LOG,NAME): prove over t/, bounded, into LOG
define san-prove
	set -o pipefail; \
	{ echo "# make $(2) on $$(git rev-parse --short HEAD 2>/dev/null)" \
	       "$$(date -u '+%Y-%m-%d %H:%M UTC')"; \
	  timeout -k 60 $(SAN_TIMEOUT) prove -r \
	      --exec 'timeout -k 60 $(SAN_FILE_TIMEOUT) perl' t/; } 2>&1 \
	| tee $(1)
endef

# libFuzzer over the core (fuzz/ar_fuzz.c); "make test" runs it briefly
FUZZ_CC     ?= clang
FUZZ_CFLAGS ?= -g -O1 -fno-omit-frame-pointer \
               -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
FUZZ_QUICK  ?= 5
FUZZ_BIN    := $(BUILD)/ar_fuzz
FUZZ_DIR    := $(BUILD)/fuzz

STRESS_SECONDS ?= 20
CHAOS_SECONDS ?= 60

# "make install": the module into nginx's modules directory (that of
# NGINX_BIN, unless PREFIX is given), its load snippet into
# modules-available, linked from modules-enabled as Debian's
# libnginx-mod-* packages do; DESTDIR is prepended to every path
NGX_MODULES_PATH = $(shell $(NGINX_BIN) -V 2>&1 \
                      | sed -n 's/.*--modules-path=\([^ ]*\).*/\1/p')
NGX_CONF_PATH = $(shell $(NGINX_BIN) -V 2>&1 \
                   | sed -n 's/.*--conf-path=\([^ ]*\).*/\1/p')
ifeq ($(origin PREFIX),undefined)
PREFIX      := /usr
MODULES_DIR ?= $(or $(NGX_MODULES_PATH),$(PREFIX)/lib/nginx/modules)
NGINX_CONF_DIR ?= $(or $(patsubst %/,%,$(dir $(NGX_CONF_PATH))),/etc/nginx)
else
MODULES_DIR ?= $(PREFIX)/lib/nginx/modules
NGINX_CONF_DIR ?= $(PREFIX)/etc/nginx
endif
AVAILABLE_DIR ?= $(PREFIX)/share/nginx/modules-available
# the module's own language files for highlighted code (lang/), and the
# default "article_render_highlight_languages" of the module built here;
# t/ runs a build that reads them from the source tree
LANG_DIR    ?= $(PREFIX)/share/nginx/article-render/lang
ENABLED_DIR ?= $(NGINX_CONF_DIR)/modules-enabled
SNIPPET     := mod-article-render.conf
SNIPPET_LINK := 50-mod-article-render.conf
# the module "make install" and "make deb" take; built unless given
MODULE_SO   ?= $(SO)

# "make deb": the package libnginx-mod-http-article-render in DEB_DIR
VERSION     ?= 0.1
DEB_VERSION ?= $(VERSION)-1
DEB_DIR     ?= $(BUILD)

# "make bench-render": bench/ar_bench_render.c over these articles
BENCH_BIN   := $(BUILD)/ar_bench_render
BENCH_DIR   := $(BUILD)/bench-render
BENCH_RUNS  ?= 9
BENCH_CFLAGS ?= -O2 -g
BENCH_ARTICLES := sample=conf.example/articles/harbour-report.md \
               8k=$(BENCH_DIR)/8k.md 200k=$(BENCH_DIR)/200k.md \
               2m=$(BENCH_DIR)/2m.md headings-2000=$(BENCH_DIR)/h2000.md \
               headings-8000=$(BENCH_DIR)/h8000.md

.PHONY: all deps deps-test deps-bench deps-deb deps-matrix test check unit \
        lint demo serve bench bench-run clean fuzz fuzz-run fuzz-seeds \
        test-build test-asan check-asan test-valgrind check-valgrind stress \
        check-stress chaos check-chaos install uninstall deb deb-package \
        test-matrix bench-render bench-compress bench-compress-run \
        bench-browser bench-browser-run bench-corpus bench-math bench-same \
        bench-peer bench-peer-run

all: $(SO)

# The packages a target needs (tools/install-deps): "make deps" those of
# the build, the others add their own tools.
#
# A target that installs packages makes the rest in a second make: the
# flags above (pkg-config's, the headers found) were taken when this one
# read the Makefile, before the packages were there.  "make check",
# "make serve", "make bench-run" and the like are those second halves,
# for a machine that has everything.

SUBMAKE     := $(MAKE) --no-print-directory

deps:
	@sh tools/install-deps build

deps-test:
	@sh tools/install-deps build test

deps-bench:
	@sh tools/install-deps build bench

deps-deb:
	@sh tools/install-deps build deb

deps-matrix:
	@sh tools/install-deps build test matrix

# $(call configure-tree,TREE,CC_OPT,OPTIONS,LANG_DIR): a copy of the nginx
# source in TREE, configured with this module (tools/configure-nginx)
define configure-tree
	NGINX_BIN='$(NGINX_BIN)' ARTICLE_RENDER_HIGHLIGHT=$(HIGHLIGHT) \
	ARTICLE_RENDER_LANGUAGES='$(or $(4),$(LANG_DIR))' \
	CC_OPT='$(strip $(2) $(NGX_CC_OPT))' LD_OPT='$(NGX_LD_OPT)' \
	    sh tools/configure-nginx $(NGINX_SRC) $(1) $(CURDIR) $(3)
endef

# the compiler and linker options a tree was configured with: when they
# change (NGX_CC_OPT, NGX_LD_OPT), the tree is configured again
%/configure.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(NGX_CC_OPT) | $(NGX_LD_OPT)' | cmp -s - $@ \
	    || echo '$(NGX_CC_OPT) | $(NGX_LD_OPT)' > $@

.PHONY: FORCE
FORCE:

$(CONFIGURED): config tools/configure-nginx $(BUILD)/configure.flags
	$(call configure-tree,$(NGX_TREE))

$(SO): $(CONFIGURED) $(CORE_SRCS) $(CORE_HDRS) $(GLUE_SRCS)
	$(MAKE) -C $(NGX_TREE) -f objs/Makefile modules
	cp $(NGX_TREE)/objs/$(MODULE).so $@

# the build t/ runs against: test hooks on (article_render_test_delay,
# and the variables the tests count renders and lookups by)
$(TEST_CONFIGURED): config tools/configure-nginx $(TEST_BUILD)/configure.flags
	$(call configure-tree,$(TEST_TREE),-DAR_TEST_HOOKS=1,,$(CURDIR)/lang)

$(TEST_SO): $(TEST_CONFIGURED) $(CORE_SRCS) $(CORE_HDRS) $(GLUE_SRCS) \
    $(wildcard lang/*.lang)
	$(MAKE) -C $(TEST_TREE) -f objs/Makefile modules
	cp $(TEST_TREE)/objs/$(MODULE).so $@

$(BUILD)/ar_highlight.o: src/ar_highlight.cpp src/ar_highlight.h src/ar_buf.h
	mkdir -p $(BUILD)
	$(CXX) $(UNIT_CFLAGS) -Isrc -c -o $@ $<

$(BUILD)/ar_unit_%: t/unit/ar_unit_%.c $(UNIT_CHECK) $(CORE_SRCS) \
    $(CORE_HDRS) conf.example/template.html $(HL_OBJ) \
    $(wildcard lang/*.lang)
	mkdir -p $(BUILD)
	$(CC) $(UNIT_CFLAGS) $(CODING_CFLAGS) $(HL_CFLAGS) -Isrc -o $@ $< \
	    t/unit/ar_check.c $(CORE_SRCS) $(HL_OBJ) \
	    -DAR_TEMPLATE_EXAMPLE=\"$(CURDIR)/conf.example/template.html\" \
	    -DAR_LANG_DIR=\"$(CURDIR)/lang\" \
	    $(CMARK_LIBS) $(YAML_LIBS) $(UNIT_CODING_LIBS) $(GUMBO_LIBS) \
	    $(HL_LIBS) -lpthread

unit: $(UNIT_TESTS)

FUZZ_HL_OBJ := $(if $(filter yes,$(HIGHLIGHT)),$(BUILD)/ar_highlight_fuzz.o)

$(BUILD)/ar_highlight_fuzz.o: src/ar_highlight.cpp src/ar_highlight.h \
    src/ar_buf.h
	mkdir -p $(BUILD)
	$(FUZZ_CC) -x c++ $(FUZZ_CFLAGS) -Isrc -c -o $@ $<

$(FUZZ_BIN): fuzz/ar_fuzz.c $(CORE_SRCS) $(CORE_HDRS) $(FUZZ_HL_OBJ) \
    $(wildcard lang/*.lang)
	mkdir -p $(BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CODING_CFLAGS) $(HL_CFLAGS) -Isrc -o $@ \
	    -DAR_LANG_DIR=\"$(CURDIR)/lang\" \
	    fuzz/ar_fuzz.c $(CORE_SRCS) $(FUZZ_HL_OBJ) $(CMARK_LIBS) \
	    $(YAML_LIBS) $(CODING_LIBS) $(GUMBO_LIBS) $(HL_LIBS) \
	    $(if $(FUZZ_HL_OBJ),-fsanitize-link-c++-runtime)

# The corpus grows in $(FUZZ_DIR)/corpus from run to run, over seeds made
# afresh each time; a crash, leak, sanitizer report or broken check
# fails the run and leaves the input in $(FUZZ_DIR)/artifacts/.

fuzz: deps-test
	@$(SUBMAKE) fuzz-run

fuzz-run: $(FUZZ_BIN)
	rm -rf $(FUZZ_DIR)/seeds
	mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/artifacts
	perl fuzz/make-corpus.pl $(FUZZ_DIR)/seeds
	LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp \
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
	    -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/artifacts/ \
	    $(FUZZ_DIR)/corpus $(FUZZ_DIR)/seeds 2>$(FUZZ_DIR)/log \
	    || { tail -60 $(FUZZ_DIR)/log; exit 1; }
	@grep -E '^(#[0-9]+.DONE|stat::number_of_executed_units|stat::peak_rss_mb)' \
	    $(FUZZ_DIR)/log | sed 's/^/fuzz: /'

# the stress test's articles are all alike: they are left out

fuzz-seeds: all
	rm -rf fuzz/seeds
	TEST_NGINX_FIXTURES=$(CURDIR)/fuzz/seeds BUILD=$(BUILD) \
	    NGINX_BIN=$(NGINX_BIN) prove $(filter-out t/stress.t,$(wildcard t/*.t))

# the glue is checked with the headers of the configured nginx tree
NGX_INCS    := $(addprefix -I$(NGX_TREE)/,src/core src/event src/os/unix \
                 objs src/http src/http/modules src/http/v2)

# cppcheck's information (such as 2.17's normalCheckLevelMaxBranches) is
# shown, not counted: its other messages are
CPPCHECK    := cppcheck --quiet --inline-suppr --suppress=missingIncludeSystem \
               --template='{severity}: {file}:{line}: {message} [{id}]'

# lint: the style the code is written in, cppcheck, and the glue's calls
# going only downwards (tools/check-layers, over the module's objects)
lint: $(SO)
	@! grep -nP '\t' src/*.[ch] src/*.cpp || { echo "lint: tabs in src/"; exit 1; }
	@! grep -nE ' +$$' src/*.[ch] src/*.cpp || { echo "lint: trailing blanks"; exit 1; }
	@! grep -nE '.{81}' src/*.[ch] src/*.cpp || { echo "lint: over 80 columns"; exit 1; }
	@! grep -nE '(^|[^:"])//' src/*.[ch] src/*.cpp || { echo "lint: // comment"; exit 1; }
	@out=$$({ $(CPPCHECK) $(CODING_CFLAGS) src/ar_*.c \
	          && $(CPPCHECK) --suppress=toomanyconfigs $(NGX_INCS) -Isrc \
	                 src/ngx_*.c; } 2>&1 || echo "error: cppcheck failed"); \
	echo "$$out" | grep '^information: ' || true; \
	! echo "$$out" | grep -v '^information: ' | grep . \
	    || { echo "lint: cppcheck"; exit 1; }
	@perl tools/check-layers $(NGX_TREE)/objs/addon/src/ngx_*.o \
	    || { echo "lint: calls in the glue"; exit 1; }

test: deps-test
	@$(SUBMAKE) check

check: all $(TEST_SO) unit lint
	$(MAKE) fuzz-run FUZZ_SECONDS=$(FUZZ_QUICK)
	BUILD=$(TEST_BUILD) AR_UNIT_DIR=$(BUILD) NGINX_BIN=$(NGINX_BIN) \
	    prove -r t/

test-build: $(TEST_SO)

test-asan: deps-test
	@$(SUBMAKE) check-asan

check-asan:
	$(MAKE) test-build unit BUILD=$(ASAN_BUILD) \
	    NGX_CC_OPT='$(SAN_CFLAGS)' NGX_LD_OPT='$(SAN_LDFLAGS)' \
	    UNIT_CFLAGS='$(UNIT_CFLAGS) $(SAN_CFLAGS)'
	export $(ASAN_ENV) TEST_NGINX_PRELOAD='$(ASAN_PRELOAD)' \
	    TEST_NGINX_SANITIZER=1 TEST_NGINX_SLOW=$(ASAN_SLOW) \
	    BUILD=$(ASAN_BUILD)/test AR_UNIT_DIR=$(ASAN_BUILD) \
	    NGINX_BIN=$(NGINX_BIN); \
	$(call san-prove,$(ASAN_BUILD)/test-asan.log,test-asan)

test-valgrind: deps-test
	@$(SUBMAKE) check-valgrind

check-valgrind:
	$(MAKE) test-build unit BUILD=$(VALGRIND_BUILD) NGX_CC_OPT='-g -O0'
	export TEST_NGINX_VALGRIND=1 TEST_NGINX_SLOW=$(VALGRIND_SLOW) \
	    BUILD=$(VALGRIND_BUILD)/test AR_UNIT_DIR=$(VALGRIND_BUILD) \
	    NGINX_BIN=$(NGINX_BIN); \
	$(call san-prove,$(VALGRIND_BUILD)/test-valgrind.log,test-valgrind)

stress: deps-test
	@$(SUBMAKE) check-stress

check-stress: test-build
	STRESS_SECONDS=$(STRESS_SECONDS) BUILD=$(TEST_BUILD) \
	    NGINX_BIN=$(NGINX_BIN) prove -v t/stress.t

chaos: deps-test
	@$(SUBMAKE) check-chaos

check-chaos: test-build
	STRESS_CHAOS=1 STRESS_SECONDS=$(CHAOS_SECONDS) BUILD=$(TEST_BUILD) \
	    NGINX_BIN=$(NGINX_BIN) prove -v t/stress.t

install: $(MODULE_SO)
	install -d $(DESTDIR)$(MODULES_DIR) $(DESTDIR)$(AVAILABLE_DIR) \
	    $(DESTDIR)$(ENABLED_DIR) $(DESTDIR)$(LANG_DIR)
	install -m 644 $(MODULE_SO) $(DESTDIR)$(MODULES_DIR)/$(MODULE).so
	install -m 644 lang/*.lang $(DESTDIR)$(LANG_DIR)
	echo 'load_module $(MODULES_DIR)/$(MODULE).so;' \
	    > $(DESTDIR)$(AVAILABLE_DIR)/$(SNIPPET)
	ln -sfn $(AVAILABLE_DIR)/$(SNIPPET) \
	    $(DESTDIR)$(ENABLED_DIR)/$(SNIPPET_LINK)

uninstall:
	rm -f $(DESTDIR)$(ENABLED_DIR)/$(SNIPPET_LINK) \
	    $(DESTDIR)$(AVAILABLE_DIR)/$(SNIPPET) \
	    $(DESTDIR)$(MODULES_DIR)/$(MODULE).so
	rm -f $(addprefix $(DESTDIR)$(LANG_DIR)/,$(notdir $(wildcard lang/*.lang)))
	-rmdir $(DESTDIR)$(LANG_DIR) $(dir $(DESTDIR)$(LANG_DIR)) 2>/dev/null

deb: deps-deb
	@$(SUBMAKE) deb-package

deb-package: $(MODULE_SO)
	NGINX_BIN=$(NGINX_BIN) sh tools/build-deb $(MODULE_SO) $(DEB_VERSION) \
	    $(DEB_DIR)

# "make test-matrix": the README's commands in fresh Debian 12 and 13
# chroots, and the suite against upstream nginx built from NGINX_SRC,
# full and minimal (tools/test-matrix, in MATRIX_DIR); the lines printed
# go into docs/reliability.md
MATRIX_DIR  ?= $(BUILD)/matrix
MATRIX      ?= debian12 debian13 upstream upstream-minimal

test-matrix: deps-matrix
	rm -f $(MATRIX_DIR)/*.line
	MATRIX='$(MATRIX)' NGINX_SRC=$(NGINX_SRC) \
	    sh tools/test-matrix $(MATRIX_DIR)
	perl tools/record-results docs/reliability.md test-matrix \
	    $(foreach p,$(MATRIX),$(MATRIX_DIR)/$(p).line)

demo: deps
	@$(SUBMAKE) serve

serve: all
	@mkdir -p $(BUILD)/demo/logs
	@user=; [ "$$(id -u)" = 0 ] && user='user root;'; \
	sed -e 's|@MODULE@|$(SO)|' -e 's|@ROOT@|$(CURDIR)/conf.example|' \
	    -e 's|@LANG@|$(CURDIR)/lang|' \
	    -e 's|@PORT@|$(DEMO_PORT)|' -e "s|@USER@|$$user|" \
	    conf.example/demo.conf.in > $(BUILD)/demo/nginx.conf
	@echo "serving conf.example/articles/ at http://127.0.0.1:$(DEMO_PORT)/"
	@echo "(Ctrl-C stops it)"
	$(NGINX_BIN) -p $(BUILD)/demo/ -c nginx.conf -g 'daemon off;'

bench: deps-bench
	@$(SUBMAKE) bench-run

bench-run: all $(BUILD)/ar-compress $(BUILD)/compress-levels $(BENCH_BIN)
	BUILD=$(BUILD) NGINX_BIN=$(NGINX_BIN) bash bench/run.sh
	BUILD=$(BUILD) NGINX_BIN=$(NGINX_BIN) bash bench/browser.sh
	$(if $(PEER_SRC),$(PEER_RUN))

# "make bench-peer PEER_SRC=path": bench/peer.sh, the module against a
# peer module built from PEER_SRC (docs/benchmarks.md)
PEER_SRC    ?=
PEER_REPO   ?=
PEER_RUN    = BUILD=$(BUILD) NGINX_BIN=$(NGINX_BIN) NGINX_SRC=$(NGINX_SRC) \
              PEER_REPO='$(PEER_REPO)' bash bench/peer.sh '$(PEER_SRC)'

bench-peer: deps-bench
	@$(SUBMAKE) bench-peer-run

bench-peer-run: all
	@test -n '$(PEER_SRC)' \
	    || { echo 'usage: make bench-peer PEER_SRC=path [PEER_REPO=URL]'; \
	         exit 2; }
	$(PEER_RUN)

# the browser's part of make bench alone
bench-browser: deps-bench
	@$(SUBMAKE) bench-browser-run

bench-browser-run: all $(BUILD)/ar-compress $(BUILD)/compress-levels
	BUILD=$(BUILD) NGINX_BIN=$(NGINX_BIN) bash bench/browser.sh

$(BUILD)/ar-compress: bench/ar-compress.c $(CORE_SRCS) $(CORE_HDRS)
	mkdir -p $(BUILD)
	$(CC) -O2 -g $(CODING_CFLAGS) -Isrc -o $@ bench/ar-compress.c \
	    $(CORE_SRCS) $(CORE_LIBS)

$(BUILD)/compress-levels: bench/compress-levels.c $(CORE_SRCS) $(CORE_HDRS)
	mkdir -p $(BUILD)
	$(CC) -O2 -g $(CODING_CFLAGS) -Isrc -o $@ bench/compress-levels.c \
	    $(CORE_SRCS) $(CORE_LIBS)

BENCH_COMPRESS_RUNS ?= 9
# the methods at the levels article_render_compress uses by default
BENCH_COMPRESS_SET  ?= gzip=3 br=6

bench-compress: deps-bench
	@$(SUBMAKE) bench-compress-run

bench-compress-run: $(BUILD)/compress-levels
	@for n in 8192 204800; do \
	    perl bench/gen-article.pl $$n > $(BUILD)/bench-$$n.md; \
	    $(BUILD)/compress-levels $(BUILD)/bench-$$n.md \
	        $(BENCH_COMPRESS_RUNS) $(BENCH_COMPRESS_SET) || exit 1; \
	    echo; \
	done

# "make bench-corpus": the share of real documents' fenced code blocks,
# of those GitHub highlights, that the module highlights, and the cost of
# highlighting a code-heavy README (bench/code-corpus.pl); CORPUS is a
# list of bare git directories, LINGUIST the npm package
# linguist-languages (npm install linguist-languages)
CORPUS      ?=
LINGUIST    ?= node_modules/linguist-languages
CORPUS_README ?=
CORPUS_BIN  := $(BUILD)/ar_code_corpus

$(BUILD)/ar_highlight_bench.o: src/ar_highlight.cpp src/ar_highlight.h \
    src/ar_buf.h
	mkdir -p $(BUILD)
	$(CXX) $(BENCH_CFLAGS) -Isrc -c -o $@ $<

$(CORPUS_BIN): bench/ar_code_corpus.c $(CORE_SRCS) $(CORE_HDRS) \
    $(BUILD)/ar_highlight_bench.o
	$(CC) $(BENCH_CFLAGS) $(CODING_CFLAGS) $(HL_CFLAGS) -Isrc -o $@ \
	    bench/ar_code_corpus.c $(CORE_SRCS) $(BUILD)/ar_highlight_bench.o \
	    $(CORE_LIBS) $(HL_LIBS)

bench-corpus: $(CORPUS_BIN)
	perl bench/code-corpus.pl --tool $(CORPUS_BIN) --lang $(CURDIR)/lang \
	    --linguist $(LINGUIST) --out $(BUILD)/code-corpus $(CORPUS)
	$(if $(CORPUS_README),$(CORPUS_BIN) $(CURDIR)/lang -t $(BENCH_RUNS) \
	    $(CORPUS_README))
# "make bench-math": bench/math-corpus.pl over Markdown documents read
# from git, MATH_CORPUS="GITDIR:PATH ..." (docs/benchmarks.md)
RENDER_ONCE := $(BUILD)/render-once
MATH_CORPUS ?=

$(RENDER_ONCE): bench/render-once.c $(CORE_SRCS) $(CORE_HDRS) $(HL_OBJ)
	mkdir -p $(BUILD)
	$(CC) -O2 -g $(CODING_CFLAGS) $(HL_CFLAGS) -Isrc -o $@ \
	    bench/render-once.c $(CORE_SRCS) $(HL_OBJ) $(CORE_LIBS) $(HL_LIBS)

# "make bench-same SAME_CORPUS='GITDIR[:PATH] ...'": the pages of this
# tree's core against those of SAME_BASE's (a commit, HEAD unless given)
# on real documents, by bench/same-pages.pl (docs/benchmarks.md)
SAME_BASE   ?= HEAD
SAME_CORPUS ?=
SAME_DIR    := $(BUILD)/same-base

bench-same: $(RENDER_ONCE)
	@test -n "$(SAME_CORPUS)" \
	    || { echo 'usage: make bench-same SAME_CORPUS="GITDIR[:PATH] ..."' \
	         '[SAME_BASE=commit]'; exit 1; }
	rm -rf $(SAME_DIR)
	mkdir -p $(SAME_DIR)
	git archive $(SAME_BASE) src | tar -x -C $(SAME_DIR)
	$(if $(HL_OBJ),$(CXX) $(UNIT_CFLAGS) -I$(SAME_DIR)/src -c \
	    -o $(SAME_DIR)/ar_highlight.o $(SAME_DIR)/src/ar_highlight.cpp)
	$(CC) -O2 -g $(CODING_CFLAGS) $(HL_CFLAGS) -I$(SAME_DIR)/src \
	    -o $(SAME_DIR)/render-once bench/render-once.c \
	    $(SAME_DIR)/src/ar_*.c \
	    $(if $(HL_OBJ),$(SAME_DIR)/ar_highlight.o) $(CORE_LIBS) $(HL_LIBS)
	AR_LANG_DIR=$(CURDIR)/lang perl bench/same-pages.pl \
	    $(SAME_DIR)/render-once $(RENDER_ONCE) $(SAME_CORPUS)

bench-math: $(RENDER_ONCE)
	@test -n "$(MATH_CORPUS)" \
	    || { echo 'usage: make bench-math MATH_CORPUS="GITDIR:PATH ..."'; \
	         exit 1; }
	perl bench/math-corpus.pl $(RENDER_ONCE) $(MATH_CORPUS)

$(BENCH_BIN): bench/ar_bench_render.c $(CORE_SRCS) $(CORE_HDRS)
	mkdir -p $(BUILD)
	$(CC) $(BENCH_CFLAGS) $(CODING_CFLAGS) -Isrc -o $@ \
	    bench/ar_bench_render.c $(CORE_SRCS) $(CORE_LIBS)

bench-render: $(BENCH_BIN)
	mkdir -p $(BENCH_DIR)
	perl bench/gen-article.pl 8192 > $(BENCH_DIR)/8k.md
	perl bench/gen-article.pl 200000 > $(BENCH_DIR)/200k.md
	perl bench/gen-article.pl 2000000 > $(BENCH_DIR)/2m.md
	perl bench/gen-headings.pl 2000 > $(BENCH_DIR)/h2000.md
	perl bench/gen-headings.pl 8000 > $(BENCH_DIR)/h8000.md
	$(BENCH_BIN) -r $(BENCH_RUNS) $(BENCH_ARTICLES)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(VALGRIND_BUILD)
