# SPDX-License-Identifier: Apache-2.0
# Thin wrapper over CMake. `make` builds and installs to build/install.
# `make PRESET=lean` builds configs/sdkconfig.lean (on top of sdkconfig.defaults) in
# build/lean, with its own build/lean/sdkconfig, and installs to build/lean/install.
# `make PRESET=insecure` (configs/sdkconfig.insecure: skip server verification, HTTP OTA;
# for tests only, never to ship) installs to build/insecure/install.
BUILD   := build
PRESET  ?=
ifeq ($(PRESET),)
RELEASE := $(BUILD)/release
INSTALL := $(BUILD)/install
PRESET_ARGS :=
else
RELEASE := $(BUILD)/$(PRESET)
INSTALL := $(BUILD)/$(PRESET)/install
PRESET_ARGS := -DSDKCONFIG="$(CURDIR)/$(RELEASE)/sdkconfig" \
    -DSDKCONFIG_DEFAULTS="$(CURDIR)/sdkconfig.defaults;$(CURDIR)/configs/sdkconfig.$(PRESET)"
endif
PREFIX  ?= $(CURDIR)/$(INSTALL)
JOBS    ?= $(shell nproc)
MAKEFLAGS += --no-print-directory
PYTHON  := /usr/bin/python3

.PHONY: all bootstrap configure build install demo test test-unit test-asan test-valgrind \
        menuconfig bench clean distclean format conformance tlsfuzzer soak docs

all: build
	cmake --install $(RELEASE) --prefix $(CURDIR)/$(INSTALL) >/dev/null

bootstrap:
	@sh scripts/bootstrap.sh
	@sh scripts/fetch-mbedtls.sh $(BUILD)/deps

$(RELEASE)/CMakeCache.txt: | bootstrap
	@if [ -n "$(PRESET)" ] && [ ! -f configs/sdkconfig.$(PRESET) ]; then \
	    echo "no preset configs/sdkconfig.$(PRESET)"; exit 1; fi
	cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(PRESET_ARGS)

configure: bootstrap $(RELEASE)/CMakeCache.txt

build: configure
	cmake --build $(RELEASE) -j$(JOBS)

install: all
	cmake --install $(RELEASE) --prefix $(PREFIX)

demo: all
	sh tests/interop/demo.sh $(CURDIR)/$(INSTALL)/bin/esp-tls

test: all
	@sh scripts/bootstrap.sh test
	sh tests/run-all.sh

# x509-limbo, whole suite, through esp_tls_verify_chain(): Web PKI (strict) beside Mbed TLS only
conformance: all
	cmake --build $(RELEASE) --target conformance

# tlsfuzzer (../shared/testdata/tlsfuzzer beside the checkout, never part of the repository):
# every script of its list against esp-tls server --www and openssl s_server -www, a table per
# script and build/tlsfuzzer/results.csv (docs/tlsfuzzer.md). Skipped when the snapshot or
# python3-ecdsa is missing. More: make tlsfuzzer TLSFUZZER_ARGS="--servers esp,openssl,gnutls"
tlsfuzzer: all
	@sh scripts/bootstrap.sh test
	@rc=0; $(PYTHON) tests/tlsfuzzer/run.py --esp-tls $(CURDIR)/$(RELEASE)/esp-tls \
	    --work $(CURDIR)/$(BUILD)/tlsfuzzer $(TLSFUZZER_ARGS) || rc=$$?; \
	    if [ $$rc -eq 77 ]; then echo "tlsfuzzer: skipped"; exit 0; fi; exit $$rc

# Soak (not part of make test): good and hostile clients at once against esp-tls server and
# examples/https_server for DURATION seconds, RSS and descriptors sampled every second
# (tests/soak/soak.py; samples in build/soak/samples.csv). make soak DURATION=300
DURATION ?= 3600
soak: all
	@sh scripts/bootstrap.sh test
	@sh tests/certs/gen.sh $(CURDIR)/$(BUILD)/soak/certs >/dev/null
	$(PYTHON) tests/soak/soak.py --esp-tls $(CURDIR)/$(RELEASE)/esp-tls \
	    --https-server $(CURDIR)/$(RELEASE)/examples/https_server \
	    --certs $(CURDIR)/$(BUILD)/soak/certs --duration $(DURATION) --out $(CURDIR)/$(BUILD)/soak

bench: all
	@sh scripts/bootstrap.sh test
	$(MAKE) PRESET=lean all
	sh bench/run.sh $(RELEASE) $(BUILD)/lean
	sh bench/bundle_mem.sh $(RELEASE)
	sh bench/mem.sh $(RELEASE) $(BUILD)/lean
	sh bench/http_mem.sh $(RELEASE)
	BENCH_OUT=$(BUILD)/bench sh bench/whole.sh $(RELEASE) $(BUILD)/lean
	sh bench/client_cpu.sh $(RELEASE)
	BENCH_OUT=$(BUILD)/bench sh bench/bulk.sh $(RELEASE) $(BUILD)/lean

# The API reference from include/ (Doxygen, docs/Doxyfile) into build/docs/html; undocumented
# public functions are listed (build/docs/warnings.log), not fatal.
docs:
	@command -v doxygen >/dev/null || { echo "make docs needs doxygen (apt-get install doxygen)"; exit 1; }
	@mkdir -p $(BUILD)/docs
	doxygen docs/Doxyfile
	@n=$$(grep -c '(function) .*is not documented' $(BUILD)/docs/warnings.log || true); \
	    echo "API reference: $(BUILD)/docs/html/index.html; undocumented public functions: $$n" \
	        "(all warnings: $(BUILD)/docs/warnings.log)"; \
	    grep '(function) .*is not documented' $(BUILD)/docs/warnings.log | sed 's|^$(CURDIR)/||' || true

menuconfig: bootstrap
	@[ -f sdkconfig ] || cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	KCONFIG_CONFIG=sdkconfig $(PYTHON) -m menuconfig Kconfig

clean:
	rm -rf $(RELEASE) $(BUILD)/asan $(BUILD)/insecure $(BUILD)/test-insecure $(BUILD)/extmbed $(BUILD)/tsan \
	    $(BUILD)/install $(BUILD)/lean

distclean:
	rm -rf $(BUILD) sdkconfig

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
