# Build, test and demo for ngx_http_article_render_module.
#
#   make            build build/ngx_http_article_render_module.so
#   make deps       install the Debian packages the build and tests need
#   make test       deps, build, lint, unit tests and t/ through prove
#   make demo       deps, build, serve conf.example/articles on :8080
#   make bench      deps, build, wrk against the module and static files
#   make fuzz       libFuzzer over the core for FUZZ_SECONDS (default 60)
#   make fuzz-seeds collect the t/ suite's articles into fuzz/seeds/
#   make test-asan  t/ with the module built with ASan and UBSan
#   make test-valgrind  t/ with nginx under valgrind memcheck
#   make stress     t/stress.t for STRESS_SECONDS (default 20; make test
#                   runs it too): load, live edits and reloads
#
# The module is built against the packaged nginx (nginx-dev's
# /usr/share/nginx/src and its conf_flags), or against a source tree given
# as NGINX_SRC=/path/to/nginx-1.x.  The source is copied into BUILD, so
# nothing is written into NGINX_SRC.

SHELL       := /bin/bash

NGINX_SRC   ?= /usr/share/nginx/src
NGINX_BIN   ?= /usr/sbin/nginx
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
# GNU source-highlight (C++) for highlighted code, where installed;
# HIGHLIGHT=no builds without it
HIGHLIGHT   ?= $(if $(wildcard /usr/include/srchilite/sourcehighlighter.h),yes,no)
HL_LIBS     := $(if $(filter yes,$(HIGHLIGHT)),\
                 $(shell pkg-config --libs source-highlight 2>/dev/null \
                   || echo -lsource-highlight -lboost_regex) -lstdc++)
HL_CFLAGS   := $(if $(filter yes,$(HIGHLIGHT)),-DAR_HAVE_HIGHLIGHT=1)
HL_OBJ      := $(if $(filter yes,$(HIGHLIGHT)),$(BUILD)/ar_highlight.o)
UNIT_CFLAGS ?= -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
               -DAR_TEST_HOOKS=1
# one binary for each t/unit/ar_unit_*.c; t/unit.t runs them all
UNIT_TESTS  := $(patsubst t/unit/%.c,$(BUILD)/%,\
                 $(wildcard t/unit/ar_unit_*.c))
# the TAP framework every unit binary is linked with
UNIT_CHECK  := t/unit/ar_check.c t/unit/ar_check.h

DEB_PKGS    := nginx nginx-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
               libyaml-dev pkg-config gcc make perl cppcheck wrk curl \
               chromium tidy clang libclang-rt-14-dev valgrind g++ \
               libsource-highlight-dev

# "make test-asan": the module and the unit tests built with ASan and
# UBSan into ASAN_BUILD, t/ run with Debian's nginx loading the module
# under gcc's ASan runtime (LD_PRELOAD).  Debian's nginx has no frame
# pointers: malloc stacks are taken the slow way, so that the harness
# can tell nginx's own leaks at exit (t/sanitizer/lsan.supp) from ours.
ASAN_BUILD  ?= $(CURDIR)/build-asan
SAN_CFLAGS  := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
ASAN_LIB    ?= $(shell gcc -print-file-name=libasan.so)
ASAN_OPTS   := detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=12
ASAN_ENV    := ASAN_OPTIONS=$(ASAN_OPTS) UBSAN_OPTIONS=print_stacktrace=1

# "make test-valgrind": t/ with nginx under valgrind memcheck, master and
# workers (t/sanitizer/valgrind.supp: nginx's own leaks at exit)
VALGRIND_BUILD ?= $(CURDIR)/build-valgrind

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

.PHONY: all deps test unit lint demo bench clean fuzz fuzz-run fuzz-seeds \
        test-build test-asan test-valgrind stress

all: $(SO)

deps:
	@missing=""; \
	for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null \
	        | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        --no-install-recommends $$missing; \
	else \
	    echo "missing packages; as root run:"; \
	    echo "    apt-get install$$missing"; \
	    exit 1; \
	fi

# $(call configure-tree,TREE,CC_OPT): a copy of the nginx source in TREE,
# configured with the packaged nginx's flags and this module
define configure-tree
	rm -rf $(1)
	mkdir -p $(dir $(1))
	cp -a $(NGINX_SRC)/. $(1)
	cd $(1) && \
	if [ -f conf_flags ]; then \
	    . ./conf_flags; \
	else \
	    NGX_CONF_FLAGS=(--with-threads); \
	fi; \
	ARTICLE_RENDER_HIGHLIGHT=$(HIGHLIGHT) \
	./configure "$${NGX_CONF_FLAGS[@]}" --with-compat \
	    $(if $(strip $(2) $(NGX_CC_OPT)),\
	        --with-cc-opt='$(strip $(2) $(NGX_CC_OPT))') \
	    $(if $(NGX_LD_OPT),--with-ld-opt='$(NGX_LD_OPT)') \
	    --add-dynamic-module=$(CURDIR) >configure.log 2>&1 \
	    || { tail -30 configure.log; exit 1; }
endef

$(CONFIGURED): config
	$(call configure-tree,$(NGX_TREE))

$(SO): $(CONFIGURED) $(CORE_SRCS) $(CORE_HDRS) $(GLUE_SRCS)
	$(MAKE) -C $(NGX_TREE) -f objs/Makefile modules
	cp $(NGX_TREE)/objs/$(MODULE).so $@

# the build t/ runs against: test hooks (article_render_test_delay) on
$(TEST_CONFIGURED): config
	$(call configure-tree,$(TEST_TREE),-DAR_TEST_HOOKS=1)

$(TEST_SO): $(TEST_CONFIGURED) $(CORE_SRCS) $(CORE_HDRS) $(GLUE_SRCS)
	$(MAKE) -C $(TEST_TREE) -f objs/Makefile modules
	cp $(TEST_TREE)/objs/$(MODULE).so $@

$(BUILD)/ar_highlight.o: src/ar_highlight.cpp src/ar_highlight.h src/ar_buf.h
	mkdir -p $(BUILD)
	$(CXX) $(UNIT_CFLAGS) -Isrc -c -o $@ $<

$(BUILD)/ar_unit_%: t/unit/ar_unit_%.c $(UNIT_CHECK) $(CORE_SRCS) \
    $(CORE_HDRS) conf.example/template.html $(HL_OBJ)
	mkdir -p $(BUILD)
	$(CC) $(UNIT_CFLAGS) $(HL_CFLAGS) -Isrc -o $@ $< t/unit/ar_check.c \
	    $(CORE_SRCS) $(HL_OBJ) \
	    -DAR_TEMPLATE_EXAMPLE=\"$(CURDIR)/conf.example/template.html\" \
	    $(CMARK_LIBS) $(YAML_LIBS) $(HL_LIBS) -lpthread

unit: $(UNIT_TESTS)

FUZZ_HL_OBJ := $(if $(filter yes,$(HIGHLIGHT)),$(BUILD)/ar_highlight_fuzz.o)

$(BUILD)/ar_highlight_fuzz.o: src/ar_highlight.cpp src/ar_highlight.h \
    src/ar_buf.h
	mkdir -p $(BUILD)
	$(FUZZ_CC) -x c++ $(FUZZ_CFLAGS) -Isrc -c -o $@ $<

$(FUZZ_BIN): fuzz/ar_fuzz.c $(CORE_SRCS) $(CORE_HDRS) $(FUZZ_HL_OBJ)
	mkdir -p $(BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(HL_CFLAGS) -Isrc -o $@ fuzz/ar_fuzz.c \
	    $(CORE_SRCS) $(FUZZ_HL_OBJ) $(CMARK_LIBS) $(YAML_LIBS) $(HL_LIBS) \
	    $(if $(FUZZ_HL_OBJ),-fsanitize-link-c++-runtime)

# The corpus grows in $(FUZZ_DIR)/corpus from run to run, over seeds made
# afresh each time; a crash, leak, sanitizer report or broken check
# fails the run and leaves the input in $(FUZZ_DIR)/artifacts/.

fuzz: deps fuzz-run

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

lint: $(CONFIGURED)
	@! grep -nP '\t' src/*.[ch] src/*.cpp || { echo "lint: tabs in src/"; exit 1; }
	@! grep -nE ' +$$' src/*.[ch] src/*.cpp || { echo "lint: trailing blanks"; exit 1; }
	@! grep -nE '.{81}' src/*.[ch] src/*.cpp || { echo "lint: over 80 columns"; exit 1; }
	@! grep -nE '(^|[^:"])//' src/*.[ch] src/*.cpp || { echo "lint: // comment"; exit 1; }
	cppcheck --quiet --error-exitcode=1 --inline-suppr \
	    --suppress=missingIncludeSystem src/ar_*.c
	cppcheck --quiet --error-exitcode=1 --inline-suppr \
	    --suppress=missingIncludeSystem --suppress=toomanyconfigs \
	    $(NGX_INCS) -Isrc src/ngx_*.c

test: deps all $(TEST_SO) unit lint
	$(MAKE) fuzz-run FUZZ_SECONDS=$(FUZZ_QUICK)
	BUILD=$(TEST_BUILD) AR_UNIT_DIR=$(BUILD) NGINX_BIN=$(NGINX_BIN) \
	    prove -r t/

test-build: $(TEST_SO)

test-asan: deps
	$(MAKE) test-build unit BUILD=$(ASAN_BUILD) \
	    NGX_CC_OPT='$(SAN_CFLAGS)' NGX_LD_OPT='-fsanitize=address,undefined' \
	    UNIT_CFLAGS='$(UNIT_CFLAGS) $(SAN_CFLAGS)'
	$(ASAN_ENV) TEST_NGINX_PRELOAD=$(ASAN_LIB) TEST_NGINX_SANITIZER=1 \
	    BUILD=$(ASAN_BUILD)/test AR_UNIT_DIR=$(ASAN_BUILD) \
	    NGINX_BIN=$(NGINX_BIN) prove -r t/

test-valgrind: deps
	$(MAKE) test-build unit BUILD=$(VALGRIND_BUILD) NGX_CC_OPT='-g -O0'
	TEST_NGINX_VALGRIND=1 BUILD=$(VALGRIND_BUILD)/test \
	    AR_UNIT_DIR=$(VALGRIND_BUILD) NGINX_BIN=$(NGINX_BIN) prove -r t/

stress: deps test-build
	STRESS_SECONDS=$(STRESS_SECONDS) BUILD=$(TEST_BUILD) \
	    NGINX_BIN=$(NGINX_BIN) prove -v t/stress.t

demo: deps all
	@mkdir -p $(BUILD)/demo/logs
	@user=; [ "$$(id -u)" = 0 ] && user='user root;'; \
	sed -e 's|@MODULE@|$(SO)|' -e 's|@ROOT@|$(CURDIR)/conf.example|' \
	    -e 's|@PORT@|$(DEMO_PORT)|' -e "s|@USER@|$$user|" \
	    conf.example/demo.conf.in > $(BUILD)/demo/nginx.conf
	@echo "serving conf.example/articles/ at http://127.0.0.1:$(DEMO_PORT)/"
	@echo "(Ctrl-C stops it)"
	$(NGINX_BIN) -p $(BUILD)/demo/ -c nginx.conf -g 'daemon off;'

bench: deps all
	BUILD=$(BUILD) NGINX_BIN=$(NGINX_BIN) bash bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(VALGRIND_BUILD)
