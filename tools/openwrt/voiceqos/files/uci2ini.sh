#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# uci2ini.sh [PACKAGE]: print the voiceqosd INI file (Documentation/config.md) that the
# UCI config /etc/config/PACKAGE (default voiceqos) stands for. Installed on OpenWrt as
# /usr/libexec/voiceqos/uci2ini.sh and run by /etc/init.d/voiceqos at start and reload.
#
# The mapping is one to one: a UCI section of type daemon, sip, media, kernel, link, voice,
# quality or dialog becomes the INI section of that name, an option becomes the key of
# that name, and a list (or an option holding several words) becomes a blank-separated INI list.
# Only `list ports` and `list trusted` may be lists, and `list profile`, whose items are
# written one per `profile = ...` line (an item holds blanks: "mon-fri 08:00-18:00 80%"). `option enabled` in the daemon section is
# read by the init script and has no INI key.
#
# Strict like voiceqosd's own reader: an unknown section type or option, a second section
# of one type, or a list where one value belongs is an error naming the UCI option
# (voiceqos.sip.prots), since a typo must not quietly fall back to a default. All errors
# are printed (stderr), nothing goes to stdout, exit 1. What a value means is checked by
# voiceqosd -t on the result (the init script does), not here: one implementation of the
# rules, and its messages name the same section and key.
#
# Reads the config with OpenWrt's own /lib/functions.sh (config_load = `uci export`, so
# the quoting, anonymous sections and uncommitted state are uci's business). Tests point
# VQOS_FUNCTIONS at tests/openwrt/functions.sh, a stand-in for machines without uci;
# UCI_CONFIG_DIR is honoured by both.

PACKAGE=${1:-voiceqos}
CONFFILE=${UCI_CONFIG_DIR:-/etc/config}/$PACKAGE

# shellcheck source=/dev/null # OpenWrt's file on the router, the test stand-in elsewhere
. "${VQOS_FUNCTIONS:-/lib/functions.sh}"
# Values and list items are split on blanks below; a '*' in one must stay a '*'.
set -f

# Known keys per section, in the order of etc/voiceqos.conf (the order they are printed).
SECTIONS='daemon sip media kernel link voice quality dialog'
keys_of() {
	case $1 in
	daemon) echo 'log log_level socket sip_rcvbuf' ;;
	sip) echo 'ports trusted dscp mirror_rate' ;;
	media) echo 'voice_dscp video_dscp image_dscp link unknown_audio_kbps video_kbps' \
		'image_kbps opus_kbps rtcp_percent' ;;
	kernel) echo 'voice_priority video_priority be_priority fallback_dscp mark' \
		'flow_timeout' ;;
	link) echo 'uplink uplink_rate downlink downlink_rate overhead signalling_rate' ;;
	voice) echo 'budget profile' ;;
	quality) echo 'mos_threshold link_delay interval' ;;
	dialog) echo 'max_dialogs early_timeout idle_timeout' ;;
	esac
}
LISTS='ports trusted profile'
# Lists whose items are whole lines (one KEY = ITEM each), not words.
LINES='profile'
# UCI-only options: read by the init script, not written to the INI.
uci_only_of() {
	case $1 in
	daemon) echo 'enabled' ;;
	esac
}

# inih keeps 200 bytes of a line (198 characters with Debian's build): longer lists are
# continued on a repeated key, which the INI reader appends to the list.
LINE_MAX=160

errors=0
err() {
	echo "$CONFFILE: $*" >&2
	errors=$((errors + 1))
}

# words LIST: "a, b, c", for messages.
words() {
	w=
	for x in $1; do w="${w:+$w, }$x"; done
	echo "$w"
}

is_in() { # WORD LIST
	for x in $2; do
		[ "$x" = "$1" ] && return 0
	done
	return 1
}

# uci_path TYPE NAME [OPTION]: how `uci get` names it; anonymous sections (uci -n calls
# them cfgNNHHHH) as @type[0], which is right since each type may appear once.
uci_path() {
	case $2 in
	cfg[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) set -- "$1" "@$1[0]" "$3" ;;
	esac
	echo "$PACKAGE.$2${3:+.$3}"
}

cur_type=
cur_name=
config_cb() {
	[ $# -eq 0 ] && return 0 # called once more after the last section
	cur_type=
	cur_name=$2
	if ! is_in "$1" "$SECTIONS"; then
		err "$(uci_path "$1" "$2"): unknown section type '$1' (known: $(words "$SECTIONS"))"
		return 0
	fi
	eval "first=\$SEC_$1"
	if [ -n "$first" ]; then
		err "$(uci_path "$1" "$2"): a second '$1' section (the first is" \
			"'$(uci_path "$1" "$first")'): voiceqosd has one [$1]"
		return 0
	fi
	eval "SEC_$1=\$2"
	cur_type=$1
}

# check_key KIND NAME VALUE: known option, list only where lists are allowed, and a value
# the INI line can carry unchanged.
check_key() {
	[ -n "$cur_type" ] || return 0 # its section was refused already
	keys=$(keys_of "$cur_type")
	uci_only=$(uci_only_of "$cur_type")
	path=$(uci_path "$cur_type" "$cur_name" "$2")
	if ! is_in "$2" "$keys $uci_only"; then
		err "$path: unknown option (known: $(words "$keys $uci_only"))"
		return 0
	fi
	if [ "$1" = list ] && ! is_in "$2" "$LISTS"; then
		err "$path: takes one value, not a list"
		return 0
	fi
	if [ "$2" = enabled ]; then
		case $3 in
		0 | 1 | on | off | true | false | yes | no | enabled | disabled) ;;
		*) err "$path: bad value '$3' (0 or 1)" ;;
		esac
	fi
	check_value "$path" "$3"
}

# A value the INI would read differently: a line break would end it, and ';' or '#' at
# its start or after a blank would start a comment (Documentation/config.md, Syntax).
nl='
'
cr=$(printf '\r')
check_value() {
	case $2 in
	*"$nl"* | *"$cr"*) err "$1: a line break in '$2' cannot be written to the INI file" ;;
	[\;#]* | *[[:space:]][\;#]*)
		err "$1: '$2' would be read as a comment in the INI file (';' or '#' after a blank)" ;;
	esac
}

option_cb() { check_key option "$1" "$2"; }
list_cb() { check_key list "$1" "$2"; }

if [ ! -f "$CONFFILE" ]; then
	echo "$CONFFILE: No such file or directory" >&2
	exit 1
fi
# uci_load discards uci's own message: point at the command that shows it.
if ! config_load "$PACKAGE"; then
	echo "$CONFFILE: uci cannot parse it (see: uci show $PACKAGE)" >&2
	exit 1
fi

if [ "$errors" -gt 0 ]; then
	exit 1
fi

out="; Generated from $CONFFILE by uci2ini.sh: edit that file (or use uci), not this one."
emit() { out="$out$nl$1"; }

# emit_list TYPE SECTION KEY ITEMS: blank-separated, on as many KEY = ... lines as
# LINE_MAX needs.
emit_list() {
	line=
	for item in $4; do
		if [ $((${#3} + 3 + ${#item})) -gt "$LINE_MAX" ]; then
			err "$(uci_path "$1" "$2" "$3"): item longer than $LINE_MAX characters"
			continue
		fi
		if [ -n "$line" ] && [ $((${#line} + ${#item} + 1)) -gt "$LINE_MAX" ]; then
			emit "$line"
			line=
		fi
		line="${line:-$3 =} $item"
	done
	[ -n "$line" ] && emit "$line"
}

add_item() { items="$items $1"; }
emit_line() { emit "$LINE_KEY = $1"; }

for type in $SECTIONS; do
	eval "sec=\$SEC_$type"
	keys=$(keys_of "$type")
	[ -n "$sec" ] || continue
	emit ""
	emit "[$type]"
	for key in $keys; do
		if is_in "$key" "$LINES"; then
			len=0
			LINE_KEY=$key
			config_get len "$sec" "${key}_LENGTH" 0
			if [ "$len" -gt 0 ]; then
				config_list_foreach "$sec" "$key" emit_line
			else
				eval "set=\${CONFIG_${sec}_${key}+x}"
				if [ -n "$set" ]; then
					config_get val "$sec" "$key"
					emit_line "$val"
				fi
			fi
			continue
		fi
		if is_in "$key" "$LISTS"; then
			# A list's items one by one (an option is one item): each item may
			# itself hold several words, which the INI splits the same way.
			items='' len=0
			config_get len "$sec" "${key}_LENGTH" 0
			if [ "$len" -gt 0 ]; then
				config_list_foreach "$sec" "$key" add_item
			else
				config_get items "$sec" "$key"
			fi
			emit_list "$type" "$sec" "$key" "$items"
			continue
		fi
		# An unset option is left out: voiceqosd's default applies.
		eval "set=\${CONFIG_${sec}_${key}+x}"
		[ -n "$set" ] || continue
		val=
		config_get val "$sec" "$key"
		line="$key = $val"
		if [ ${#line} -gt "$LINE_MAX" ]; then
			err "$(uci_path "$type" "$sec" "$key"): value longer than $LINE_MAX characters"
			continue
		fi
		emit "$line"
	done
done

[ "$errors" -gt 0 ] && exit 1
printf '%s\n' "$out"
