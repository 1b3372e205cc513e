# ocf — one non-recursive GNU Makefile.  `make V=1` shows full commands;
# `make SANITIZE=1` builds with ASan+UBSan into build-san/.

ifeq ($(filter clean distclean,$(MAKECMDGOALS)),)
ifeq ($(wildcard config.mak),)
$(shell ./configure >&2)
endif
-include config.mak
# a config.mak written before libcrypto was needed would fail at link time
ifneq ($(wildcard config.mak),)
ifeq ($(origin CRYPTO_LIBS),undefined)
$(error config.mak predates the libcrypto dependency: rerun ./configure)
endif
ifeq ($(origin JANSSON_LIBS),undefined)
$(error config.mak predates the jansson dependency: rerun ./configure)
endif
endif
endif

.DELETE_ON_ERROR:
.SUFFIXES:

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
# systemd searches /usr/local/lib/systemd/system too; Debian's own units
# live in /lib/systemd/system
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
DOCDIR ?= $(PREFIX)/share/doc/ocf
CC ?= cc

ifeq ($(SANITIZE),1)
B ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
B ?= build
endif

WARN = -Wall -Wextra -Werror -Wshadow -Wformat=2
CFLAGS_USER ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS_USER) $(SANFLAGS) \
	-Ilib $(CURL_CFLAGS) $(GIT2_CFLAGS) $(CRYPTO_CFLAGS) $(JANSSON_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS_USER) $(SANFLAGS)
LIBS = $(CURL_LIBS) $(GIT2_LIBS) $(CRYPTO_LIBS) $(JANSSON_LIBS)

ifeq ($(V),1)
Q =
say =
else
Q = @
say = @printf '  %-6s %s\n' $(1) $(2);
endif

LIB_SRC = $(sort $(wildcard lib/*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o)
CMD_SRC = $(sort $(wildcard cmd/ocf-*.c))
PROGS = $(CMD_SRC:cmd/%.c=$(B)/%)
UNIT_SRC = $(sort $(wildcard test/unit/test_*.c))
UNITS = $(UNIT_SRC:%.c=$(B)/%)
HELPER_SRC = $(sort $(wildcard test/helpers/*.c))
HELPERS = $(HELPER_SRC:%.c=$(B)/%)
SCRIPTS = $(filter-out %.service %.timer %.conf %.example scripts/ocf-demo,$(sort $(wildcard scripts/ocf-*)))
MAN1 = $(sort $(wildcard man/*.1))
MAN7 = $(sort $(wildcard man/*.7))
# systemd units and configuration examples, with the configured paths
UNIT_FILES = $(patsubst scripts/%,$(B)/%,$(sort $(wildcard scripts/*.service scripts/*.timer)))
EXAMPLES = $(patsubst scripts/%,$(B)/examples/%,scripts/ocf.conf.example $(sort $(wildcard scripts/*.conf)))
GENERATED = $(UNIT_FILES) $(EXAMPLES) $(B)/ocf.conf

all: $(PROGS) $(GENERATED)

# A stamp file holds each install path the build bakes in, rewritten (when
# make reads this file) only when the value changes: what uses a path is
# rebuilt exactly then, and `make install` right after `make` builds nothing.
stamp = $(if $(filter-out $(file <$(1)),$(2))$(filter-out $(2),$(file <$(1))),\
	$(shell mkdir -p $(dir $(1)))$(file >$(1),$(2)))
ifeq ($(filter clean distclean,$(MAKECMDGOALS)),)
$(call stamp,$(B)/stamp-sysconfdir,$(SYSCONFDIR))
$(call stamp,$(B)/stamp-paths,$(BINDIR) $(SYSCONFDIR) $(UNITDIR))
endif

# the compiled-in configuration file is SYSCONFDIR/ocf/ocf.conf
$(B)/lib/config.o: ALL_CFLAGS += -DOCF_SYSCONFDIR='"$(SYSCONFDIR)"'
$(B)/lib/config.o: $(B)/stamp-sysconfdir

# the sources name the default paths; the installed files the real ones
SUBST_PATHS = sed -e 's|/usr/local/bin/|$(BINDIR)/|g' \
	-e 's|/etc/ocf/|$(SYSCONFDIR)/ocf/|g' \
	-e 's|^\# /etc/systemd/system/|\# $(UNITDIR)/|'
$(B)/%.service: scripts/%.service $(B)/stamp-paths
	$(call say,GEN,$@)$(SUBST_PATHS) $< >$@
$(B)/%.timer: scripts/%.timer $(B)/stamp-paths
	$(call say,GEN,$@)$(SUBST_PATHS) $< >$@
$(B)/examples/%: scripts/% $(B)/stamp-paths
	@mkdir -p $(@D)
	$(call say,GEN,$@)$(SUBST_PATHS) $< >$@
# the installed configuration: the example with every setting commented out
$(B)/ocf.conf: scripts/ocf.conf.example $(B)/stamp-paths
	$(call say,GEN,$@)$(SUBST_PATHS) -e 's/^\([A-Z][A-Z0-9_]*=\)/\#\1/' $< >$@

$(B)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libocf.a: $(LIB_OBJ)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(B)/ocf-%: $(B)/cmd/ocf-%.o $(B)/libocf.a
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(B)/libocf.a $(LIBS)
# kept, or make deletes them as intermediates and relinks at every run
.SECONDARY: $(CMD_SRC:%.c=$(B)/%.o)

# A unit test driver links the whole library; test/unit/test_X.wrap, when
# present, lists symbols to replace with cmocka --wrap (one per line).
$(B)/test/unit/%: test/unit/%.c $(B)/libocf.a
	@mkdir -p $(@D)
	$(call say,LINK,$@)$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		$(addprefix -Wl$(,)--wrap=,$(shell cat test/unit/$*.wrap 2>/dev/null)) \
		$(B)/libocf.a $(LIBS) $(CMOCKA_LIBS)
, := ,

$(B)/test/helpers/%: test/helpers/%.c
	@mkdir -p $(@D)
	$(call say,LINK,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -pthread -o $@ $<
# ocf-etcdctl calls the library's etcd client
$(B)/test/helpers/ocf-etcdctl: test/helpers/ocf-etcdctl.c $(B)/libocf.a
	@mkdir -p $(@D)
	$(call say,LINK,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		$(B)/libocf.a $(LIBS)

# cmocka builds the unit tests only (configure says so when it is missing)
ifeq ($(HAVE_CMOCKA),no)
$(UNITS): need-cmocka
endif
need-cmocka:
	@echo 'make: cmocka is needed to build the unit tests:' \
	    'apt-get install libcmocka-dev (or ./configure --install-deps as root),' \
	    'then ./configure again' >&2
	@exit 1

# the tests' own tools (sshd, rsync, mandoc, valgrind, clang, npm) are
# installed first when missing and we are root on Debian
check: all $(UNITS) $(HELPERS)
	@sh test/install-deps.sh
	@OCF_BIN=$(abspath $(B)) sh test/run.sh

unit: $(UNITS)
	@OCF_BIN=$(abspath $(B)) sh test/run.sh --unit

# cppcheck: declarations stay at the top of a block (style(9)), hence no
# variableScope; shellcheck: every shell script of the tree; layers.sh:
# no file of lib/ includes a header of a layer above its own (lib/README)
SH_FILES = configure .ci/run \
	$(wildcard test/*.sh test/fuzz/*.sh test/nemesis/*.sh bench/*.sh) \
	$(wildcard scripts/*.sh pkg/deb/*.sh) $(shell grep -l '^\#!/bin/sh' scripts/* 2>/dev/null)
lint:
	cppcheck -q --enable=warning,style,performance,portability \
		--inline-suppr --error-exitcode=1 -D_GNU_SOURCE -Ilib \
		--suppress=missingIncludeSystem --suppress=variableScope lib cmd
	shellcheck -s sh $(SH_FILES)
	sh test/layers.sh

# The configuration may hold tokens: it is installed root-only (0600), only
# when absent, and uninstall removes it only when it is still the one
# install wrote.  The units are installed, not enabled.
CONF = $(DESTDIR)$(SYSCONFDIR)/ocf/ocf.conf
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(SYSCONFDIR)/ocf
	install -m 755 $(PROGS) $(SCRIPTS) $(DESTDIR)$(BINDIR)
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1)
	$(if $(MAN7),install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7)
	install -m 644 $(UNIT_FILES) $(DESTDIR)$(UNITDIR)
	install -m 644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples
	@if [ -e $(CONF) ]; then echo 'kept $(CONF)'; \
	else echo 'install -m 600 $(B)/ocf.conf $(CONF)'; \
		install -m 600 $(B)/ocf.conf $(CONF); fi

uninstall: $(B)/ocf.conf
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(PROGS) $(SCRIPTS))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(MAN7))) \
		$(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(UNIT_FILES))) \
		$(addprefix $(DESTDIR)$(DOCDIR)/examples/,$(notdir $(EXAMPLES)))
	@if [ ! -e $(CONF) ]; then :; \
	elif cmp -s $(B)/ocf.conf $(CONF); then echo 'rm -f $(CONF)'; \
		rm -f $(CONF); \
	else echo 'kept $(CONF): it was edited'; fi
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(SYSCONFDIR)/ocf 2>/dev/null

# make deb: ocf_VERSION_ARCH.deb in $(DEBDIR), built with dpkg-deb
# (pkg/deb/build.sh); it runs make all and install with the Debian paths
DEBDIR = build-deb
deb:
	@MAKE='$(MAKE)' sh pkg/deb/build.sh $(DEBDIR)

clean:
	rm -rf build build-san $(DEBDIR)

distclean: clean
	rm -f config.mak

.PHONY: all check unit need-cmocka lint install uninstall deb clean distclean

-include $(LIB_OBJ:.o=.d) $(PROGS:$(B)/%=$(B)/cmd/%.d)

# `make demo` is the README's first command on a fresh clone: when
# configure could not write config.mak (dependencies missing), install them
# (as root on Debian) and make starts again with the new config.mak.
ifneq ($(filter demo bench,$(MAKECMDGOALS)),)
config.mak:
	./configure --install-deps
endif

demo: all $(HELPERS)
	@OCF_BIN=$(abspath $(B)) sh scripts/ocf-demo

bench: all $(HELPERS)
	@OCF_BIN=$(abspath $(B)) sh bench/run.sh

.PHONY: demo bench

# make nemesis: the randomized fault test of test/nemesis/ (root; see its
# README): DURATION seconds of faults (default 1800) from SEED (default:
# random, printed at start; `make nemesis SEED=N` replays a run);
# FAULTS=k1,k2 keeps only those fault kinds
DURATION ?= 1800
SEED ?=
FAULTS ?=
nemesis: all $(HELPERS)
	@sh test/install-deps.sh
	@OCF_BIN=$(abspath $(B)) DURATION=$(DURATION) SEED=$(SEED) \
		FAULTS=$(FAULTS) sh test/nemesis/run.sh
.PHONY: nemesis

# make fuzz: each libFuzzer target of test/fuzz for FUZZ_SECONDS (clang)
FUZZ_SECONDS ?= 300
fuzz:
	@OCF_BIN=$(abspath $(B)) FUZZ_SECONDS=$(FUZZ_SECONDS) sh test/fuzz/run.sh
.PHONY: fuzz
