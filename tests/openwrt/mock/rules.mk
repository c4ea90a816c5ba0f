# SPDX-License-Identifier: GPL-2.0
#
# Stand-in for an OpenWrt buildroot's rules.mk, include/kernel.mk and include/package.mk
# (tests/openwrt/run.sh): just the variables and macros tools/openwrt/voiceqos/Makefile
# uses, so that its Build/Prepare, Build/Compile and install recipes run for real on
# this machine. The names are OpenWrt's; the values are this machine's (host gcc for the
# userspace, a tools/cross.sh kernel tree for the module). It does not model OpenWrt's
# dependency resolution, ipk/apk packaging or staging dirs.
#
#   make -C tools/openwrt/voiceqos TOPDIR=<this dir> BUILD_DIR=<scratch> \
#	LINUX_DIR=<kbuild tree> LINUX_KARCH=mips KERNEL_CROSS=mips-linux-gnu- install

INCLUDE_DIR := $(TOPDIR)/include
BUILD_DIR ?= $(error BUILD_DIR is not set)
# Where the install recipes put each package's files: $(ROOT_DIR)/<package>/.
ROOT_DIR ?= $(BUILD_DIR)/root

TARGET_CC ?= gcc
TARGET_AR ?= ar
# What OpenWrt's default optimisation looks like (CONFIG_TARGET_OPTIMIZATION), minus the
# CPU-specific and OpenWrt-gcc-only flags.
TARGET_CFLAGS ?= -Os -pipe -fno-caller-saves -fno-plt
TARGET_CPPFLAGS ?=
TARGET_LDFLAGS ?=
TARGET_CONFIGURE_OPTS = CC="$(TARGET_CC)" AR="$(TARGET_AR)"
PKG_JOBS ?= -j$(shell nproc)

CP := cp -fpR
INSTALL_DIR := install -d -m0755
INSTALL_BIN := install -m0755
INSTALL_CONF := install -m0600
INSTALL_DATA := install -m0644
