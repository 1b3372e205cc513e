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
endif
endif

.DELETE_ON_ERROR:
.SUFFIXES:

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
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
	-Ilib $(CURL_CFLAGS) $(GIT2_CFLAGS) $(CRYPTO_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS_USER) $(SANFLAGS)
LIBS = $(CURL_LIBS) $(GIT2_LIBS) $(CRYPTO_LIBS)

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
SCRIPTS = $(filter-out %.service %.example scripts/ocf-demo,$(sort $(wildcard scripts/ocf-*)))
MAN1 = $(sort $(wildcard man/*.1))
MAN7 = $(sort $(wildcard man/*.7))

all: $(PROGS)

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
	$(wildcard scripts/*.sh) $(shell grep -l '^\#!/bin/sh' scripts/* 2>/dev/null)
lint:
	cppcheck -q --enable=warning,style,performance,portability \
		--inline-suppr --error-exitcode=1 -D_GNU_SOURCE -Ilib \
		--suppress=missingIncludeSystem --suppress=variableScope lib cmd
	shellcheck -s sh $(SH_FILES)
	sh test/layers.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(PROGS) $(SCRIPTS) $(DESTDIR)$(BINDIR)
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1)
	$(if $(MAN7),install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7)

clean:
	rm -rf build build-san

distclean: clean
	rm -f config.mak

.PHONY: all check unit lint install clean distclean

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
