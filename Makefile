# Build, test and demo for ngx_http_article_render_module.
#
#   make            build build/ngx_http_article_render_module.so
#   make deps       install the Debian packages the build and tests need
#   make test       deps, build, lint, unit tests and t/ through prove
#   make demo       deps, build, serve conf.example/articles on :8080
#   make bench      deps, build, wrk against the module and static files
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

MODULE      := ngx_http_article_render_module
SO          := $(BUILD)/$(MODULE).so
NGX_TREE    := $(BUILD)/nginx
CONFIGURED  := $(NGX_TREE)/objs/Makefile
TEST_BUILD  := $(BUILD)/test
TEST_SO     := $(TEST_BUILD)/$(MODULE).so
TEST_TREE   := $(TEST_BUILD)/nginx
TEST_CONFIGURED := $(TEST_TREE)/objs/Makefile

CORE_SRCS   := src/ar_arena.c src/ar_buf.c src/ar_render.c \
               src/ar_template.c src/ar_template_builtin.c src/ar_accept.c \
               src/ar_block.c src/ar_frontmatter.c src/ar_slug.c src/ar_toc.c
CORE_HDRS   := src/ar_arena.h src/ar_buf.h src/ar_render.h \
               src/ar_template.h src/ar_accept.h src/ar_block.h \
               src/ar_frontmatter.h src/ar_slug.h src/ar_toc.h
GLUE_SRCS   := $(wildcard src/ngx_*.c src/ngx_*.h)

CMARK_LIBS  := $(shell pkg-config --libs libcmark-gfm 2>/dev/null \
                 || echo -lcmark-gfm)
CMARK_LIBS  += $(if $(findstring cmark-gfm-extensions,$(CMARK_LIBS)),,\
                 -lcmark-gfm-extensions)
YAML_LIBS   := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
UNIT_CFLAGS ?= -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
               -DAR_TEST_HOOKS=1
# one binary for each t/unit/ar_unit_*.c; t/unit.t runs them all
UNIT_TESTS  := $(patsubst t/unit/%.c,$(BUILD)/%,\
                 $(wildcard t/unit/ar_unit_*.c))

DEB_PKGS    := nginx nginx-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
               libyaml-dev pkg-config gcc make perl cppcheck wrk curl \
               chromium tidy

.PHONY: all deps test unit lint demo bench clean

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
	./configure "$${NGX_CONF_FLAGS[@]}" --with-compat \
	    $(if $(2),--with-cc-opt='$(2)') \
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

$(BUILD)/ar_unit_%: t/unit/ar_unit_%.c $(CORE_SRCS) $(CORE_HDRS) \
    conf.example/template.html
	mkdir -p $(BUILD)
	$(CC) $(UNIT_CFLAGS) -Isrc -o $@ $< $(CORE_SRCS) \
	    -DAR_TEMPLATE_EXAMPLE=\"$(CURDIR)/conf.example/template.html\" \
	    $(CMARK_LIBS) $(YAML_LIBS)

unit: $(UNIT_TESTS)

lint:
	@! grep -nP '\t' src/*.[ch] || { echo "lint: tabs in src/"; exit 1; }
	@! grep -nE ' +$$' src/*.[ch] || { echo "lint: trailing blanks"; exit 1; }
	@! grep -nE '.{81}' src/*.[ch] || { echo "lint: over 80 columns"; exit 1; }
	@! grep -nE '(^|[^:"])//' src/*.[ch] || { echo "lint: // comment"; exit 1; }
	cppcheck --quiet --error-exitcode=1 --inline-suppr \
	    --suppress=missingIncludeSystem src/ar_*.c

test: deps all $(TEST_SO) unit lint
	BUILD=$(TEST_BUILD) AR_UNIT_DIR=$(BUILD) NGINX_BIN=$(NGINX_BIN) \
	    prove -r t/

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
	rm -rf $(BUILD)
