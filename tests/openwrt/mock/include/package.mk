# SPDX-License-Identifier: GPL-2.0
# Stand-in for OpenWrt's include/package.mk (see ../rules.mk).

PKG_BUILD_DIR ?= $(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)

.PHONY: prepare compile install
.DEFAULT_GOAL := install

prepare:
	rm -rf $(PKG_BUILD_DIR)
	mkdir -p $(PKG_BUILD_DIR)
	$(call Build/Prepare)

compile: prepare
	$(call Build/Compile)

# BuildPackage NAME: its install recipe into $(ROOT_DIR)/NAME, its conffiles listed in
# $(ROOT_DIR)/NAME.conffiles, its DEPENDS in DEPENDS_NAME.
define BuildPackage/template
install: install-$(1)
install-$(1): compile
	rm -rf $(ROOT_DIR)/$(1)
	mkdir -p $(ROOT_DIR)/$(1)
	$$(call Package/$(1)/install,$(ROOT_DIR)/$(1))
	echo '$$(strip $$(Package/$(1)/conffiles))' >$(ROOT_DIR)/$(1).conffiles
endef

define BuildPackage
  $(eval DEPENDS:=)
  $(eval $(call Package/$(1)))
  $(eval DEPENDS_$(1) := $(DEPENDS))
  $(eval $(call BuildPackage/template,$(1)))
endef

# make ... print-VAR: a variable's value, for the checks.
print-%:
	@echo '$($*)'
