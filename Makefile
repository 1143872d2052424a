# SPDX-License-Identifier: GPL-2.0
#
# vmacct: for people and for Kbuild.
#
#   make                 module for the running kernel (if it has headers) + tool
#   make modules KVER=.. module for another installed kernel (or KDIR=..)
#   make deps            install build and test dependencies (root, idempotent)
#   make check           host tests, lint, and the selftests in a QEMU guest
#                        for every installed kernel; ends "N passed, N failed"
#   make demo            boot a guest, load the module, show `vmacct status`
#   make lint            checkpatch --strict, W=1 and sparse for every kernel
#   make debug-kernel    build (or reuse) the debug kernel: KASAN, lockdep, UBSAN, kmemleak
#   make check-debug     the suite, the full fuzzer and unload stress on the debug kernel
#   make check-newest    the suite on Debian sid's newest kernel (sid chroot, cached)
#   make check-arm64     cross-build for bookworm's arm64 6.1 and 6.12, the suite in an arm64 guest
#   make build-matrix    build with W=1 against every bookworm linux-headers-*-amd64
#   make deb             vmacct and vmacct-dkms .debs in build/deb/ (built in a copy of the tree)
#   make check-deb       build them, lintian, install them in a bookworm guest (DKMS, modprobe, purge)
#   make bench           VMACCT_IOC_MM against parsing /proc, what tracing
#                        costs, and what the module costs the workloads it
#                        watches (mmap, brk, fork+exec, VMA split, getpid;
#                        not loaded, recorder, reader, tracefs kretprobe;
#                        attach latency) and how fast vmacct trace drains
#                        (text, JSON; file, pipe), in a guest per kernel
#   make install         module (modules_install + depmod) and install-tool;
#                        DESTDIR=DIR installs all of it under DIR
#   make install-tool    the tool, its man page, completion and units, the
#                        modprobe.d install line and modules-load.d entry,
#                        naming $(PREFIX)/sbin/vmacct (PREFIX=/usr)
#   make dkms-install    register this tree with DKMS (dkms add/build/install)
#
# Kbuild reads ./Kbuild, not this file.

KVER	?= $(shell uname -r)
KDIR	?= /lib/modules/$(KVER)/build
VERSION	:= $(shell sed -n 's/^\#define VMACCT_VERSION_STR\t"\(.*\)"/\1/p' module/vmacct.h)
PREFIX	?= /usr
BUILD	:= $(CURDIR)/build

all: tool
ifneq ($(wildcard $(KDIR)/Makefile),)
all: modules
else
all:
	@echo "no kernel headers at $(KDIR): module not built (make deps, or KDIR=...)"
endif

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# DESTDIR: under it, never in the running system's /lib/modules
modules_install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(abspath $(DESTDIR)))
	depmod -a $(if $(DESTDIR),-b $(abspath $(DESTDIR))) $(KVER)

tool:
	$(MAKE) -C userspace

install: modules_install install-tool

install-tool: tool
	$(MAKE) -C userspace install install-boot PREFIX=$(PREFIX)

# DKMS builds from /usr/src/vmacct-$(VERSION)
DKMS_FILES := Kbuild Makefile dkms.conf module
dkms-install:
	rm -rf /usr/src/vmacct-$(VERSION)
	mkdir -p /usr/src/vmacct-$(VERSION)
	cp -a $(DKMS_FILES) /usr/src/vmacct-$(VERSION)/
	dkms add -m vmacct -v $(VERSION)
	dkms build -m vmacct -v $(VERSION) -k $(KVER)
	dkms install -m vmacct -v $(VERSION) -k $(KVER)

dkms-remove:
	-dkms remove -m vmacct -v $(VERSION) --all
	rm -rf /usr/src/vmacct-$(VERSION)

deps:
	scripts/deps.sh

# kselftest headers and checkpatch.pl, from Debian's newest linux-source tarball
ksft-headers: $(BUILD)/ksft/kselftest_harness.h

$(BUILD)/ksft/kselftest_harness.h:
	scripts/extract-ksrc.sh $(BUILD)

selftests: ksft-headers
	$(MAKE) -C selftests

check:
	scripts/check.sh

demo:
	scripts/demo.sh

lint:
	scripts/lint.sh

debug-kernel:
	scripts/debug-kernel.sh

check-debug:
	scripts/check-debug.sh

check-newest:
	scripts/check-suite.sh sid

check-arm64:
	scripts/check-arm64.sh

build-matrix:
	scripts/build-matrix.sh

deb:
	scripts/deb/build-deb.sh

check-deb:
	scripts/deb/check-deb.sh

bench:
	scripts/bench.sh
	scripts/bench-trace.sh
	scripts/bench-cost.sh
	scripts/bench-drain.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C userspace clean
	rm -rf $(BUILD)

.PHONY: all modules modules_install tool install install-tool dkms-install dkms-remove \
	deps ksft-headers selftests check demo lint bench debug-kernel \
	check-debug check-newest check-arm64 build-matrix deb check-deb clean
