# SPDX-License-Identifier: GPL-2.0
# Stand-in for OpenWrt's include/kernel.mk (see ../rules.mk).

LINUX_DIR ?= $(error LINUX_DIR is not set)
LINUX_KARCH ?= $(error LINUX_KARCH is not set)
KERNEL_CROSS ?=
# OpenWrt's KERNEL_MAKE is make -C $(LINUX_DIR) with ARCH and CROSS_COMPILE (and flags
# of its own). KERNEL_MAKE_EXTRA: what this machine's tree needs on top, e.g.
# KBUILD_MODPOST_WARN=1 for a tree without Module.symvers (OpenWrt's has one).
KERNEL_MAKE = $(MAKE) -C $(LINUX_DIR) ARCH="$(LINUX_KARCH)" CROSS_COMPILE="$(KERNEL_CROSS)" \
	$(KERNEL_MAKE_EXTRA)
LINUX_VERSION ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(LINUX_DIR)/include/generated/utsrelease.h)
MODULES_SUBDIR = lib/modules/$(LINUX_VERSION)

# AUTOLOAD is shell code calling probe_module NAMES: the module list in
# /etc/modules.d/<package>, as OpenWrt writes it.
define AutoProbe
  probe_module "$(1)";
endef

# KernelPackage NAME: package kmod-NAME, whose install copies FILES and writes the
# AUTOLOAD list.
define KernelPackage/template
install: install-kmod-$(1)
install-kmod-$(1): compile
	rm -rf $(ROOT_DIR)/kmod-$(1)
	$(INSTALL_DIR) $(ROOT_DIR)/kmod-$(1)/$(MODULES_SUBDIR) $(ROOT_DIR)/kmod-$(1)/etc/modules.d
	$(CP) $$(KMOD_FILES_$(1)) $(ROOT_DIR)/kmod-$(1)/$(MODULES_SUBDIR)/
	probe_module() { echo "$$$$*" >>$(ROOT_DIR)/kmod-$(1)/etc/modules.d/$(1); }; \
		$$(KMOD_AUTOLOAD_$(1)) true
endef

define KernelPackage
  $(eval FILES:=)
  $(eval AUTOLOAD:=)
  $(eval DEPENDS:=)
  $(eval $(call KernelPackage/$(1)))
  $(eval KMOD_FILES_$(1) := $(FILES))
  $(eval KMOD_AUTOLOAD_$(1) := $(AUTOLOAD))
  $(eval DEPENDS_kmod-$(1) := $(DEPENDS))
  $(eval $(call KernelPackage/template,$(1)))
endef
