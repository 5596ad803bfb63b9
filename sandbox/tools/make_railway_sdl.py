#!/usr/bin/env python3
"""Print a pruned copy of Railway's GraphQL schema: the sandbox's schema.

    python3 sandbox/tools/make_railway_sdl.py REAL_SCHEMA.graphql KEEP_LIST.txt > OUT.graphql

KEEP_LIST names, per object type, the fields to keep:

    # comment
    Query: me project projects
    Mutation: projectCreate
    Project: id name
      environments          <- an indented line continues the type above

Nothing is invented: every kept definition is copied from the real schema.
- Query / Mutation keep only the listed fields.
- Every other object type reached from a kept field must be listed (else the tool stops),
  and keeps only its listed fields.
- Arguments of a kept field are all kept, and input objects and enums are kept whole,
  so every document Railway accepts for a kept field is accepted by the sandbox too.
- An interface is kept only when it is listed itself; objects then keep implementing it.
The output is rebuilt with graphql-core to prove it is a valid schema.
"""
import sys

from graphql import build_ast_schema, parse, print_schema
from graphql.language import (
    DocumentNode, EnumTypeDefinitionNode, InputObjectTypeDefinitionNode, InterfaceTypeDefinitionNode,
    ListTypeNode, NonNullTypeNode, ObjectTypeDefinitionNode, ScalarTypeDefinitionNode, UnionTypeDefinitionNode,
)

BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def read_keep_list(path):
    """{type name: [field names]} in file order."""
    keep, current = {}, None
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            if raw[0].isspace():
                if current is None:
                    sys.exit(f"{path}:{number}: continuation line before any type")
                keep[current] += line.split()
                continue
            name, sep, fields = line.partition(":")
            if not sep:
                sys.exit(f"{path}:{number}: expected 'TypeName: field field ...'")
            current = name.strip()
            keep.setdefault(current, []).extend(fields.split())
    return keep


def named_type(type_node):
    while isinstance(type_node, (NonNullTypeNode, ListTypeNode)):
        type_node = type_node.type
    return type_node.name.value


def prune(real_sdl, keep):
    definitions = {d.name.value: d for d in parse(real_sdl).definitions if hasattr(d, "name") and d.name}
    kept = {}
    pending = ["Query", "Mutation"]

    def reach(type_name, via):
        if type_name in BUILT_IN_SCALARS or type_name in kept or type_name in pending:
            return
        if type_name not in definitions:
            sys.exit(f"{via}: type {type_name} is not in the real schema")
        pending.append(type_name)

    while pending:
        name = pending.pop(0)
        node = definitions.get(name)
        if node is None:
            sys.exit(f"type {name} is not in the real schema")
        if isinstance(node, (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)):
            if name not in keep:
                sys.exit(f"object type {name} is reached but not in the keep list; list the fields to keep")
            by_name = {f.name.value: f for f in node.fields}
            missing = [f for f in keep[name] if f not in by_name]
            if missing:
                sys.exit(f"{name} has no field(s) {', '.join(missing)} in the real schema")
            fields = tuple(by_name[f] for f in dict.fromkeys(keep[name]))
            for field in fields:
                reach(named_type(field.type), f"{name}.{field.name.value}")
                for arg in field.arguments or ():
                    reach(named_type(arg.type), f"{name}.{field.name.value}({arg.name.value})")
            interfaces = tuple(i for i in node.interfaces or () if i.name.value in keep)
            for interface in interfaces:
                reach(interface.name.value, name)
            kept[name] = node.__class__(**{**{k: getattr(node, k) for k in node.keys}, "fields": fields,
                                          "interfaces": interfaces})
        elif isinstance(node, InputObjectTypeDefinitionNode):
            for field in node.fields:
                reach(named_type(field.type), f"{name}.{field.name.value}")
            kept[name] = node
        elif isinstance(node, (EnumTypeDefinitionNode, ScalarTypeDefinitionNode)):
            kept[name] = node
        elif isinstance(node, UnionTypeDefinitionNode):
            sys.exit(f"union {name} reached: unions are not supported by this tool")
        else:
            sys.exit(f"unsupported definition {name}")
    unused = sorted(set(keep) - set(kept))
    if unused:
        sys.exit(f"keep list names types that no kept field reaches: {', '.join(unused)}")
    document = DocumentNode(definitions=tuple(kept[n] for n in sorted(kept)))
    return print_schema(build_ast_schema(document))


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    with open(argv[1]) as f:
        real_sdl = f.read()
    header = ("# Railway GraphQL schema served by railstack-sandbox: a strict sub-schema of Railway's public\n"
              "# schema (railwayapp/cli src/gql/schema.json). Generated by sandbox/tools/make_railway_sdl.py\n"
              "# from sandbox/tools/railway_keep.txt; do not edit by hand.\n\n")
    sys.stdout.write(header + prune(real_sdl, read_keep_list(argv[2])) + "\n")


if __name__ == "__main__":
    main(sys.argv)
