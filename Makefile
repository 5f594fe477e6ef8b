# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tenpo: `make demo` and `make check` are the two commands of the README.
#
#   make            release build into build/
#   make check      sanitizer (ASan+UBSan) build into build/san/, then every test
#   make bench      release build, then the benchmarks against xorriso and curl
#   make fuzz       libFuzzer targets into build/fuzz/ (clang)
#   make deps       installs the Debian packages the build and tests need
#
# Sources are found by wildcard: firmware/*.c is the library (no main),
# firmware/cmd/*.c are the thin programs over it, tests/unit/test_*.c are
# cmocka tests, tests/fuzz/fuzz_*.c libFuzzer targets.

BUILD   ?= build
CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers
OPT     ?= -O2 -g
SAN     ?=
ifeq ($(SAN),1)
OPT     := -O1 -g -fno-omit-frame-pointer
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif
CFLAGS  += $(CSTD) $(WARN) $(OPT) $(SANFLAGS) -MMD -MP -Ifirmware -pthread
LDFLAGS += $(SANFLAGS) -pthread
LIBS    := -lburn -lisofs -lsndfile -lmbedtls -lmbedx509 -lmbedcrypto -lnettle -lsqlite3 -lcjson -lm

FW_SRC  := $(wildcard firmware/*.c)
FW_OBJ  := $(FW_SRC:%.c=$(BUILD)/obj/%.o)
LIBTENPO := $(BUILD)/libtenpo.a

SRV_SRC := $(wildcard tests/delivery-server/*.c)
SRV_OBJ := $(SRV_SRC:%.c=$(BUILD)/obj/%.o)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

PROGRAMS := $(BUILD)/tenpo $(BUILD)/tenpo-delivery $(BUILD)/tenpo-wm

.PHONY: all deps check test demo bench bench-wm fuzz clean
all: $(PROGRAMS) $(UNIT_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIBTENPO): $(FW_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tenpo-wm: $(BUILD)/obj/firmware/cmd/tenpo-wm.o $(LIBTENPO)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tenpo-delivery: $(SRV_OBJ) $(LIBTENPO)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBTENPO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) -lcmocka

deps:
	@sh tests/deps.sh

check: deps
	$(MAKE) --no-print-directory SAN=1 BUILD=build/san all
	$(MAKE) --no-print-directory fuzz
	@sh tests/run.sh build/san

test: check

demo: deps all
	@sh tests/demo.sh $(BUILD)

bench: deps all $(BUILD)/burn_bench $(BUILD)/ui_bench $(BUILD)/claim_bench
	@sh tests/bench/run.sh $(BUILD)

$(BUILD)/burn_bench: $(BUILD)/obj/tests/bench/burn_bench.o $(LIBTENPO)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/claim_bench: $(BUILD)/obj/tests/bench/claim_bench.o $(LIBTENPO)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# the watermark against Debian's codecs (lame, vorbis-tools, sox): see the script
bench-wm: all
	@sh tests/deps.sh bench
	@sh tests/bench/wm_eval.sh $(BUILD)

# ---- ui/: the SDL2 touchscreen as libtenpo-ui.a, its tests, its benchmark ----
# SDL headers as system headers (-isystem): our warnings, not theirs.
#   make ui-ref     regenerates tests/ui/ref/*.png on purpose (then look at them)
#   make ui-bench   frame time and touch-to-frame latency on the offscreen driver
UI_PKGS     := sdl2 SDL2_ttf SDL2_image
UI_CFLAGS   := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(UI_PKGS) 2>/dev/null)) -Iui
UI_LIBS     := $(shell pkg-config --libs $(UI_PKGS) 2>/dev/null)
UI_SRC      := $(wildcard ui/*.c)
UI_OBJ      := $(UI_SRC:%.c=$(BUILD)/obj/%.o)
LIBTENPO_UI := $(BUILD)/libtenpo-ui.a
UI_TEST_OBJ := $(patsubst tests/unit/%.c,$(BUILD)/obj/tests/unit/%.o,$(wildcard tests/unit/test_ui*.c))
.PHONY: ui-ref ui-bench
all: $(LIBTENPO_UI)
$(UI_OBJ) $(UI_TEST_OBJ) $(BUILD)/obj/tests/bench/ui_bench.o: CFLAGS += $(UI_CFLAGS)
$(LIBTENPO_UI): $(UI_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^
$(BUILD)/tests/test_ui%: $(BUILD)/obj/tests/unit/test_ui%.o $(LIBTENPO_UI) $(LIBTENPO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(UI_LIBS) $(LIBS) -lcmocka
$(BUILD)/ui_bench: $(BUILD)/obj/tests/bench/ui_bench.o $(LIBTENPO_UI) $(LIBTENPO)
	$(CC) $(LDFLAGS) -o $@ $^ $(UI_LIBS) $(LIBS)
# tenpo run is the kiosk: the program links the UI; the library does not
$(BUILD)/obj/firmware/cmd/tenpo.o: CFLAGS += -Iui
$(BUILD)/tenpo: $(BUILD)/obj/firmware/cmd/tenpo.o $(LIBTENPO_UI) $(LIBTENPO)
	$(CC) $(LDFLAGS) -o $@ $^ $(UI_LIBS) $(LIBS)
ui-ref: $(BUILD)/tests/test_ui_screens
	TENPO_UI_REGEN=1 TENPO_TOP=$(CURDIR) TENPO_BUILD=$(abspath $(BUILD)) $(BUILD)/tests/test_ui_screens
ui-bench: $(BUILD)/ui_bench
	TENPO_TOP=$(CURDIR) $(BUILD)/ui_bench
# ---- end of ui/ ----

# libFuzzer targets: each links the library built with the fuzzer's
# instrumentation; tests/run.sh runs each for a bounded number of inputs.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -g -O1
FUZZ_CFLAGS := $(CSTD) -Wall -Wextra -Werror -Wno-missing-field-initializers -Ifirmware -pthread
FUZZ_LIB := build/fuzz/libtenpo.a
fuzz: $(FUZZ_BIN)
# the library once, instrumented for the fuzzers (fuzzer-no-link: no main)
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -g -O1 -MMD -MP -c $< -o $@
$(FUZZ_LIB): $(FW_SRC:%.c=build/fuzz/obj/%.o)
	rm -f $@
	ar rcs $@ $^
# the touch-script parser, alone: the UI calls it would make are stubbed
build/fuzz/fuzz_ui_script: tests/fuzz/fuzz_ui_script.c ui/ui_script.c $(FUZZ_LIB)
	clang $(FUZZ_CFLAGS) -Iui $(FUZZ_FLAGS) -o $@ $< ui/ui_script.c $(FUZZ_LIB) $(LIBS)
build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	clang $(FUZZ_CFLAGS) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB) $(LIBS)

clean:
	rm -rf build

# objects of the test programs are not intermediates to delete after linking
.SECONDARY:

-include $(shell find $(BUILD)/obj build/fuzz/obj -name '*.d' 2>/dev/null)
