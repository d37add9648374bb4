# Thin wrapper over CMake. `make` builds and installs to build/install.
BUILD   := build
RELEASE := $(BUILD)/release
PREFIX  ?= $(CURDIR)/$(BUILD)/install
JOBS    ?= $(shell nproc)
MAKEFLAGS += --no-print-directory
PYTHON  := /usr/bin/python3

.PHONY: all bootstrap configure build install demo test test-unit test-asan test-valgrind \
        menuconfig bench clean distclean format conformance

all: build
	cmake --install $(RELEASE) --prefix $(CURDIR)/$(BUILD)/install >/dev/null

bootstrap:
	@sh scripts/bootstrap.sh
	@sh scripts/fetch-mbedtls.sh $(BUILD)/deps

$(RELEASE)/CMakeCache.txt: | bootstrap
	cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: bootstrap $(RELEASE)/CMakeCache.txt

build: configure
	cmake --build $(RELEASE) -j$(JOBS)

install: all
	cmake --install $(RELEASE) --prefix $(PREFIX)

demo: all
	sh tests/interop/demo.sh $(CURDIR)/$(BUILD)/install/bin/esp-tls

test: all
	sh tests/run-all.sh

# x509-limbo, whole suite, through esp_tls_verify_chain(): Web PKI (strict) beside Mbed TLS only
conformance: all
	cmake --build $(RELEASE) --target conformance

bench: all
	sh bench/run.sh $(RELEASE)
	sh bench/bundle_mem.sh $(RELEASE)

menuconfig: bootstrap
	@[ -f sdkconfig ] || cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	KCONFIG_CONFIG=sdkconfig $(PYTHON) -m menuconfig Kconfig

clean:
	rm -rf $(RELEASE) $(BUILD)/asan $(BUILD)/insecure $(BUILD)/extmbed $(BUILD)/tsan $(BUILD)/install

distclean:
	rm -rf $(BUILD) sdkconfig

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
