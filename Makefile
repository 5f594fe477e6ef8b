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

PROGRAMS := $(BUILD)/tenpo $(BUILD)/tenpo-delivery

.PHONY: all deps check test demo bench fuzz clean
all: $(PROGRAMS) $(UNIT_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIBTENPO): $(FW_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tenpo: $(BUILD)/obj/firmware/cmd/tenpo.o $(LIBTENPO)
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

bench: deps all
	@sh tests/bench/run.sh $(BUILD)

# libFuzzer targets: each links the library built with the fuzzer's
# instrumentation; tests/run.sh runs each for a bounded number of inputs.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -g -O1
fuzz: $(FUZZ_BIN)
build/fuzz/%: tests/fuzz/%.c $(FW_SRC)
	@mkdir -p $(dir $@)
	clang $(CSTD) -Wall -Wextra -Werror -Wno-missing-field-initializers -Ifirmware -pthread \
		$(FUZZ_FLAGS) -o $@ $< $(FW_SRC) $(LIBS)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
