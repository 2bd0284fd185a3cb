#!/usr/bin/env python3
"""Generates apiserver/src/codec/protobuf/schema.rs: the protobuf field tables of every
object kind the apiserver serves, for decoding the protobuf bodies kubectl's typed clients
send (`kubectl create role|priorityclass|ingress|...`, `kubectl autoscale`, ...).

The tables come from upstream's `generated.proto` files (field numbers, types) and from the
Go types beside them (`types.go`): which fields JSON inlines (`json:",inline"`) and which
zero values JSON keeps (pointer fields, and fields without `omitempty`), so that a decoded
body is the JSON a Go client would have sent for the same object.

Usage (checkouts of k8s.io/api and k8s.io/apimachinery at the Kubernetes minor we serve):

    git clone --depth 1 --branch v0.33.9 https://github.com/kubernetes/api /tmp/k8s-api
    git clone --depth 1 --branch v0.33.9 https://github.com/kubernetes/apimachinery /tmp/k8s-apimachinery
    python3 hack/gen_protobuf_schema.py --api /tmp/k8s-api --apimachinery /tmp/k8s-apimachinery
"""
import argparse
import os
import re
import sys
from collections import deque

# apiVersion -> directory of its types in k8s.io/api: every group-version the apiserver
# serves whose types live there (apiextensions and apiregistration bodies are JSON-only in
# kubectl).
GROUP_VERSIONS = {
    "v1": "core/v1",
    "admissionregistration.k8s.io/v1": "admissionregistration/v1",
    "apps/v1": "apps/v1",
    "authentication.k8s.io/v1": "authentication/v1",
    "authorization.k8s.io/v1": "authorization/v1",
    "autoscaling/v1": "autoscaling/v1",
    "autoscaling/v2": "autoscaling/v2",
    "batch/v1": "batch/v1",
    "certificates.k8s.io/v1": "certificates/v1",
    "coordination.k8s.io/v1": "coordination/v1",
    "discovery.k8s.io/v1": "discovery/v1",
    "events.k8s.io/v1": "events/v1",
    "flowcontrol.apiserver.k8s.io/v1": "flowcontrol/v1",
    "networking.k8s.io/v1": "networking/v1",
    "node.k8s.io/v1": "node/v1",
    "policy/v1": "policy/v1",
    "rbac.authorization.k8s.io/v1": "rbac/v1",
    "scheduling.k8s.io/v1": "scheduling/v1",
    "storage.k8s.io/v1": "storage/v1",
}
META = "k8s.io.apimachinery.pkg.apis.meta.v1"
APIMACHINERY_DIRS = ["pkg/apis/meta/v1", "pkg/runtime", "pkg/util/intstr", "pkg/api/resource"]

# Messages with their own JSON form, decoded by hand in protobuf/mod.rs.
SPECIAL = {
    f"{META}.Time": "Time",
    f"{META}.MicroTime": "MicroTime",
    f"{META}.Duration": "Duration",
    f"{META}.FieldsV1": "RawExtension",
    "k8s.io.apimachinery.pkg.runtime.RawExtension": "RawExtension",
    "k8s.io.apimachinery.pkg.api.resource.Quantity": "Quantity",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "IntOrString",
}
SCALARS = {
    "string": "Str",
    "bytes": "Bytes",
    "int32": "Int",
    "int64": "Int",
    "uint32": "Int",
    "uint64": "Int",
    "bool": "Bool",
    "double": "Double",
    "float": "Double",
}

FIELD_RE = re.compile(r"^\s*(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;")
MAP_RE = re.compile(r"^\s*map<\s*string\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;")


def parse_proto(path):
    """{qualified message name: (comment, [(label, type, name, number)])}."""
    package, messages = None, {}
    current, comment, pending = None, [], []
    with open(path) as f:
        for line in f:
            s = line.strip()
            if s.startswith("package "):
                package = s.split()[1].rstrip(";")
            elif s.startswith("//"):
                pending.append(s)
            elif s.startswith("message "):
                current = f"{package}.{s.split()[1]}"
                comment, pending = pending, []
                messages[current] = (comment, [])
            elif s == "}":
                current = None
                pending = []
            elif current:
                m = FIELD_RE.match(s)
                mm = MAP_RE.match(s)
                if m:
                    label, typ, name, number = m.groups()
                    messages[current][1].append((label, qualify(typ, package), name, int(number)))
                elif mm:
                    typ, name, number = mm.groups()
                    messages[current][1].append(("map", qualify(typ, package), name, int(number)))
                pending = []
            else:
                pending = []
    return package, messages


def qualify(typ, package):
    if typ in SCALARS:
        return typ
    if typ.startswith("."):
        return typ[1:]
    return f"{package}.{typ}"


STRUCT_RE = re.compile(r"^type (\w+) struct \{")
TAG_RE = re.compile(r"`([^`]*)`")


def parse_go_types(directory, package):
    """{qualified message: {field number: (json name, inline, keep zero)}} from Go structs."""
    out = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".go") or name.endswith("_test.go") or name.startswith("zz_generated"):
            continue
        if name == "generated.pb.go":
            continue
        struct = None
        with open(os.path.join(directory, name)) as f:
            for line in f:
                m = STRUCT_RE.match(line)
                if m:
                    struct = f"{package}.{m.group(1)}"
                    out.setdefault(struct, {})
                    continue
                if struct is None:
                    continue
                if line.startswith("}"):
                    struct = None
                    continue
                tag = TAG_RE.search(line)
                if not tag:
                    continue
                tags = tag.group(1)
                pb = re.search(r'protobuf:"\w+,(\d+),', tags)
                js = re.search(r'json:"([^"]*)"', tags)
                if not pb or not js:
                    continue
                decl = line[: tag.start()].split()
                go_type = decl[-1] if decl else ""
                json_name, _, opts = js.group(1).partition(",")
                inline = "inline" in opts.split(",")
                pointer = go_type.startswith("*")
                keep_zero = pointer or "omitempty" not in opts.split(",")
                out[struct][int(pb.group(1))] = (json_name, inline, keep_zero)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--api", required=True, help="a checkout of k8s.io/api")
    ap.add_argument("--apimachinery", required=True, help="a checkout of k8s.io/apimachinery")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..",
                                                  "apiserver/src/codec/protobuf/schema.rs"))
    a = ap.parse_args()

    messages, go = {}, {}
    packages = {}
    dirs = [(a.api, d) for d in GROUP_VERSIONS.values()]
    dirs += [(a.apimachinery, d) for d in APIMACHINERY_DIRS]
    for root, d in dirs:
        package, msgs = parse_proto(os.path.join(root, d, "generated.proto"))
        messages.update(msgs)
        go.update(parse_go_types(os.path.join(root, d), package))
        packages[d] = package

    # Roots: every object (a message whose field 1 is `metadata`, an ObjectMeta) of a
    # served group-version, and DeleteOptions.
    roots = []
    for d in GROUP_VERSIONS.values():
        pkg = packages[d]
        for name, (_, fields) in messages.items():
            if name.rsplit(".", 1)[0] != pkg:
                continue
            if any(n == 1 and t == f"{META}.ObjectMeta" for _, t, _, n in fields):
                roots.append(name)
    roots.append(f"{META}.DeleteOptions")

    def str_list(name):
        comment, fields = messages[name]
        return (any("+protobuf.nullable=true" in c for c in comment)
                and [(l, t, n) for l, t, n, _ in fields] == [("repeated", "string", "items")])

    order, index, queue = [], {}, deque(roots)
    while queue:
        name = queue.popleft()
        if name in index or name in SPECIAL or str_list(name):
            continue
        if name not in messages:
            sys.exit(f"message {name} is referenced but not defined in the given checkouts")
        index[name] = len(order)
        order.append(name)
        for _, typ, _, _ in messages[name][1]:
            if typ not in SCALARS:
                queue.append(typ)

    def kind(typ):
        if typ in SCALARS:
            return f"Kind::{SCALARS[typ]}"
        if typ in SPECIAL:
            return f"Kind::{SPECIAL[typ]}"
        if str_list(typ):
            return "Kind::StrList"
        return f"Kind::Msg({index[typ]})"

    lines = [
        "//! Generated by `hack/gen_protobuf_schema.py` from upstream's `generated.proto` files",
        "//! and Go types (k8s.io/api and k8s.io/apimachinery); do not edit. Field tables of",
        "//! every object kind the apiserver serves, and of the messages they contain.",
        "",
        "use super::{Field, Kind, Message};",
        "",
        "/// apiVersion -> the protobuf package of its types.",
        "pub static PACKAGES: &[(&str, &str)] = &[",
    ]
    for gv, d in GROUP_VERSIONS.items():
        lines.append(f'    ("{gv}", "{packages[d]}"),')
    lines += ["];", "", "#[rustfmt::skip]", "pub static MESSAGES: &[Message] = &["]
    for name in order:
        lines.append(f'    Message {{ name: "{name}", fields: &[')
        struct = go.get(name, {})
        for label, typ, pname, number in messages[name][1]:
            json_name, inline, keep_zero = struct.get(number, (pname, False, False))
            if label == "map":
                k = f"Kind::Map(&{kind(typ)})"
            else:
                k = kind(typ)
            scalar = typ in SCALARS
            lines.append(
                f'        Field {{ number: {number}, name: "{json_name or pname}", kind: {k}, '
                f'repeated: {str(label == "repeated").lower()}, inline: {str(inline).lower()}, '
                f'keep_zero: {str(keep_zero and scalar and label != "repeated").lower()} }},'
            )
        lines.append("    ] },")
    lines.append("];")
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{a.out}: {len(order)} messages from {len(roots)} roots", file=sys.stderr)


if __name__ == "__main__":
    main()
