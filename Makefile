# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tenpo: `make demo` and `make check` are the two commands of the README.
#
#   make            release build into build/ (after `make deps`)
#   make demo       deps, the release build, then tests/demo.sh
#   make check      deps, sanitizer (ASan+UBSan) build into build/san/, the
#                   fuzzers, then every test (tests/run.sh)
#   make bench      deps, release build, the benchmarks against xorriso and curl
#   make bench-wm   deps (and the codecs), the watermark against them; PEAQ
#                   figures when a `peaq` program (GstPEAQ) is on PATH
#   make fuzz       deps, libFuzzer targets into build/fuzz/ (clang)
#   make deps       installs the Debian packages the build and tests need
#   make check-fresh  the README's two commands in a fresh Debian 12 root
#                   (root, network, long: not part of check)
#
# The commands a user types run `deps` first and only then a second make
# ($(MAKE) ...), which reads this file afresh: flags asked of pkg-config are
# then those of the packages deps installed.  They never run deps and a
# build side by side, under -j too.  The plain targets (all, the programs,
# the archives) assume the packages are there, and say so when SDL is not.
#
# Flags: CFLAGS and LDFLAGS are the user's (`make CFLAGS=-O0`); what the
# project needs (standard, warnings, include paths, sanitizers) is in
# TENPO_CFLAGS and TENPO_LDFLAGS, which the command line does not replace.
#
# Sources are found by wildcard: firmware/*.c is the kiosk's library (no
# main), firmware/wm/*.c the watermark codec (it needs nothing but err.h),
# firmware/cmd/*.c the thin programs over them, tests/unit/test_*.c cmocka
# tests, tests/fuzz/fuzz_*.c libFuzzer targets.  SERVER_HALF is the server's
# half of the protocol (writing and signing manifests, TLS listening, the
# watermark embedder): its own archive, linked by the reference server,
# tenpo-wm and the tests, never by build/tenpo (tests/integration/boundaries.sh).

BUILD   ?= build
CC      ?= cc
SAN     ?=
ifeq ($(SAN),1)
CFLAGS  ?= -O1 -g -fno-omit-frame-pointer
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
else
CFLAGS  ?= -O2 -g
endif
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers
# freetype2 (the receipt preview's glyphs) is asked of pkg-config like SDL: see ui/
FT_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags freetype2 2>/dev/null))
TENPO_CFLAGS  := $(CSTD) $(WARN) $(SANFLAGS) -MMD -MP -Ifirmware -Idrivers -pthread $(FT_CFLAGS)
TENPO_LDFLAGS := $(SANFLAGS) -pthread
LIBS    := -lburn -lisofs -lsndfile -lmbedtls -lmbedx509 -lmbedcrypto -lnettle -lsqlite3 -lcjson -lm
LIBS    += -lsystemd -lusb-1.0 -lqrencode -lpng -lfreetype

# archive_list FILE,OBJECTS: FILE, rewritten only when the member list
# differs from what it holds.  An archive depends on it, so that a deleted
# source (no member newer than the archive) still rebuilds the archive
# without the stale object.
archive_list = $(shell mkdir -p $(dir $1) && \
	{ [ -f $1 ] && [ "$$(cat $1)" = "$(strip $2)" ] || echo "$(strip $2)" >$1; })$1

SERVER_HALF := firmware/manifest_sign.c firmware/tls_server.c firmware/wm/wm_embed.c

# drivers/ (the libusb peripherals) are part of the kiosk's library
FW_SRC  := $(filter-out $(SERVER_HALF),$(wildcard firmware/*.c drivers/*.c))
FW_OBJ  := $(FW_SRC:%.c=$(BUILD)/obj/%.o)
LIBTENPO := $(BUILD)/libtenpo.a

WM_SRC  := $(filter-out $(SERVER_HALF),$(wildcard firmware/wm/*.c))
WM_OBJ  := $(WM_SRC:%.c=$(BUILD)/obj/%.o)
LIBTENPO_WM := $(BUILD)/libtenpo-wm.a

HALF_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(SERVER_HALF)))
LIBTENPO_SERVER := $(BUILD)/libtenpo-server.a

# the kiosk's archives, and everything (the server half first)
KIOSK_LIBS := $(LIBTENPO) $(LIBTENPO_WM)
ALL_LIBS := $(LIBTENPO_SERVER) $(KIOSK_LIBS)
# the archives call each other (mark_check -> wm, wm -> err): one group
link_group = -Wl,--start-group $(filter %.a,$^) -Wl,--end-group

# the reference delivery server: its modules as an archive, which tenpo-wm
# links too (trace reads the server's database through db.h)
SRV_SRC := $(filter-out tests/delivery-server/main.c,$(wildcard tests/delivery-server/*.c))
SRV_OBJ := $(SRV_SRC:%.c=$(BUILD)/obj/%.o)
LIBDELIVERY := $(BUILD)/libtenpo-delivery.a

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

PROGRAMS := $(BUILD)/tenpo $(BUILD)/tenpo-delivery $(BUILD)/tenpo-wm

.PHONY: all deps check test demo bench bench-wm fuzz fuzz-build clean check-fresh sdl-check \
	prune-tests
all: $(PROGRAMS) $(UNIT_BIN) prune-tests

# a test program whose source is gone would still be run by tests/run.sh
prune-tests:
	@rm -f $(filter-out $(UNIT_BIN),$(wildcard $(BUILD)/tests/test_*))

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(TENPO_CFLAGS) $(CFLAGS) -c $< -o $@

$(LIBTENPO): $(FW_OBJ) $(call archive_list,$(BUILD)/libtenpo.list,$(FW_OBJ))
$(LIBTENPO_WM): $(WM_OBJ) $(call archive_list,$(BUILD)/libtenpo-wm.list,$(WM_OBJ))
$(LIBTENPO_SERVER): $(HALF_OBJ) $(call archive_list,$(BUILD)/libtenpo-server.list,$(HALF_OBJ))
$(LIBDELIVERY): $(SRV_OBJ) $(call archive_list,$(BUILD)/libtenpo-delivery.list,$(SRV_OBJ))
$(LIBTENPO) $(LIBTENPO_WM) $(LIBTENPO_SERVER) $(LIBDELIVERY):
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(filter %.o,$^)

$(BUILD)/obj/firmware/cmd/tenpo-wm.o: TENPO_CFLAGS += -Itests/delivery-server
$(BUILD)/tenpo-wm: $(BUILD)/obj/firmware/cmd/tenpo-wm.o $(LIBDELIVERY) $(ALL_LIBS)
	$(CC) $(TENPO_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(link_group) $(LIBS)

$(BUILD)/tenpo-delivery: $(BUILD)/obj/tests/delivery-server/main.o $(LIBDELIVERY) $(ALL_LIBS)
	$(CC) $(TENPO_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(link_group) $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(TENPO_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(link_group) $(LIBS) -lcmocka

deps:
	@sh tests/deps.sh

# check also boots the appliance (tests/run.sh's appliance/ tests): the
# image of the release build, made again when what it holds changed
check:
	@sh tests/deps.sh image
	$(MAKE) --no-print-directory SAN=1 BUILD=build/san all
	$(MAKE) --no-print-directory fuzz-build
	$(MAKE) --no-print-directory all $(BUILD)/image/tenpo.img
	@TENPO_IMAGE_BUILD=$(abspath $(BUILD)) sh tests/run.sh build/san

test: check

# settings of yours for the demo's kiosk, kept across runs: build/demo.conf
# (or TENPO_DEMO_CONF=FILE), e.g. `pseudo_media = cd-r`; see tests/demo.sh
demo:
	@sh tests/deps.sh
	$(MAKE) --no-print-directory all
	@sh tests/demo.sh $(BUILD)

bench:
	@sh tests/deps.sh image
	$(MAKE) --no-print-directory all $(BUILD)/burn_bench $(BUILD)/ui_bench $(BUILD)/claim_bench \
		$(BUILD)/image/tenpo.img
	@sh tests/bench/run.sh $(BUILD)

$(BUILD)/burn_bench: $(BUILD)/obj/tests/bench/burn_bench.o $(ALL_LIBS)
	$(CC) $(TENPO_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(link_group) $(LIBS)

$(BUILD)/claim_bench: $(BUILD)/obj/tests/bench/claim_bench.o $(ALL_LIBS)
	$(CC) $(TENPO_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(link_group) $(LIBS)

# the watermark against Debian's codecs (lame, vorbis-tools, sox): see the script
bench-wm:
	@sh tests/deps.sh bench
	$(MAKE) --no-print-directory all
	@sh tests/bench/wm_eval.sh $(BUILD)

# the README's two commands, in order, in a fresh Debian 12 root: see
# tests/check-fresh.sh; logs in build/fresh/
check-fresh:
	@sh tests/check-fresh.sh

# ---- ui/: the SDL2 touchscreen as libtenpo-ui.a, its tests, its benchmark ----
# SDL headers as system headers (-isystem): our warnings, not theirs.
#   make ui-ref     regenerates tests/ui/ref/*.png on purpose (then look at them)
#   make ui-bench   frame time and touch-to-frame latency on the offscreen driver
# pkg-config is asked when this file is read: the commands above run deps
# before the make that reads it; without SDL, sdl-check says what to run.
UI_PKGS     := sdl2 SDL2_ttf SDL2_image
UI_CFLAGS   := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(UI_PKGS) 2>/dev/null)) -Iui
UI_LIBS     := $(shell pkg-config --libs $(UI_PKGS) 2>/dev/null)
UI_SRC      := $(wildcard ui/*.c)
UI_OBJ      := $(UI_SRC:%.c=$(BUILD)/obj/%.o)
LIBTENPO_UI := $(BUILD)/libtenpo-ui.a
UI_TEST_OBJ := $(patsubst tests/unit/%.c,$(BUILD)/obj/tests/unit/%.o,$(wildcard tests/unit/test_ui*.c))
.PHONY: ui-ref ui-bench
all: $(LIBTENPO_UI)
$(UI_OBJ) $(UI_TEST_OBJ) $(BUILD)/obj/tests/bench/ui_bench.o: TENPO_CFLAGS += $(UI_CFLAGS)
$(UI_OBJ) $(UI_TEST_OBJ) $(BUILD)/obj/tests/bench/ui_bench.o: | sdl-check
sdl-check:
	@pkg-config --exists $(UI_PKGS) 2>/dev/null || \
		{ echo "SDL2 (pkg-config $(UI_PKGS)) not found: run 'make deps' first, or 'make demo'"; exit 1; }
$(LIBTENPO_UI): $(UI_OBJ) $(call archive_list,$(BUILD)/libtenpo-ui.list,$(UI_OBJ))
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(filter %.o,$^)
$(BUILD)/tests/test_ui%: $(BUILD)/obj/tests/unit/test_ui%.o $(LIBTENPO_UI) $(ALL_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(TENPO_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(link_group) $(UI_LIBS) $(LIBS) -lcmocka
$(BUILD)/ui_bench: $(BUILD)/obj/tests/bench/ui_bench.o $(LIBTENPO_UI) $(ALL_LIBS)
	$(CC) $(TENPO_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(link_group) $(UI_LIBS) $(LIBS)
# tenpo run is the kiosk: the program links the UI; the library does not.
# It links the kiosk's archives only: none of the server half.
$(BUILD)/obj/firmware/cmd/tenpo.o: TENPO_CFLAGS += -Iui
$(BUILD)/tenpo: $(BUILD)/obj/firmware/cmd/tenpo.o $(LIBTENPO_UI) $(KIOSK_LIBS)
	$(CC) $(TENPO_LDFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(link_group) $(UI_LIBS) $(LIBS)
ui-ref: $(BUILD)/tests/test_ui_screens
	TENPO_UI_REGEN=1 TENPO_TOP=$(CURDIR) TENPO_BUILD=$(abspath $(BUILD)) $(BUILD)/tests/test_ui_screens
ui-bench: $(BUILD)/ui_bench
	TENPO_TOP=$(CURDIR) $(BUILD)/ui_bench
# ---- end of ui/ ----

# libFuzzer targets: each links the library built with the fuzzer's
# instrumentation; tests/run.sh runs each for a bounded number of inputs.
# `make fuzz` installs deps first (clang's runtimes); check runs fuzz-build.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -g -O1
FUZZ_CFLAGS := $(CSTD) -Wall -Wextra -Werror -Wno-missing-field-initializers -Ifirmware -Idrivers -pthread $(FT_CFLAGS)
FUZZ_LIB := build/fuzz/libtenpo.a
FUZZ_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(wildcard firmware/*.c firmware/wm/*.c drivers/*.c))
fuzz:
	@sh tests/deps.sh
	$(MAKE) --no-print-directory fuzz-build
fuzz-build: $(FUZZ_BIN)
# the library once, instrumented for the fuzzers (fuzzer-no-link: no main);
# every firmware source, both halves
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -g -O1 -MMD -MP -c $< -o $@
$(FUZZ_LIB): $(FUZZ_OBJ) $(call archive_list,build/fuzz/libtenpo.list,$(FUZZ_OBJ))
	rm -f $@
	ar rcs $@ $(filter %.o,$^)
# the touch-script parser, alone: the UI calls it would make are stubbed
build/fuzz/fuzz_ui_script: tests/fuzz/fuzz_ui_script.c ui/ui_script.c $(FUZZ_LIB)
	clang $(FUZZ_CFLAGS) -Iui $(FUZZ_FLAGS) -o $@ $< ui/ui_script.c $(FUZZ_LIB) $(LIBS)
build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	clang $(FUZZ_CFLAGS) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB) $(LIBS)

# the appliance (images/): Debian's layout under DESTDIR, the QEMU image, a VM
.PHONY: install image qemu check-qemu
install:
	@sh tests/deps.sh
	$(MAKE) --no-print-directory all
	@sh images/install.sh "$(DESTDIR)" $(BUILD)
image qemu:
	@sh tests/deps.sh image
	$(MAKE) --no-print-directory all
	@sh images/$(if $(filter image,$@),build-image,$@).sh $(BUILD)
# every appliance test (images/check-qemu*.sh), the image made first if stale
check-qemu:
	@sh tests/deps.sh image
	$(MAKE) --no-print-directory all $(BUILD)/image/tenpo.img
	@rc=0; for t in check-qemu check-qemu-periph check-qemu-offline check-qemu-power; do \
		sh images/$$t.sh $(BUILD) || rc=1; done; exit $$rc
# check's image: rebuilt only when the programs or the recipe changed
# (`make image` always builds afresh)
$(BUILD)/image/tenpo.img: $(BUILD)/tenpo $(BUILD)/tenpo-delivery images/build-image.sh images/install.sh \
		$(shell find images/rootfs images/qemu board drivers/devices.conf drivers/profiles -type f 2>/dev/null)
	@sh images/build-image.sh $(BUILD)

clean:
	rm -rf build

# objects of the test programs are not intermediates to delete after linking
.SECONDARY:

-include $(shell find $(BUILD)/obj build/fuzz/obj -name '*.d' 2>/dev/null)
