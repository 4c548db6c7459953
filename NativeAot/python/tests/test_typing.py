"""The package is typed (PEP 484 hints inline, PEP 561 py.typed): every public callable reachable
from slatefast and slatefast.aio has hints that typing.get_type_hints resolves, with a return type
and a type for every parameter; and importing the package (or resolving its hints) never loads
the native library."""

import inspect
import os
import subprocess
import sys
import types
import typing
import unittest

from support import slatefast
import slatefast.aio  # noqa: E402 - after support, which puts the package on sys.path

# Besides public names (no leading underscore), the special methods that are part of the API.
SPECIAL = {"__init__", "__enter__", "__exit__", "__iter__", "__next__", "__aenter__", "__aexit__", "__aiter__", "__anext__"}
UNTYPED_KINDS = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _ours(obj):
    return getattr(obj, "__module__", "").split(".")[0] == "slatefast"


def _api_name(name):
    return not name.startswith("_") or name in SPECIAL


def public_api(roots=(slatefast, slatefast.aio)):
    """(functions, classes): the public module-level functions and classes defined by the package,
    found from roots and their public submodules; each as {qualified name: object}."""
    functions, classes, seen, pending = {}, {}, set(), list(roots)
    while pending:
        module = pending.pop()
        if module.__name__ in seen:
            continue
        seen.add(module.__name__)
        for name in dir(module):
            if name.startswith("_"):
                continue
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                if obj.__name__.startswith("slatefast."):
                    pending.append(obj)
            elif inspect.isclass(obj) and _ours(obj):
                classes[f"{obj.__module__}.{obj.__qualname__}"] = obj
            elif inspect.isfunction(obj) and _ours(obj):
                functions[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return functions, classes


def members(cls):
    """{name: function} of the class's public methods and property accessors, as attribute lookup
    finds them (inherited ones included, from the package's own base classes)."""
    found = {}
    for klass in cls.__mro__:
        if not _ours(klass):
            continue
        for name, attr in vars(klass).items():
            if name in found or not _api_name(name):
                continue
            if isinstance(attr, (staticmethod, classmethod)):
                attr = attr.__func__
            if isinstance(attr, property):
                for role, accessor in (("", attr.fget), (".setter", attr.fset), (".deleter", attr.fdel)):
                    if accessor is not None:
                        found[name + role] = accessor
            elif inspect.isfunction(attr):
                found[name] = attr
    return found


def callables():
    """{qualified name: function} of every public callable the API exposes, each once."""
    functions, classes = public_api()
    result = dict(functions)
    for class_name, cls in classes.items():
        for name, fn in members(cls).items():
            result[f"{class_name}.{name}"] = fn
    return result, len(functions), len(classes)


def missing_hints(fn):
    """What fn lacks: its parameters (but self, cls, *args, **kwargs) without a hint and 'return'."""
    hints = typing.get_type_hints(fn)
    missing = [
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.name not in ("self", "cls") and p.kind not in UNTYPED_KINDS and p.name not in hints
    ]
    if "return" not in hints:
        missing.append("return")
    return missing


class TypingTests(unittest.TestCase):
    def test_every_public_callable_has_resolvable_hints_for_its_parameters_and_return(self):
        checked, functions, classes = callables()
        problems = []
        for name, fn in sorted(checked.items()):
            try:
                missing = missing_hints(fn)
            except Exception as e:  # an unresolvable name in a hint, a bad forward reference
                problems.append(f"{name}: get_type_hints failed: {type(e).__name__}: {e}")
                continue
            if missing:
                problems.append(f"{name}: no hint for {', '.join(missing)}")
        for expected in ("db.open", "db.Db.put", "db.Db.__enter__", "db.Iterator.__next__", "aio.open_async", "aio.AsyncDb.scan", "aio.AsyncDb.__aexit__"):
            self.assertIn("slatefast." + expected, checked, "the walk of the public API missed a known name")
        distinct = len({id(fn) for fn in checked.values()})
        print(
            f"\ntest_typing: checked {len(checked)} names ({distinct} distinct functions): {functions} module-level "
            f"functions and {len(checked) - functions} methods/properties of {classes} classes (inherited ones per class)",
            file=sys.stderr,
        )
        self.assertEqual([], problems)

    def test_every_public_class_attribute_is_annotated(self):
        _, classes = public_api()
        problems = []
        for class_name, cls in sorted(classes.items()):
            hints, seen = typing.get_type_hints(cls), set()
            for klass in cls.__mro__:
                if not _ours(klass):
                    continue
                for name, attr in vars(klass).items():
                    plain = not (callable(attr) or isinstance(attr, (property, staticmethod, classmethod)))
                    if plain and not name.startswith("_") and name not in hints and name not in seen:
                        problems.append(f"{class_name}.{name}")
                    seen.add(name)
        self.assertEqual([], problems)

    def test_the_hints_say_what_iteration_yields(self):
        self.assertEqual(tuple[bytes, bytes], typing.get_type_hints(slatefast.Iterator.__next__)["return"])
        self.assertIs(slatefast.Iterator, typing.get_type_hints(slatefast.Iterator.__iter__)["return"])
        self.assertIs(slatefast.Iterator, typing.get_type_hints(slatefast.Db.scan)["return"])
        scan = typing.get_type_hints(slatefast.AsyncDb.scan)["return"]
        self.assertEqual((tuple[bytes, bytes], type(None)), typing.get_args(scan))

    def test_py_typed_marks_the_package(self):
        package = os.path.dirname(slatefast.__file__)
        self.assertTrue(os.path.isfile(os.path.join(package, "py.typed")), f"no py.typed in {package}")

    def test_importing_and_resolving_the_hints_does_not_load_the_native_library(self):
        # A fresh interpreter: in this one another test may have loaded the library already.
        code = (
            "import os, sys\n"
            "import test_typing\n"
            "from slatefast import _native\n"
            "checked, _, _ = test_typing.callables()\n"
            "for fn in checked.values():\n"
            "    try: test_typing.missing_hints(fn)\n"
            "    except Exception: pass  # the test above reports it\n"
            "maps = open('/proc/self/maps').read() if os.path.exists('/proc/self/maps') else ''\n"
            "print(_native._lib is None, 'libslatefast' in maps)\n"
        )
        tests = os.path.dirname(os.path.abspath(__file__))
        run = subprocess.run([sys.executable, "-B", "-c", code], cwd=tests, capture_output=True, text=True, timeout=120)
        self.assertEqual(0, run.returncode, run.stderr)
        self.assertEqual("True False", run.stdout.strip())


if __name__ == "__main__":
    unittest.main()
