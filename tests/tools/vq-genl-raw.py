#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# vq-genl-raw.py: raw generic netlink client for the voiceqos family, for the hostile-input
# suite (tests/vm/hostile.sh). It builds requests byte by byte (so it can build the wrong
# ones), reads the kernel's ack with its extended ack (NLMSGERR_ATTR_MSG / OFFS /
# MISS_TYPE / MISS_NEST) and checks each answer against a table.
#
#   vq-genl-raw.py matrix        the negative matrix: every command x every attribute
#                                (top level, flow nest, config nest) x each malformation
#                                the attribute's type allows, plus the command-specific
#                                cases (missing, mismatched, unknown command, ...). Needs
#                                CAP_NET_ADMIN and a namespace of its own (it flushes).
#   vq-genl-raw.py eperm [own-netns]
#                                every command and both multicast groups must fail with
#                                EPERM (run it unprivileged or in a user namespace); with
#                                own-netns (root of a user namespace owning the netns)
#                                joining the groups is allowed
#   vq-genl-raw.py fill N ADDR PORT [DSCP]
#                                install exact flows dst ADDR:PORT..PORT+N-1 (one socket);
#                                prints "added N"
#   vq-genl-raw.py new ADDR PORT [DSCP]
#                                one FLOW_NEW; prints "errno=E extack=\"...\"" (E=0: ok)
#   vq-genl-raw.py del ADDR PORT one FLOW_DEL by key; same output
#   vq-genl-raw.py count         number of flows (FLOW_GET dump)
#
# One `ok - NAME` / `not ok - NAME: why` line per result; detail lines start with "#".
# Exit status: 0 if every result passed, 1 otherwise, 2 on usage errors.

import errno
import re
import socket
import struct
import sys

# ---- constants (include/uapi/linux/voiceqos.h, linux/netlink.h, linux/genetlink.h) ------

CMD = dict(FLOW_NEW=1, FLOW_DEL=2, FLOW_GET=3, FLOW_FLUSH=4, CONFIG_GET=5, CONFIG_SET=6,
           STATS_GET=7, FLOW_EXPIRED=8, SIP_COPY=9)
CMD_MAX = 9
A = dict(FLOW=1, COOKIE=2, CONFIG=3, STATS=4, SIP=5, PAD=6, EXCL=7)
A_MAX = 7
FA = dict(FAMILY=1, SRC_ADDR=2, DST_ADDR=3, SRC_PORT=4, DST_PORT=5, COOKIE=6, MEDIA=7,
          FLAGS=8, DSCP=9, PRIORITY=10, MARK=11, MARK_MASK=12, RATE=13, BURST=14,
          CLOCK_RATE=15, TIMEOUT=16, LATCHED_ADDR=17, LATCHED_PORT=18, STATS=19, PAD=20)
FA_MAX = 20
CA = dict(SIP_PORTS=1, BE_PRIORITY=2, FALLBACK_DSCP=3, MIRROR_RATE=4, MIRROR_BURST=5,
          MAX_FLOWS=6, IDLE_TIMEOUT=7, SIP_DSCP=8, SIP_PRIORITY=9)
CA_MAX = 9
SA_FLOWS = 9  # VOICEQOS_STATS_A_FLOWS
SA_HOOKS = 13
FSTAT_NEST = FA['STATS']

NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLA_F_NESTED = 0x8000
NLA_TYPE_MASK = 0x3fff
SOL_NETLINK = 270
NETLINK_GENERIC = 16
NETLINK_ADD_MEMBERSHIP, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 1, 10, 11
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MISS_NEST = 5, 6
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2

V4 = socket.inet_pton(socket.AF_INET, '192.0.2.1')
V4_SRC = socket.inet_pton(socket.AF_INET, '198.51.100.1')
V6 = socket.inet_pton(socket.AF_INET6, '2001:db8::1')


def u8(v): return struct.pack('=B', v)
def u16(v): return struct.pack('=H', v)
def u32(v): return struct.pack('=I', v)
def u64(v): return struct.pack('=Q', v)


# ---- messages ---------------------------------------------------------------------------

class Attr:
    """One attribute: payload bytes, or a list of Attr for a nest. `mark` flags the
    attribute a test case is about; encode() records its offset in the message."""

    def __init__(self, atype, payload, nested=None, mark=False, rawlen=None):
        self.type = atype
        self.payload = payload
        # a nest carries NLA_F_NESTED unless told otherwise; flat attributes do not
        self.nested = isinstance(payload, list) if nested is None else nested
        self.mark = mark
        self.rawlen = rawlen  # nla_len to claim instead of the real one (overruns)
        self.off = None

    def copy(self):
        p = [a.copy() for a in self.payload] if isinstance(self.payload, list) else self.payload
        return Attr(self.type, p, self.nested, self.mark, self.rawlen)


def encode_attrs(attrs, base):
    out = b''
    for a in attrs:
        a.off = base + len(out)
        body = encode_attrs(a.payload, a.off + 4) if isinstance(a.payload, list) else a.payload
        nla_len = a.rawlen if a.rawlen is not None else 4 + len(body)
        t = a.type | (NLA_F_NESTED if a.nested else 0)
        out += struct.pack('=HH', nla_len, t) + body + b'\0' * (-len(body) % 4)
    return out


def walk(attrs):
    for a in attrs:
        yield a
        if isinstance(a.payload, list):
            yield from walk(a.payload)


class Msg:
    def __init__(self, cmd, attrs=(), dump=False, genl_len=4):
        self.cmd = cmd
        self.attrs = list(attrs)
        self.dump = dump
        self.genl_len = genl_len  # a truncated genl header is a test case too

    def encode(self, family, seq):
        body = encode_attrs(self.attrs, 16 + 4)
        genl = struct.pack('=BBH', self.cmd, 1, 0)[:self.genl_len]
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if self.dump else 0)
        return struct.pack('=IHHII', 16 + len(genl) + len(body), family, flags, seq, 0) + \
            genl + body

    def marked(self):
        return next((a for a in walk(self.attrs) if a.mark), None)


def parse_attrs(data):
    """{type: payload} of an attribute stream (the last one of a type wins)."""
    out, i = {}, 0
    while i + 4 <= len(data):
        ln, t = struct.unpack_from('=HH', data, i)
        if ln < 4:
            break
        out[t & NLA_TYPE_MASK] = data[i + 4:i + ln]
        i += (ln + 3) & ~3
    return out


class Reply:
    def __init__(self):
        self.err = None      # 0 or -errno
        self.msg = ''        # NLMSGERR_ATTR_MSG
        self.offs = None     # NLMSGERR_ATTR_OFFS
        self.miss_type = None
        self.miss_nest = None
        self.data = []       # attribute dicts of the family's replies
        self.done = False    # the answer was a dump's NLMSG_DONE (no offsets there)

    def __str__(self):
        e = 'ok' if self.err == 0 else errno.errorcode.get(-self.err, str(self.err))
        s = f'errno={e} extack="{self.msg}"'
        if self.offs is not None:
            s += f' offs={self.offs}'
        if self.miss_type is not None:
            s += f' miss_type={self.miss_type}'
        if self.miss_nest is not None:
            s += f' miss_nest={self.miss_nest}'
        return s


class Genl:
    def __init__(self):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        # a request the kernel never answers must not hang the suite
        self.sk.settimeout(5)
        self.sk.bind((0, 0))
        self.seq = 1
        self.family, self.groups = self.resolve('voiceqos')

    def resolve(self, name):
        req = Msg(CTRL_CMD_GETFAMILY, [Attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b'\0')])
        r = self.transact(req, GENL_ID_CTRL)
        if r.err or not r.data:
            sys.exit(f'not ok - resolve_family: {r} (module not loaded?)')
        d = r.data[0]
        groups = {}
        grps = d.get(CTRL_ATTR_MCAST_GROUPS, b'')
        for g in parse_attrs(grps).values():
            ga = parse_attrs(g)
            groups[ga[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b'\0').decode()] = \
                struct.unpack('=I', ga[CTRL_ATTR_MCAST_GRP_ID])[0]
        return struct.unpack('=H', d[CTRL_ATTR_FAMILY_ID])[0], groups

    def transact(self, msg, family=None):
        r = Reply()
        seq = self.seq
        self.seq += 1
        self.sk.send(msg.encode(self.family if family is None else family, seq))
        while True:
            try:
                buf = self.sk.recv(1 << 20)
            except socket.timeout:
                r.err = -errno.ETIMEDOUT
                r.msg = f'(no answer within 5 s, {len(r.data)} replies)'
                return r
            i = 0
            while i + 16 <= len(buf):
                ln, mtype, flags, mseq, _ = struct.unpack_from('=IHHII', buf, i)
                if ln < 16:
                    break
                m = buf[i:i + ln]
                i += (ln + 3) & ~3
                if mseq != seq:
                    continue
                if mtype == NLMSG_ERROR:
                    self._ack(m, flags, r)
                    return r
                if mtype == NLMSG_DONE:
                    r.done = True
                    r.err = struct.unpack_from('=i', m, 16)[0] if ln >= 20 else 0
                    if ln > 20 and flags & NLM_F_ACK_TLVS:
                        self._tlvs(m[20:], r)
                    return r
                r.data.append(parse_attrs(m[20:]))

    @staticmethod
    def _tlvs(data, r):
        t = parse_attrs(data)
        if NLMSGERR_ATTR_MSG in t:
            r.msg = t[NLMSGERR_ATTR_MSG].rstrip(b'\0').decode(errors='replace')
        if NLMSGERR_ATTR_OFFS in t:
            r.offs = struct.unpack('=I', t[NLMSGERR_ATTR_OFFS][:4])[0]
        if NLMSGERR_ATTR_MISS_TYPE in t:
            r.miss_type = struct.unpack('=I', t[NLMSGERR_ATTR_MISS_TYPE][:4])[0]
        if NLMSGERR_ATTR_MISS_NEST in t:
            r.miss_nest = struct.unpack('=I', t[NLMSGERR_ATTR_MISS_NEST][:4])[0]

    def _ack(self, m, flags, r):
        r.err = struct.unpack_from('=i', m, 16)[0]
        if not flags & NLM_F_ACK_TLVS:
            return
        # the original request follows the error code: its header only when capped
        olen = struct.unpack_from('=I', m, 20)[0]
        off = 20 + (16 if flags & NLM_F_CAPPED else (olen + 3) & ~3)
        self._tlvs(m[off:], r)

    def join(self, group):
        self.sk.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, self.groups[group])


# ---- requests -----------------------------------------------------------------------

def key(addr=V4, port=4000, fam=socket.AF_INET, src=None, sport=None):
    k = [Attr(FA['FAMILY'], u16(fam)), Attr(FA['DST_ADDR'], addr),
         Attr(FA['DST_PORT'], u16(port))]
    if src is not None:
        k.append(Attr(FA['SRC_ADDR'], src))
    if sport is not None:
        k.append(Attr(FA['SRC_PORT'], u16(sport)))
    return k


# The state the matrix runs against (and must leave untouched): two flows that do not
# expire during the run, a config that differs from the defaults.
F1 = dict(addr=V4, port=4000, src=V4_SRC, sport=5000)
F2 = dict(addr=V6, port=4002, fam=socket.AF_INET6)


def setup_state(g):
    reqs = [Msg(CMD['FLOW_FLUSH']),
            Msg(CMD['FLOW_NEW'], [Attr(A['FLOW'], key(**F1) + [
                Attr(FA['DSCP'], u8(46)), Attr(FA['COOKIE'], u64(7)),
                Attr(FA['RATE'], u64(64000)), Attr(FA['TIMEOUT'], u32(86400))])]),
            Msg(CMD['FLOW_NEW'], [Attr(A['FLOW'], key(**F2) + [
                Attr(FA['DSCP'], u8(34)), Attr(FA['COOKIE'], u64(8)),
                Attr(FA['TIMEOUT'], u32(86400))])]),
            Msg(CMD['CONFIG_SET'], [Attr(A['CONFIG'], [
                Attr(CA['SIP_PORTS'], u16(5060) + u16(5062)),
                Attr(CA['FALLBACK_DSCP'], u8(10)),
                Attr(CA['BE_PRIORITY'], u32(0x56510030))])])]
    for m in reqs:
        r = g.transact(m)
        if r.err:
            sys.exit(f'not ok - matrix_setup: command {m.cmd}: {r}')


# Base requests, one per way of calling a command: valid, and each would change the
# state above (or read it) if the kernel accepted it. A test case adds or replaces one
# attribute in them.
BASE = {
    'flow_new': lambda: Msg(CMD['FLOW_NEW'], [Attr(A['FLOW'], key(**F1) + [
        Attr(FA['DSCP'], u8(18)), Attr(FA['COOKIE'], u64(9))])]),
    'flow_del': lambda: Msg(CMD['FLOW_DEL'], [Attr(A['FLOW'], key(**F1))]),
    'flow_get': lambda: Msg(CMD['FLOW_GET'], [Attr(A['FLOW'], key(**F1))]),
    'flow_dump': lambda: Msg(CMD['FLOW_GET'], [Attr(A['COOKIE'], u64(7))], dump=True),
    'flow_flush': lambda: Msg(CMD['FLOW_FLUSH']),
    'config_get': lambda: Msg(CMD['CONFIG_GET']),
    'config_set': lambda: Msg(CMD['CONFIG_SET'], [Attr(A['CONFIG'], [
        Attr(CA['FALLBACK_DSCP'], u8(12)), Attr(CA['MIRROR_RATE'], u32(500))])]),
    'stats_get': lambda: Msg(CMD['STATS_GET']),
}
COMMANDS = list(BASE)
KEY_CMDS = ('flow_new', 'flow_del', 'flow_get')  # the commands that parse a flow key


def place(msg, scope, attr):
    """Put ATTR into MSG at SCOPE ('top', 'flow', 'config'), replacing one of its type;
    a nest the command does not carry is added (with a valid key for 'flow')."""
    if scope == 'top':
        where = msg.attrs
    else:
        t = A['FLOW'] if scope == 'flow' else A['CONFIG']
        nest = next((a for a in msg.attrs if a.type == t), None)
        if nest is None:
            nest = Attr(t, key(**F1) if scope == 'flow' else [])
            msg.attrs.append(nest)
        where = nest.payload
    for i, a in enumerate(where):
        if a.type == attr.type:
            where[i] = attr
            return msg
    where.append(attr)
    return msg


# ---- the schema: every attribute the family's policy knows ---------------------------

# (scope, name, type, extra); type: u8 u16 u32 u64 flag addr ports nest reject unspec.
# extra: for integers a list of out-of-range values with (errno, extack regex, commands);
# for nests the scope they open.
RANGE = (errno.ERANGE, r'integer out of range')
SCHEMA = [
    ('top', 'FLOW', 'nest', 'flow'),
    ('top', 'COOKIE', 'u64', []),
    ('top', 'CONFIG', 'nest', 'config'),
    ('top', 'STATS', 'reject', r'voiceqos: statistics are read-only'),
    ('top', 'SIP', 'reject', r'voiceqos: SIP copies are sent, not received'),
    ('top', 'PAD', 'unspec', None),
    ('top', 'EXCL', 'flag', None),
    ('flow', 'FAMILY', 'u16', [(0, errno.EAFNOSUPPORT, r'family must be AF_INET or AF_INET6',
                                KEY_CMDS),
                               (1, errno.EAFNOSUPPORT, r'family must be', KEY_CMDS),
                               (99, errno.EAFNOSUPPORT, r'family must be', KEY_CMDS)]),
    ('flow', 'SRC_ADDR', 'addr', None),
    ('flow', 'DST_ADDR', 'addr', None),
    ('flow', 'SRC_PORT', 'u16', []),
    ('flow', 'DST_PORT', 'u16', [(0,) + RANGE + (COMMANDS,)]),
    ('flow', 'COOKIE', 'u64', []),
    ('flow', 'MEDIA', 'u8', [(0,) + RANGE + (COMMANDS,), (4,) + RANGE + (COMMANDS,),
                             (255,) + RANGE + (COMMANDS,)]),
    ('flow', 'FLAGS', 'u32', [(2, errno.EINVAL, r'reserved bit set', COMMANDS),
                              (0x80000000, errno.EINVAL, r'reserved bit set', COMMANDS)]),
    ('flow', 'DSCP', 'u8', [(64,) + RANGE + (COMMANDS,), (255,) + RANGE + (COMMANDS,)]),
    ('flow', 'PRIORITY', 'u32', []),
    ('flow', 'MARK', 'u32', []),
    ('flow', 'MARK_MASK', 'u32', []),
    ('flow', 'RATE', 'u64', [(100 * 10**9 + 1,) + RANGE + (COMMANDS,),
                             (2**64 - 1,) + RANGE + (COMMANDS,)]),
    ('flow', 'BURST', 'u32', [((16 << 20) + 1,) + RANGE + (COMMANDS,),
                              (2**32 - 1,) + RANGE + (COMMANDS,)]),
    ('flow', 'CLOCK_RATE', 'u32', [(1000001,) + RANGE + (COMMANDS,)]),
    ('flow', 'TIMEOUT', 'u32', [(0,) + RANGE + (COMMANDS,), (86401,) + RANGE + (COMMANDS,)]),
    ('flow', 'LATCHED_ADDR', 'reject', r'voiceqos: latched address is read-only'),
    ('flow', 'LATCHED_PORT', 'reject', r'voiceqos: latched port is read-only'),
    ('flow', 'STATS', 'reject', r'voiceqos: flow statistics are read-only'),
    ('flow', 'PAD', 'unspec', None),
    ('config', 'SIP_PORTS', 'ports', None),
    ('config', 'BE_PRIORITY', 'u32', []),
    ('config', 'FALLBACK_DSCP', 'u8', [(64,) + RANGE + (COMMANDS,)]),
    ('config', 'MIRROR_RATE', 'u32', [(1000001,) + RANGE + (COMMANDS,)]),
    ('config', 'MIRROR_BURST', 'u32', [(0,) + RANGE + (COMMANDS,),
                                       (1000001,) + RANGE + (COMMANDS,)]),
    ('config', 'MAX_FLOWS', 'reject', r'voiceqos: max_flows is a module parameter'),
    ('config', 'IDLE_TIMEOUT', 'reject', r'voiceqos: idle_timeout is a module parameter'),
    ('config', 'SIP_DSCP', 'u8', [(65,) + RANGE + (COMMANDS,), (255,) + RANGE + (COMMANDS,)]),
    ('config', 'SIP_PRIORITY', 'u32', []),
]
SCOPE_TYPES = {'top': A, 'flow': FA, 'config': CA}
SCOPE_MAX = {'top': A_MAX, 'flow': FA_MAX, 'config': CA_MAX}

INT_LEN = {'u8': 1, 'u16': 2, 'u32': 4, 'u64': 8}
# a wrong but plausible integer type for each: the next width up (u64: down)
WRONG_INT = {'u8': 'u32', 'u16': 'u32', 'u32': 'u64', 'u64': 'u32'}
LEN_MSG = r'^invalid attribute length$'
POLICY_MSG = r'^Attribute failed policy validation$'
# validate_nla() fails its generic checks (goto out_err) with its initial err, -ERANGE
POLICY_ERR = errno.ERANGE
NOT_NESTED_MSG = r'^NLA_F_NESTED not expected$'
MISSING_NESTED_MSG = r'^NLA_F_NESTED is missing$'
UNKNOWN_MSG = r'^Unknown attribute type$'
UNSPEC_MSG = r'^Unsupported attribute$'


class Case:
    """One malformed request: NAME, the attribute it is about (SCOPE.ATTR), the commands
    it is sent with, the answer expected (errno, extack regex) and where the bad-attribute
    offset must point: 'attr' (the marked attribute), 'nest' (its enclosing nest),
    None (no offset required; checked if given)."""

    def __init__(self, group, name, build, err, msg_re, cmds=COMMANDS, offs='attr',
                 miss=None):
        self.group, self.name, self.build = group, name, build
        self.err, self.msg_re, self.cmds, self.offs = err, msg_re, cmds, offs
        self.miss = miss  # (type, 'nest'|None): expected NLMSGERR_ATTR_MISS_TYPE / _NEST


def attr_cases(scope, name, atype, extra):
    t = SCOPE_TYPES[scope][name]
    group = f'{scope}.{name.lower()}'
    cases = []

    def put(attr):
        attr.mark = True
        return lambda cmd: place(BASE[cmd](), scope, attr.copy())

    def add(cname, attr, err, msg_re, cmds=COMMANDS, offs='attr'):
        cases.append(Case(group, cname, put(attr), err, msg_re, cmds, offs))

    if atype in INT_LEN:
        n = INT_LEN[atype]
        good = b'\x01' + b'\0' * (n - 1)
        add('too_short', Attr(t, good[:n - 1]), errno.EINVAL, LEN_MSG)
        add('too_long', Attr(t, good + b'\0'), errno.EINVAL, LEN_MSG)
        add(f'wrong_type_{WRONG_INT[atype]}',
            Attr(t, b'\x01' + b'\0' * (INT_LEN[WRONG_INT[atype]] - 1)), errno.EINVAL, LEN_MSG)
        add('nested', Attr(t, good, nested=True), errno.EINVAL, NOT_NESTED_MSG)
        # the length is checked before the nest flag
        add('nest_of_itself', Attr(t, [Attr(t, good)]), errno.EINVAL, LEN_MSG)
        for v, err, msg_re, cmds in extra:
            add(f'out_of_range_{v}', Attr(t, struct.pack('=' + 'BHIQ'[[1, 2, 4, 8].index(n)], v)),
                err, msg_re, cmds)
    elif atype == 'flag':
        add('with_payload', Attr(t, u8(1)), POLICY_ERR, POLICY_MSG)
        add('wrong_type_u32', Attr(t, u32(1)), POLICY_ERR, POLICY_MSG)
        add('nested', Attr(t, b'', nested=True), errno.EINVAL, NOT_NESTED_MSG)
    elif atype == 'addr':
        add('too_long_17', Attr(t, V6 + b'\x01'), POLICY_ERR, POLICY_MSG)
        add('too_long_32', Attr(t, V6 + V6), POLICY_ERR, POLICY_MSG)
        add('nested', Attr(t, V4, nested=True), errno.EINVAL, NOT_NESTED_MSG)
        add('nest_of_itself', Attr(t, [Attr(t, V4)]), errno.EINVAL, NOT_NESTED_MSG)
        # lengths the policy allows (it knows no family) but the key parser refuses
        for ln in (0, 3, 5, 16):
            add(f'inet_len_{ln}', Attr(t, (V6 + V6)[:ln]), errno.EINVAL,
                r'voiceqos: address length does not match the family', KEY_CMDS)
    elif atype == 'ports':
        p = u16(5060)
        add('too_long_17_ports', Attr(t, p * 17), POLICY_ERR, POLICY_MSG)
        add('nested', Attr(t, p, nested=True), errno.EINVAL, NOT_NESTED_MSG)
        for cname, data, msg_re in (
                ('empty', b'', r'voiceqos: SIP ports must be 1 to 16'),
                ('odd_length_3', p + b'\x01', r'voiceqos: SIP ports must be 1 to 16'),
                ('port_0', p + u16(0), r'voiceqos: SIP port 0 is invalid')):
            add(cname, Attr(t, data), errno.EINVAL, msg_re, ('config_set',))
    elif atype == 'nest':
        inner = extra
        good = key(**F1) if inner == 'flow' else [Attr(CA['FALLBACK_DSCP'], u8(12))]
        add('not_flagged_nested', Attr(t, good, nested=False), errno.EINVAL,
            MISSING_NESTED_MSG)
        add('wrong_type_u32', Attr(t, u32(1), nested=False), errno.EINVAL, MISSING_NESTED_MSG)
        add('too_short_2', Attr(t, b'\x08\x00', nested=True), POLICY_ERR, POLICY_MSG)
        # an inner attribute claiming more bytes than the nest holds
        bad = Attr(1, u16(2))
        bad.rawlen = 64
        add('inner_overrun', Attr(t, [bad]), errno.EINVAL,
            r'^bytes leftover after parsing attributes$', offs=None)
        for u in (0, SCOPE_MAX[inner] + 1, NLA_TYPE_MASK):
            cases.append(Case(f'{inner}.unknown', f'type_{u}',
                              lambda cmd, u=u, inner=inner:
                              place(BASE[cmd](), inner, Attr(u, u32(1), mark=True)),
                              errno.EINVAL, UNKNOWN_MSG))
    elif atype == 'reject':
        for cname, data in (('u32', u32(1)), ('empty', b'')):
            add(cname, Attr(t, data), errno.EINVAL, '^' + re.escape(extra) + '$')
        # the nest flag is checked before the rejection
        add('nested', Attr(t, [Attr(1, u32(1))]), errno.EINVAL, NOT_NESTED_MSG)
    elif atype == 'unspec':
        add('u32', Attr(t, u32(1)), errno.EINVAL, UNSPEC_MSG)
        add('empty', Attr(t, b''), errno.EINVAL, UNSPEC_MSG)
    return cases


def top_unknown_cases():
    out = []
    for u in (0, A_MAX + 1, NLA_TYPE_MASK):
        out.append(Case('top.unknown', f'type_{u}',
                        lambda cmd, u=u: place(BASE[cmd](), 'top', Attr(u, u32(1), mark=True)),
                        errno.EINVAL, UNKNOWN_MSG))
    return out


def drop(scope, name):
    """BASE of a command without one attribute (a missing required one)."""
    def build(cmd):
        m = BASE[cmd]()
        if scope == 'top':
            m.attrs = [a for a in m.attrs if a.type != A[name]]
            return m
        nest = next(a for a in m.attrs if a.type == A['FLOW'])
        nest.payload = [a for a in nest.payload if a.type != FA[name]]
        nest.mark = True
        return m
    return build


def with_flow(*extra, fam=socket.AF_INET, addr=V4):
    def build(cmd):
        m = BASE[cmd]()
        nest = next(a for a in m.attrs if a.type == A['FLOW'])
        for a in extra:
            place(m, 'flow', a.copy())
        for a in nest.payload:
            if a.type == FA['FAMILY']:
                a.payload = u16(fam)
            if a.type == FA['DST_ADDR'] and (addr, fam) != (V4, socket.AF_INET):
                a.payload = addr
                # the key parser names the address whose length does not fit
                a.mark = not any(x.mark for x in extra)
        return m
    return build


def semantic_cases():
    """Command-specific cases: what the policy cannot see."""
    C = Case
    EINVAL = errno.EINVAL
    return [
        C('missing', 'flow_nest', drop('top', 'FLOW'), EINVAL,
          r'voiceqos: flow attribute missing', ('flow_new', 'flow_get'), None,
          (A['FLOW'], None)),
        C('missing', 'flow.family', drop('flow', 'FAMILY'), EINVAL,
          r'voiceqos: flow family missing', KEY_CMDS, None, (FA['FAMILY'], 'nest')),
        C('missing', 'flow.dst_addr', drop('flow', 'DST_ADDR'), EINVAL,
          r'voiceqos: destination address missing', KEY_CMDS, None,
          (FA['DST_ADDR'], 'nest')),
        C('missing', 'flow.dst_port', drop('flow', 'DST_PORT'), EINVAL,
          r'voiceqos: destination port missing', KEY_CMDS, None,
          (FA['DST_PORT'], 'nest')),
        C('missing', 'config_nest', lambda cmd: Msg(CMD['CONFIG_SET']), EINVAL,
          r'voiceqos: config attribute missing', ('config_set',), None, (A['CONFIG'], None)),
        C('mismatch', 'inet6_with_4_byte_addr', with_flow(fam=socket.AF_INET6), EINVAL,
          r'voiceqos: address length does not match the family', KEY_CMDS),
        C('mismatch', 'inet_with_16_byte_addr', with_flow(addr=V6), EINVAL,
          r'voiceqos: address length does not match the family', KEY_CMDS),
        C('mismatch', 'inet6_src_4_bytes',
          with_flow(Attr(FA['SRC_ADDR'], V4, mark=True), fam=socket.AF_INET6, addr=V6),
          EINVAL, r'voiceqos: address length does not match the family', KEY_CMDS),
        C('mismatch', 'mark_mask_without_mark',
          with_flow(Attr(FA['MARK_MASK'], u32(0xff), mark=True)), EINVAL,
          r'voiceqos: mark mask given without a mark', ('flow_new',)),
        C('mismatch', 'del_key_and_cookie',
          lambda cmd: place(BASE[cmd](), 'top', Attr(A['COOKIE'], u64(7))), EINVAL,
          r'voiceqos: give either a flow key or a cookie', ('flow_del',), None),
        C('mismatch', 'del_neither', lambda cmd: Msg(CMD['FLOW_DEL']), EINVAL,
          r'voiceqos: give either a flow key or a cookie', ('flow_del',), None),
        C('mismatch', 'excl_on_existing_flow',
          lambda cmd: place(BASE[cmd](), 'top', Attr(A['EXCL'], b'')), errno.EEXIST,
          r'voiceqos: flow exists', ('flow_new',), None),
        C('absent', 'no_such_flow', with_flow(Attr(FA['DST_PORT'], u16(4999))), errno.ENOENT,
          r'voiceqos: no such flow', ('flow_del', 'flow_get'), 'flow'),
        C('absent', 'no_such_cookie',
          lambda cmd: Msg(CMD['FLOW_DEL'], [Attr(A['COOKIE'], u64(12345), mark=True)]),
          errno.ENOENT, r'voiceqos: no flow has this cookie', ('flow_del',)),
    ]


# The top-level attributes each way of calling a command takes; every other valid one is
# refused with EINVAL pointing at it (kmod/netlink.c vqos_nl_only()).
TAKES = {'flow_new': ('FLOW', 'EXCL'), 'flow_del': ('FLOW', 'COOKIE'), 'flow_get': ('FLOW',),
         'flow_dump': ('COOKIE',), 'flow_flush': (), 'config_get': (),
         'config_set': ('CONFIG',), 'stats_get': ()}
VALID_TOP = {'FLOW': lambda: key(**F1), 'COOKIE': lambda: u64(7), 'EXCL': lambda: b'',
             'CONFIG': lambda: [Attr(CA['FALLBACK_DSCP'], u8(12))]}


def not_taken_cases():
    out = []
    for name, value in VALID_TOP.items():
        cmds = tuple(c for c in COMMANDS if name not in TAKES[c])
        out.append(Case('not_taken', name.lower(),
                        lambda cmd, name=name, value=value:
                        place(BASE[cmd](), 'top', Attr(A[name], value(), mark=True)),
                        errno.EINVAL, r'^voiceqos: attribute not taken by this command$',
                        cmds))
    return out


def framing_cases():
    """Commands and framing the family does not have: genetlink answers these itself."""
    C = Case
    out = []
    for c in (0, CMD['FLOW_EXPIRED'], CMD['SIP_COPY'], CMD_MAX + 1, 200, 255):
        out.append(C('command', f'unknown_{c}', lambda cmd, c=c: Msg(c), errno.EOPNOTSUPP,
                     None, ('stats_get',), None))
    for name in ('flow_new', 'flow_del', 'flow_flush', 'config_get', 'config_set',
                 'stats_get'):
        out.append(C('command', f'dump_of_{name}',
                     lambda cmd, name=name: Msg(BASE[name]().cmd, BASE[name]().attrs, dump=True),
                     errno.EOPNOTSUPP, None, ('stats_get',), None))
    out.append(C('framing', 'truncated_genl_header',
                 lambda cmd: Msg(CMD['STATS_GET'], genl_len=2), errno.EINVAL, None,
                 ('stats_get',), None))
    overrun = Attr(A['COOKIE'], u64(7), mark=True)
    overrun.rawlen = 200
    out.append(C('framing', 'attr_overruns_message',
                 lambda cmd: Msg(BASE[cmd]().cmd, [overrun.copy()], dump=BASE[cmd]().dump),
                 errno.EINVAL, r'bytes leftover', COMMANDS, None))
    return out


def all_cases():
    cases = []
    for scope, name, atype, extra in SCHEMA:
        cases += attr_cases(scope, name, atype, extra)
    return cases + top_unknown_cases() + semantic_cases() + not_taken_cases() + \
        framing_cases()


# ---- state ------------------------------------------------------------------------------

def snapshot(g):
    """Everything a wrongly accepted request could change: the flows (their parameters,
    not their counters), the config, the flow count and the hooks switch."""
    r = g.transact(Msg(CMD['FLOW_GET'], dump=True))
    flows = []
    for d in r.data:
        f = parse_attrs(d.get(A['FLOW'], b''))
        f.pop(FSTAT_NEST, None)
        flows.append(tuple(sorted(f.items())))
    c = g.transact(Msg(CMD['CONFIG_GET']))
    s = g.transact(Msg(CMD['STATS_GET']))
    st = parse_attrs(s.data[0][A['STATS']]) if s.data else {}
    return (r.err, sorted(flows), c.err, c.data and c.data[0].get(A['CONFIG']),
            st.get(SA_FLOWS), st.get(SA_HOOKS))


# ---- running ---------------------------------------------------------------------------

def check(case, cmd, m, r):
    """'' if the reply is right, else why not."""
    why = []
    if r.err == 0:
        return 'the kernel accepted it'
    if r.err != -case.err:
        why.append(f'errno {errno.errorcode.get(-r.err, r.err)}, '
                   f'want {errno.errorcode[case.err]}')
    if case.msg_re is not None:
        if not r.msg:
            why.append('no extack message')
        elif not re.search(case.msg_re, r.msg):
            why.append(f'extack does not match /{case.msg_re}/')
    marked = m.marked()
    if r.done and r.offs is None:
        # a dump that refused in its first pass (6.1: no extack in .start) answers with
        # NLMSG_DONE, which carries the message but no attribute offset
        pass
    elif case.offs == 'attr' and marked is not None:
        if r.offs != marked.off:
            why.append(f'offset {r.offs}, want {marked.off} (the bad attribute)')
    elif case.offs == 'flow':
        nest = next(a for a in m.attrs if a.type == A['FLOW'])
        if r.offs != nest.off:
            why.append(f'offset {r.offs}, want {nest.off} (the flow nest)')
    if r.offs is not None and not (20 <= r.offs < len(m.encode(0, 0))):
        why.append(f'offset {r.offs} outside the request')
    if case.miss is not None:
        mtype, mnest = case.miss
        if r.miss_type != mtype:
            why.append(f'miss_type {r.miss_type}, want {mtype}')
        want = next(a for a in m.attrs if a.type == A['FLOW']).off if mnest else None
        if r.miss_nest != want:
            why.append(f'miss_nest {r.miss_nest}, want {want}')
    return '; '.join(why)


def run_matrix():
    g = Genl()
    setup_state(g)
    before = snapshot(g)
    fails = 0
    groups = {}
    for c in all_cases():
        groups.setdefault(c.group, []).append(c)
    total = 0
    for group, cases in groups.items():
        bad, n = [], 0
        for c in cases:
            for cmd in c.cmds:
                m = c.build(cmd)
                r = g.transact(m)
                n += 1
                why = check(c, cmd, m, r)
                print(f'# {group}/{c.name} {cmd}: {r}' + (f'  <-- {why}' if why else ''))
                if why:
                    bad.append(f'{c.name}@{cmd}: {why} ({r})')
        total += n
        after = snapshot(g)
        if after != before:
            bad.append('state changed (flows, config or counts differ from before)')
            setup_state(g)
            before = snapshot(g)
        if bad:
            fails += 1
            print(f'not ok - genl {group}: {len(bad)} of {n} wrong: ' + ' | '.join(bad[:4]))
        else:
            print(f'ok - genl {group}: {n} requests rejected as expected')
    # The base requests themselves are accepted: each case above failed because of its
    # one malformation. Order: the ones that change nothing or little first.
    for cmd in ('flow_get', 'flow_dump', 'config_get', 'stats_get', 'flow_new',
                'config_set', 'flow_del', 'flow_flush'):
        r = g.transact(BASE[cmd]())
        want_data = cmd in ('flow_get', 'flow_dump', 'config_get', 'stats_get')
        if r.err or (want_data and not r.data):
            fails += 1
            print(f'not ok - genl control {cmd}: the valid base request failed: {r}')
        else:
            print(f'ok - genl control {cmd}: the valid base request is accepted')
    print(f'# {total} malformed requests in {len(groups)} groups')
    return 1 if fails else 0


def run_eperm(own_netns):
    """Every command EPERM (they need CAP_NET_ADMIN in the initial user namespace). The
    multicast groups need CAP_NET_ADMIN in the user namespace owning the socket's network
    namespace: EPERM, except for the root of a user namespace in a network namespace of
    its own (OWN_NETNS), who may listen to the copies of that namespace's own traffic."""
    g = Genl()
    fails = 0
    for cmd in COMMANDS:
        r = g.transact(BASE[cmd]())
        if r.err == -errno.EPERM:
            print(f'ok - eperm {cmd}: {r}')
        else:
            fails += 1
            print(f'not ok - eperm {cmd}: want EPERM: {r}')
    for grp in ('sip', 'events'):
        try:
            g.join(grp)
            err = 0
        except OSError as e:
            err = e.errno
        want = 0 if own_netns else errno.EPERM
        name = errno.errorcode.get(err, 'ok')
        if err == want:
            print(f'ok - eperm join_{grp}: {name}' + (' (own netns)' if own_netns else ''))
        else:
            fails += 1
            print(f'not ok - eperm join_{grp}: {name}, want {errno.errorcode.get(want, "ok")}')
    return 1 if fails else 0


def addr_of(s):
    for fam in (socket.AF_INET, socket.AF_INET6):
        try:
            return fam, socket.inet_pton(fam, s)
        except OSError:
            pass
    sys.exit(f'vq-genl-raw.py: bad address {s}')


def flow_new(g, addr, port, dscp=46):
    """A flow that does not expire while a slow (TCG) test looks at it."""
    fam, a = addr_of(addr)
    return g.transact(Msg(CMD['FLOW_NEW'], [Attr(A['FLOW'], key(a, port, fam) + [
        Attr(FA['DSCP'], u8(dscp)), Attr(FA['TIMEOUT'], u32(86400))])]))


def main(argv):
    mode = argv[1] if len(argv) > 1 else ''
    if mode == 'matrix' and len(argv) == 2:
        return run_matrix()
    if mode == 'eperm' and (len(argv) == 2 or argv[2:] == ['own-netns']):
        return run_eperm(len(argv) == 3)
    if mode == 'fill' and len(argv) in (5, 6):
        g, n, port = Genl(), int(argv[2]), int(argv[4])
        for i in range(n):
            r = flow_new(g, argv[3], port + i, int(argv[5]) if len(argv) == 6 else 46)
            if r.err:
                print(f'error at {i}: {r}')
                return 1
        print(f'added {n}')
        return 0
    if mode == 'new' and len(argv) in (4, 5):
        r = flow_new(Genl(), argv[2], int(argv[3]), int(argv[4]) if len(argv) == 5 else 46)
        print(r)
        return 0
    if mode == 'del' and len(argv) == 4:
        fam, a = addr_of(argv[2])
        print(Genl().transact(Msg(CMD['FLOW_DEL'], [Attr(A['FLOW'], key(a, int(argv[3]), fam))])))
        return 0
    if mode == 'count' and len(argv) == 2:
        r = Genl().transact(Msg(CMD['FLOW_GET'], dump=True))
        print(len(r.data) if not r.err else r)
        return 0 if not r.err else 1
    print(__doc__ if __doc__ else '', end='')
    sys.stderr.write('usage: vq-genl-raw.py matrix | eperm [own-netns] | fill N ADDR PORT [DSCP] | '
                     'new ADDR PORT [DSCP] | del ADDR PORT | count\n')
    return 2


if __name__ == '__main__':
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main(sys.argv))
