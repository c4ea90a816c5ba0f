# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Test stand-in for OpenWrt's /lib/functions.sh (+ /lib/config/uci.sh), just the part of
# its config API that tools/openwrt/voiceqos/files/ use, for running them on a machine
# without OpenWrt's uci:
#
#   config_load PACKAGE        parse ${UCI_CONFIG_DIR:-/etc/config}/PACKAGE; 1 on error
#   config_cb TYPE NAME / option_cb NAME VALUE / list_cb NAME VALUE
#                              the caller's callbacks, called in file order; config_cb is
#                              called once more without arguments after the last section
#   config_get VAR SECTION OPTION [DEFAULT], config_get_bool, config_list_foreach,
#   config_foreach, reset_cb
#
# It is written from the documented behaviour (openwrt.org "UCI configuration" and
# "config scripting"), not copied: on the router, uci_load runs `uci -n export PACKAGE`
# and evals its output, a sequence of `package`/`config`/`option`/`list` commands with
# every word single-quoted, and those commands store CONFIG_<section>_<option> variables
# and call the callbacks. Here an awk program turns the file into the same sequence; a
# file uci would refuse makes config_load return 1 with nothing loaded, as uci_load does
# (it discards uci's message; this one prints the line on stderr).
#
# What differs from the real thing, on purpose: anonymous sections are named cfgNN0000
# (uci: cfgNNHHHH with a hash), a quoted value may not span lines (uci allows it), and
# /var/state is not read.

reset_cb() {
	config_cb() { return 0; }
	option_cb() { return 0; }
	list_cb() { return 0; }
}
reset_cb

# The UCI file syntax (what libuci's parser accepts, for single-line statements): words
# separated by blanks; a word is made of unquoted runs (a backslash escapes the next
# character), '...' (literal) and "..." (backslash escapes) pieces glued together; '#'
# where a word would start comments out the rest of the line. Printed back as words in
# single quotes, the way `uci export` quotes them.
# shellcheck disable=SC2016 # an awk program: its $0 is awk's
_vq_uci_awk='
function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
	exit 1
}
function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
{
	line = $0; n = 0
	sub(/\r$/, "", line)
	while (1) {
		sub(/^[ \t]+/, "", line)
		if (line == "" || substr(line, 1, 1) == "#")
			break
		w = ""
		while (line != "" && substr(line, 1, 1) !~ /[ \t]/) {
			c = substr(line, 1, 1)
			if (c == "\047") {
				e = index(substr(line, 2), "\047")
				if (!e) fail("unterminated quote")
				w = w substr(line, 2, e - 1); line = substr(line, e + 2)
			} else if (c == "\"") {
				line = substr(line, 2)
				while (1) {
					if (line == "") fail("unterminated quote")
					c = substr(line, 1, 1)
					if (c == "\"") { line = substr(line, 2); break }
					if (c == "\\") {
						if (length(line) < 2) fail("unterminated quote")
						c = substr(line, 2, 1); line = substr(line, 2)
					}
					w = w c; line = substr(line, 2)
				}
			} else if (c == "\\") {
				if (length(line) < 2) fail("backslash at end of line")
				w = w substr(line, 2, 1); line = substr(line, 3)
			} else {
				w = w c; line = substr(line, 2)
			}
		}
		word[++n] = w
	}
	if (n == 0)
		next
	cmd = word[1]
	if (cmd == "package") {
		if (n != 2) fail("package takes one name")
	} else if (cmd == "config") {
		if (n < 2 || n > 3) fail("config takes a type and an optional name")
		if (word[2] !~ /^[A-Za-z0-9_-]+$/) fail("invalid section type \047" word[2] "\047")
		if (n == 3 && word[3] !~ /^[A-Za-z0-9_]+$/) fail("invalid section name \047" word[3] "\047")
		if (n == 2) word[++n] = sprintf("cfg%02x0000", nsec)
		nsec++; insec = 1
	} else if (cmd == "option" || cmd == "list") {
		if (!insec) fail(cmd " outside a section")
		if (n != 3) fail(cmd " takes a name and a value")
		if (word[2] !~ /^[A-Za-z0-9_]+$/) fail("invalid option name \047" word[2] "\047")
	} else {
		fail("unknown statement \047" cmd "\047")
	}
	out = cmd
	for (i = 2; i <= n; i++)
		out = out " " q(word[i])
	print out
}'

# CONFIG_<section>_<option> variables, as the real functions.sh keeps them; section and
# option names are [A-Za-z0-9_] (checked above), so they are safe in a variable name.
config_set() {
	eval "CONFIG_${1}_${2}=\$3"
}

config_get() {
	if [ $# -ge 3 ]; then
		eval "$1=\${CONFIG_${2}_${3}:-\$4}"
	else
		eval "echo \"\${CONFIG_${1}_${2}}\""
	fi
}

config_get_bool() {
	config_get "$1" "$2" "$3" "$4"
	eval "_vq_b=\$$1"
	case $_vq_b in
	1 | on | true | yes | enabled) _vq_b=1 ;;
	0 | off | false | no | disabled) _vq_b=0 ;;
	*) _vq_b=$4 ;;
	esac
	eval "$1=\$_vq_b"
}

package() { return 0; }

config() {
	CONFIG_NUM_SECTIONS=$((CONFIG_NUM_SECTIONS + 1))
	CONFIG_SECTION=$2
	CONFIG_SECTIONS="${CONFIG_SECTIONS:+$CONFIG_SECTIONS }$2"
	config_set "$2" TYPE "$1"
	config_cb "$1" "$2"
}

option() {
	config_set "$CONFIG_SECTION" "$1" "$2"
	option_cb "$1" "$2"
}

# A list is stored item by item (<option>_ITEMn, <option>_LENGTH) and also joined with
# blanks in CONFIG_<section>_<option>, which is what config_get returns for it.
list() {
	config_get _vq_len "$CONFIG_SECTION" "${1}_LENGTH" 0
	_vq_len=$((_vq_len + 1))
	config_set "$CONFIG_SECTION" "${1}_ITEM$_vq_len" "$2"
	config_set "$CONFIG_SECTION" "${1}_LENGTH" "$_vq_len"
	config_get _vq_all "$CONFIG_SECTION" "$1"
	config_set "$CONFIG_SECTION" "$1" "${_vq_all:+$_vq_all }$2"
	_vq_lists="$_vq_lists ${CONFIG_SECTION}_$1"
	list_cb "$1" "$2"
}

config_load() {
	for _vq_v in $_vq_lists; do
		eval "unset CONFIG_${_vq_v}_LENGTH CONFIG_${_vq_v}"
	done
	for _vq_v in $CONFIG_SECTIONS; do
		eval "unset CONFIG_${_vq_v}_TYPE"
	done
	_vq_lists='' CONFIG_SECTIONS='' CONFIG_NUM_SECTIONS=0 CONFIG_SECTION=''
	_vq_data=$(awk "$_vq_uci_awk" "${UCI_CONFIG_DIR:-/etc/config}/$1") || return 1
	eval "$_vq_data"
	${CONFIG_SECTION:+config_cb}
	return 0
}

config_foreach() {
	_vq_fn=$1
	_vq_type=$2
	shift 2
	for _vq_sec in $CONFIG_SECTIONS; do
		_vq_t=''
		config_get _vq_t "$_vq_sec" TYPE
		[ -n "$_vq_type" ] && [ "$_vq_t" != "$_vq_type" ] && continue
		"$_vq_fn" "$_vq_sec" "$@"
	done
}

config_list_foreach() {
	_vq_ls=$1 _vq_lo=$2 _vq_lf=$3
	shift 3
	_vq_ln=0
	config_get _vq_ln "$_vq_ls" "${_vq_lo}_LENGTH" 0
	_vq_i=1
	while [ "$_vq_i" -le "$_vq_ln" ]; do
		_vq_item=''
		config_get _vq_item "$_vq_ls" "${_vq_lo}_ITEM$_vq_i"
		"$_vq_lf" "$_vq_item" "$@"
		_vq_i=$((_vq_i + 1))
	done
}
