/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * Documentation
 * =============
 *
 * voiceqos classifies, polices and measures RTP/RTCP media flows that a
 * userspace agent installs, and mirrors SIP signalling to that agent. It is
 * driven over generic netlink, family VOICEQOS_GENL_NAME, version
 * VOICEQOS_GENL_VERSION. All state is per network namespace: every command
 * acts on the namespace of the requesting socket. A namespace starts passive,
 * without netfilter hooks, so that namespaces that never use voiceqos pay
 * nothing per packet: its first FLOW_NEW or CONFIG_SET brings the hooks in
 * (an agent sets its configuration when it starts), and they stay.
 *
 * Every command needs CAP_NET_ADMIN in the initial user namespace: the
 * changing ones (FLOW_NEW, FLOW_DEL, FLOW_FLUSH, CONFIG_SET) because they
 * hand out link priority, the reading ones (FLOW_GET, CONFIG_GET, STATS_GET)
 * because flows reveal who talks to whom. Every rejection carries an extack
 * message.
 *
 * Integers are in host byte order unless said otherwise; addresses are in
 * network byte order, 4 bytes for AF_INET and 16 for AF_INET6. A "flow" is
 * one direction of one UDP media stream.
 *
 * A flow key is the nest VOICEQOS_A_FLOW holding:
 *
 *    VOICEQOS_FLOW_A_FAMILY: NLA_U16, AF_INET or AF_INET6, required
 *    VOICEQOS_FLOW_A_DST_ADDR: NLA_BINARY, 4 or 16 bytes, required
 *    VOICEQOS_FLOW_A_DST_PORT: NLA_U16, 1..65535, required
 *    VOICEQOS_FLOW_A_SRC_ADDR: NLA_BINARY, 4 or 16 bytes; absent (or all
 *                              zero) means any source address
 *    VOICEQOS_FLOW_A_SRC_PORT: NLA_U16; absent or 0 means any source port
 *
 * A key with an unspecified source address or port is a wildcard key: the
 * flow latches onto the source of the first packet that matches the rest of
 * the key, and from then on matches only that source. This serves NATed and
 * symmetric-RTP peers whose media does not come from the address in their
 * SDP. There is at most one wildcard flow per destination (family, address,
 * port); an exact flow for the same destination takes precedence over it.
 *
 * VOICEQOS_CMD_FLOW_NEW
 * ---------------------
 *
 * Creates a flow, or replaces the one with the same key. Replacing keeps the
 * flow's counters and RTP state and applies the new parameters. Fails with
 * ENOSPC when the namespace already holds max_flows flows (module
 * parameter). The netlink header flags are not used (generic netlink rejects
 * NLM_F_EXCL and friends); instead:
 *
 *    VOICEQOS_A_EXCL: NLA_FLAG, fail with EEXIST rather than replace
 *
 *    VOICEQOS_A_FLOW: NLA_NESTED
 *        (the key attributes above), plus:
 *        VOICEQOS_FLOW_A_COOKIE: NLA_U64, the agent's call identifier,
 *                                returned in dumps and events; default 0
 *        VOICEQOS_FLOW_A_MEDIA: NLA_U8, enum voiceqos_media; default
 *                               VOICEQOS_MEDIA_AUDIO
 *        VOICEQOS_FLOW_A_FLAGS: NLA_U32, enum voiceqos_flow_flags; unknown
 *                               bits are rejected
 *        VOICEQOS_FLOW_A_DSCP: NLA_U8, 0..63, the DSCP written into every
 *                              conforming packet; absent: DSCP untouched
 *        VOICEQOS_FLOW_A_PRIORITY: NLA_U32, skb->priority given to every
 *                                  conforming packet (a tc classid,
 *                                  major:minor as 0xMMMMmmmm); 0: untouched
 *        VOICEQOS_FLOW_A_MARK: NLA_U32, value ORed into skb->mark after the
 *                              bits in VOICEQOS_FLOW_A_MARK_MASK are cleared
 *        VOICEQOS_FLOW_A_MARK_MASK: NLA_U32, bits of skb->mark owned by the
 *                                   flow; absent with MARK present: all bits
 *        VOICEQOS_FLOW_A_RATE: NLA_U64, reservation in bit/s, 0..100 Gbit/s;
 *                              0 (default) disables policing
 *        VOICEQOS_FLOW_A_BURST: NLA_U32, bytes the stream may run ahead of
 *                               its reservation, 0..16 MiB; default: the
 *                               larger of 1500 bytes and 20 ms at RATE
 *        VOICEQOS_FLOW_A_CLOCK_RATE: NLA_U32, RTP timestamp clock in Hz,
 *                                    0..1000000, 0 disables the jitter
 *                                    estimate (sequence stats still run)
 *        VOICEQOS_FLOW_A_TIMEOUT: NLA_U32, idle seconds before expiry,
 *                                 1..86400; default: module parameter
 *                                 idle_timeout
 *
 * Packets of a flow that exceed RATE + BURST are demoted, never dropped:
 * they get the namespace's best-effort priority and fallback DSCP
 * (CONFIG_SET) and are counted as policed.
 *
 * VOICEQOS_CMD_FLOW_DEL
 * ---------------------
 *
 * Removes one flow by key, or every flow of a call by cookie:
 *
 *    VOICEQOS_A_FLOW: NLA_NESTED, a flow key (exactly as installed; a
 *                     wildcard flow is named by its wildcard key)
 *    VOICEQOS_A_COOKIE: NLA_U64, remove all flows with this cookie
 *
 * Exactly one of the two must be given. ENOENT if nothing matched.
 *
 * VOICEQOS_CMD_FLOW_GET
 * ---------------------
 *
 * With NLM_F_DUMP: one message per flow, filtered by VOICEQOS_A_COOKIE if
 * given. The dump is marked NLM_F_DUMP_INTR if the table changed while it
 * ran; the reader should then start over. Without NLM_F_DUMP: the flow named
 * by the key in VOICEQOS_A_FLOW. Each reply carries:
 *
 *    VOICEQOS_A_FLOW: NLA_NESTED
 *        every attribute given to FLOW_NEW (key as installed, COOKIE, MEDIA,
 *        FLAGS, DSCP if set, PRIORITY, MARK and MARK_MASK if set, RATE,
 *        BURST, CLOCK_RATE, TIMEOUT), plus:
 *        VOICEQOS_FLOW_A_LATCHED_ADDR: NLA_BINARY, source latched by a
 *                                      wildcard flow
 *        VOICEQOS_FLOW_A_LATCHED_PORT: NLA_U16, likewise
 *        VOICEQOS_FLOW_A_STATS: NLA_NESTED
 *            VOICEQOS_FSTAT_A_PACKETS: NLA_U64, packets matched
 *            VOICEQOS_FSTAT_A_BYTES: NLA_U64, bytes matched (IP length)
 *            VOICEQOS_FSTAT_A_POLICED_PACKETS: NLA_U64, packets demoted
 *            VOICEQOS_FSTAT_A_POLICED_BYTES: NLA_U64, bytes demoted
 *            VOICEQOS_FSTAT_A_IDLE_MS: NLA_U32, ms since the last packet
 *                                      (or since creation)
 *            VOICEQOS_FSTAT_A_AGE_MS: NLA_U32, ms since creation
 *        and, for RTP flows once a valid RTP header was seen:
 *            VOICEQOS_FSTAT_A_SSRC: NLA_U32, current synchronisation source
 *            VOICEQOS_FSTAT_A_EXT_MAX_SEQ: NLA_U32, extended highest
 *                                          sequence number (RFC 3550 A.1)
 *            VOICEQOS_FSTAT_A_RECEIVED: NLA_U64, distinct RTP packets
 *                                       (duplicates not counted) of the
 *                                       current SSRC
 *            VOICEQOS_FSTAT_A_EXPECTED: NLA_U64, packets expected for it
 *            VOICEQOS_FSTAT_A_LOST: NLA_U64, expected - received, >= 0
 *            VOICEQOS_FSTAT_A_DUPLICATES: NLA_U64, repeated sequence numbers
 *            VOICEQOS_FSTAT_A_REORDERED: NLA_U64, packets older than the
 *                                        highest sequence seen
 *            VOICEQOS_FSTAT_A_JITTER: NLA_U32, RFC 3550 6.4.1 interarrival
 *                                     jitter in timestamp units
 *            VOICEQOS_FSTAT_A_JITTER_US: NLA_U32, the same in microseconds
 *            VOICEQOS_FSTAT_A_SSRC_CHANGES: NLA_U32, times the SSRC changed
 *        and, for flows flagged RTCP once an SR or RR was seen, the latest
 *        report heading for the flow's destination (only the first packet
 *        of a compound is read; RTCP multiplexed on an RTP flow is not):
 *            VOICEQOS_FSTAT_A_RTCP: NLA_NESTED
 *                VOICEQOS_RTCP_A_PACKETS: NLA_U32, compounds parsed
 *                VOICEQOS_RTCP_A_SSRC: NLA_U32, sender of the latest report
 *                and, once a sender report was seen:
 *                VOICEQOS_RTCP_A_SR_NTP: NLA_U32, middle 32 bits of its NTP
 *                                        timestamp (what a later RR's LSR
 *                                        names)
 *                VOICEQOS_RTCP_A_SR_AGE_MS: NLA_U32, ms since it was seen
 *                                           (jiffy resolution)
 *                and, once a report block was seen (its first block):
 *                VOICEQOS_RTCP_A_BLOCK_SSRC: NLA_U32, the source it is about
 *                VOICEQOS_RTCP_A_FRACTION_LOST: NLA_U8, lost since the
 *                                               previous report, 1/256
 *                VOICEQOS_RTCP_A_CUM_LOST: NLA_S32, cumulative packets lost
 *                VOICEQOS_RTCP_A_EXT_MAX_SEQ: NLA_U32, extended highest
 *                                             sequence number received
 *                VOICEQOS_RTCP_A_JITTER: NLA_U32, interarrival jitter,
 *                                        timestamp units
 *                VOICEQOS_RTCP_A_LSR: NLA_U32, last SR timestamp
 *                VOICEQOS_RTCP_A_DLSR: NLA_U32, delay since that SR,
 *                                      1/65536 s
 *                VOICEQOS_RTCP_A_RR_AGE_MS: NLA_U32, ms since this block
 *                                           was seen
 *        An RR's LSR matching the SR_NTP of the call's opposite RTCP flow
 *        gives the round trip beyond the router: SR_AGE_MS (opposite flow)
 *        - RR_AGE_MS - DLSR. SRTCP encrypts the report blocks: ignore them
 *        for SAVP/SAVPF media.
 *
 * VOICEQOS_CMD_FLOW_FLUSH
 * -----------------------
 *
 * Removes every flow of the namespace. No attributes.
 *
 * VOICEQOS_CMD_CONFIG_GET, VOICEQOS_CMD_CONFIG_SET
 * ------------------------------------------------
 *
 * CONFIG_SET changes only the attributes given; CONFIG_GET returns all:
 *
 *    VOICEQOS_A_CONFIG: NLA_NESTED
 *        VOICEQOS_CFG_A_SIP_PORTS: NLA_BINARY, array of 1..VOICEQOS_MAX_SIP_PORTS
 *                                  __u16 signalling ports (UDP and TCP),
 *                                  non-zero; default { 5060 }
 *        VOICEQOS_CFG_A_BE_PRIORITY: NLA_U32, skb->priority for demoted
 *                                    packets; 0 leaves it untouched
 *        VOICEQOS_CFG_A_FALLBACK_DSCP: NLA_U8, 0..63, DSCP for demoted
 *                                      packets; default 0 (best effort)
 *        VOICEQOS_CFG_A_MIRROR_RATE: NLA_U32, SIP copies per second, at most
 *                                    1000000; 0 turns mirroring off;
 *                                    default: module parameter mirror_rate
 *        VOICEQOS_CFG_A_MIRROR_BURST: NLA_U32, copies allowed back to back,
 *                                     1..1000000; default 64
 *        VOICEQOS_CFG_A_SIP_DSCP: NLA_U8, 0..63 or VOICEQOS_DSCP_KEEP (64):
 *                                 the DSCP written into signalling packets
 *                                 the router forwards or sends (FORWARD and
 *                                 LOCAL_OUT); default VOICEQOS_DSCP_KEEP,
 *                                 untouched
 *        VOICEQOS_CFG_A_SIP_PRIORITY: NLA_U32, skb->priority (tc classid)
 *                                     for those packets; 0 (default) leaves
 *                                     it untouched
 *        VOICEQOS_CFG_A_MAX_FLOWS: NLA_U32, read only: the flow table bound
 *        VOICEQOS_CFG_A_IDLE_TIMEOUT: NLA_U32, read only: default timeout
 *
 * VOICEQOS_CMD_STATS_GET
 * ----------------------
 *
 * Namespace-wide counters since the module was loaded (or the namespace
 * created):
 *
 *    VOICEQOS_A_STATS: NLA_NESTED
 *        VOICEQOS_STATS_A_PACKETS: NLA_U64, UDP packets looked up (a namespace
 *                                  without flows looks nothing up)
 *        VOICEQOS_STATS_A_MATCHED: NLA_U64, packets that matched a flow
 *        VOICEQOS_STATS_A_MARKED: NLA_U64, packets given voice treatment
 *        VOICEQOS_STATS_A_POLICED: NLA_U64, packets demoted by a policer
 *        VOICEQOS_STATS_A_LATCHED: NLA_U64, wildcard flows latched
 *        VOICEQOS_STATS_A_UNWRITABLE: NLA_U64, DSCP rewrites skipped because
 *                                     the header could not be made writable
 *        VOICEQOS_STATS_A_SIP_COPIES: NLA_U64, SIP copies multicast
 *        VOICEQOS_STATS_A_SIP_DROPPED: NLA_U64, SIP copies not sent (rate
 *                                      bound, no memory, or send failure)
 *        VOICEQOS_STATS_A_FLOWS: NLA_U32, flows installed now
 *        VOICEQOS_STATS_A_MAX_FLOWS: NLA_U32, the bound
 *        VOICEQOS_STATS_A_EXPIRED: NLA_U64, flows removed by idle expiry
 *        VOICEQOS_STATS_A_HOOKS: NLA_U32, 1 once the namespace has its hooks
 *                                (its first FLOW_NEW or CONFIG_SET), else 0
 *
 * Multicast group VOICEQOS_MCGRP_EVENTS
 * -------------------------------------
 *
 * VOICEQOS_CMD_FLOW_EXPIRED: a flow was removed after TIMEOUT idle seconds.
 * Carries VOICEQOS_A_FLOW exactly as a FLOW_GET reply, with final counters.
 *
 * Multicast group VOICEQOS_MCGRP_SIP
 * ----------------------------------
 *
 * VOICEQOS_CMD_SIP_COPY: a packet to or from a signalling port was seen. The
 * packet itself continues unchanged. Copies are bounded by MIRROR_RATE and
 * MIRROR_BURST. Listeners need CAP_NET_ADMIN.
 *
 *    VOICEQOS_A_SIP: NLA_NESTED
 *        VOICEQOS_SIP_A_HOOK: NLA_U8, netfilter hook (NF_INET_LOCAL_IN,
 *                             NF_INET_FORWARD or NF_INET_LOCAL_OUT)
 *        VOICEQOS_SIP_A_IIF: NLA_U32, input ifindex, 0 if none
 *        VOICEQOS_SIP_A_OIF: NLA_U32, output ifindex, 0 if none
 *        VOICEQOS_SIP_A_TSTAMP: NLA_U64, CLOCK_REALTIME in ns
 *        VOICEQOS_SIP_A_FAMILY: NLA_U16, AF_INET or AF_INET6
 *        VOICEQOS_SIP_A_SRC_ADDR: NLA_BINARY, 4 or 16 bytes
 *        VOICEQOS_SIP_A_DST_ADDR: NLA_BINARY, 4 or 16 bytes
 *        VOICEQOS_SIP_A_SRC_PORT: NLA_U16
 *        VOICEQOS_SIP_A_DST_PORT: NLA_U16
 *        VOICEQOS_SIP_A_L4PROTO: NLA_U8, IPPROTO_UDP or IPPROTO_TCP
 *        VOICEQOS_SIP_A_TCP_SEQ: NLA_U32, TCP only: sequence number of the
 *                                first payload byte
 *        VOICEQOS_SIP_A_TCP_FLAGS: NLA_U8, TCP only: the flags byte (FIN 0x01,
 *                                  SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10)
 *        VOICEQOS_SIP_A_PAYLOAD: NLA_BINARY, the L4 payload, at most
 *                                VOICEQOS_SIP_MAX_PAYLOAD bytes
 *        VOICEQOS_SIP_A_PAYLOAD_LEN: NLA_U32, the payload's full length; more
 *                                    than the PAYLOAD attribute's length if
 *                                    the copy was truncated
 */

#ifndef _UAPI_LINUX_VOICEQOS_H
#define _UAPI_LINUX_VOICEQOS_H

#define VOICEQOS_GENL_NAME "voiceqos"
#define VOICEQOS_GENL_VERSION 1

#define VOICEQOS_MCGRP_SIP "sip"
#define VOICEQOS_MCGRP_EVENTS "events"

#define VOICEQOS_MAX_SIP_PORTS 16
#define VOICEQOS_SIP_MAX_PAYLOAD 65000
#define VOICEQOS_MAX_DSCP 63
#define VOICEQOS_DSCP_KEEP 64

enum voiceqos_cmd {
	VOICEQOS_CMD_UNSPEC,
	VOICEQOS_CMD_FLOW_NEW,
	VOICEQOS_CMD_FLOW_DEL,
	VOICEQOS_CMD_FLOW_GET,
	VOICEQOS_CMD_FLOW_FLUSH,
	VOICEQOS_CMD_CONFIG_GET,
	VOICEQOS_CMD_CONFIG_SET,
	VOICEQOS_CMD_STATS_GET,
	VOICEQOS_CMD_FLOW_EXPIRED,
	VOICEQOS_CMD_SIP_COPY,
	__VOICEQOS_CMD_MAX
};

#define VOICEQOS_CMD_MAX (__VOICEQOS_CMD_MAX - 1)

enum voiceqos_attr {
	VOICEQOS_A_UNSPEC,
	VOICEQOS_A_FLOW,
	VOICEQOS_A_COOKIE,
	VOICEQOS_A_CONFIG,
	VOICEQOS_A_STATS,
	VOICEQOS_A_SIP,
	VOICEQOS_A_PAD,
	VOICEQOS_A_EXCL,
	__VOICEQOS_A_LAST
};

#define VOICEQOS_A_MAX (__VOICEQOS_A_LAST - 1)

enum voiceqos_media {
	VOICEQOS_MEDIA_UNSPEC,
	VOICEQOS_MEDIA_AUDIO,
	VOICEQOS_MEDIA_VIDEO,
	VOICEQOS_MEDIA_OTHER,
	__VOICEQOS_MEDIA_LAST
};

#define VOICEQOS_MEDIA_MAX (__VOICEQOS_MEDIA_LAST - 1)

enum voiceqos_flow_flags {
	/* The flow carries RTCP: counted, marked and policed, no RTP stats. */
	VOICEQOS_FLOW_F_RTCP = 1U << 0,
	__VOICEQOS_FLOW_F_ALL = VOICEQOS_FLOW_F_RTCP
};

enum voiceqos_flow_attr {
	VOICEQOS_FLOW_A_UNSPEC,
	VOICEQOS_FLOW_A_FAMILY,
	VOICEQOS_FLOW_A_SRC_ADDR,
	VOICEQOS_FLOW_A_DST_ADDR,
	VOICEQOS_FLOW_A_SRC_PORT,
	VOICEQOS_FLOW_A_DST_PORT,
	VOICEQOS_FLOW_A_COOKIE,
	VOICEQOS_FLOW_A_MEDIA,
	VOICEQOS_FLOW_A_FLAGS,
	VOICEQOS_FLOW_A_DSCP,
	VOICEQOS_FLOW_A_PRIORITY,
	VOICEQOS_FLOW_A_MARK,
	VOICEQOS_FLOW_A_MARK_MASK,
	VOICEQOS_FLOW_A_RATE,
	VOICEQOS_FLOW_A_BURST,
	VOICEQOS_FLOW_A_CLOCK_RATE,
	VOICEQOS_FLOW_A_TIMEOUT,
	VOICEQOS_FLOW_A_LATCHED_ADDR,
	VOICEQOS_FLOW_A_LATCHED_PORT,
	VOICEQOS_FLOW_A_STATS,
	VOICEQOS_FLOW_A_PAD,
	__VOICEQOS_FLOW_A_LAST
};

#define VOICEQOS_FLOW_A_MAX (__VOICEQOS_FLOW_A_LAST - 1)

enum voiceqos_fstat_attr {
	VOICEQOS_FSTAT_A_UNSPEC,
	VOICEQOS_FSTAT_A_PACKETS,
	VOICEQOS_FSTAT_A_BYTES,
	VOICEQOS_FSTAT_A_POLICED_PACKETS,
	VOICEQOS_FSTAT_A_POLICED_BYTES,
	VOICEQOS_FSTAT_A_IDLE_MS,
	VOICEQOS_FSTAT_A_AGE_MS,
	VOICEQOS_FSTAT_A_SSRC,
	VOICEQOS_FSTAT_A_EXT_MAX_SEQ,
	VOICEQOS_FSTAT_A_RECEIVED,
	VOICEQOS_FSTAT_A_EXPECTED,
	VOICEQOS_FSTAT_A_LOST,
	VOICEQOS_FSTAT_A_DUPLICATES,
	VOICEQOS_FSTAT_A_REORDERED,
	VOICEQOS_FSTAT_A_JITTER,
	VOICEQOS_FSTAT_A_JITTER_US,
	VOICEQOS_FSTAT_A_SSRC_CHANGES,
	VOICEQOS_FSTAT_A_PAD,
	VOICEQOS_FSTAT_A_RTCP,
	__VOICEQOS_FSTAT_A_LAST
};

#define VOICEQOS_FSTAT_A_MAX (__VOICEQOS_FSTAT_A_LAST - 1)

enum voiceqos_rtcp_attr {
	VOICEQOS_RTCP_A_UNSPEC,
	VOICEQOS_RTCP_A_PACKETS,
	VOICEQOS_RTCP_A_SSRC,
	VOICEQOS_RTCP_A_SR_NTP,
	VOICEQOS_RTCP_A_SR_AGE_MS,
	VOICEQOS_RTCP_A_BLOCK_SSRC,
	VOICEQOS_RTCP_A_FRACTION_LOST,
	VOICEQOS_RTCP_A_CUM_LOST,
	VOICEQOS_RTCP_A_EXT_MAX_SEQ,
	VOICEQOS_RTCP_A_JITTER,
	VOICEQOS_RTCP_A_LSR,
	VOICEQOS_RTCP_A_DLSR,
	VOICEQOS_RTCP_A_RR_AGE_MS,
	__VOICEQOS_RTCP_A_LAST
};

#define VOICEQOS_RTCP_A_MAX (__VOICEQOS_RTCP_A_LAST - 1)

enum voiceqos_cfg_attr {
	VOICEQOS_CFG_A_UNSPEC,
	VOICEQOS_CFG_A_SIP_PORTS,
	VOICEQOS_CFG_A_BE_PRIORITY,
	VOICEQOS_CFG_A_FALLBACK_DSCP,
	VOICEQOS_CFG_A_MIRROR_RATE,
	VOICEQOS_CFG_A_MIRROR_BURST,
	VOICEQOS_CFG_A_MAX_FLOWS,
	VOICEQOS_CFG_A_IDLE_TIMEOUT,
	VOICEQOS_CFG_A_SIP_DSCP,
	VOICEQOS_CFG_A_SIP_PRIORITY,
	__VOICEQOS_CFG_A_LAST
};

#define VOICEQOS_CFG_A_MAX (__VOICEQOS_CFG_A_LAST - 1)

enum voiceqos_stats_attr {
	VOICEQOS_STATS_A_UNSPEC,
	VOICEQOS_STATS_A_PACKETS,
	VOICEQOS_STATS_A_MATCHED,
	VOICEQOS_STATS_A_MARKED,
	VOICEQOS_STATS_A_POLICED,
	VOICEQOS_STATS_A_LATCHED,
	VOICEQOS_STATS_A_UNWRITABLE,
	VOICEQOS_STATS_A_SIP_COPIES,
	VOICEQOS_STATS_A_SIP_DROPPED,
	VOICEQOS_STATS_A_FLOWS,
	VOICEQOS_STATS_A_MAX_FLOWS,
	VOICEQOS_STATS_A_EXPIRED,
	VOICEQOS_STATS_A_PAD,
	VOICEQOS_STATS_A_HOOKS,
	__VOICEQOS_STATS_A_LAST
};

#define VOICEQOS_STATS_A_MAX (__VOICEQOS_STATS_A_LAST - 1)

enum voiceqos_sip_attr {
	VOICEQOS_SIP_A_UNSPEC,
	VOICEQOS_SIP_A_HOOK,
	VOICEQOS_SIP_A_IIF,
	VOICEQOS_SIP_A_OIF,
	VOICEQOS_SIP_A_TSTAMP,
	VOICEQOS_SIP_A_FAMILY,
	VOICEQOS_SIP_A_SRC_ADDR,
	VOICEQOS_SIP_A_DST_ADDR,
	VOICEQOS_SIP_A_SRC_PORT,
	VOICEQOS_SIP_A_DST_PORT,
	VOICEQOS_SIP_A_L4PROTO,
	VOICEQOS_SIP_A_TCP_SEQ,
	VOICEQOS_SIP_A_TCP_FLAGS,
	VOICEQOS_SIP_A_PAYLOAD,
	VOICEQOS_SIP_A_PAYLOAD_LEN,
	VOICEQOS_SIP_A_PAD,
	__VOICEQOS_SIP_A_LAST
};

#define VOICEQOS_SIP_A_MAX (__VOICEQOS_SIP_A_LAST - 1)

#endif /* _UAPI_LINUX_VOICEQOS_H */
