"""Install ansible-test's offline get-pip shim for the installed ansible-core.

ansible-test builds each sanity test's virtualenv --without-pip and bootstraps pip with a
get-pip.py it downloads from ci-files.testing.ansible.com (ansible/ansible#77304), the one
host this machine cannot reach. It first looks for ~/.ansible/test/cache/get_pip_<X_Y>.py.
We put a shim there that bootstraps pip from the interpreter's own ensurepip wheel and then
runs pip with the arguments ansible-test gave (pip then installs the pinned pip from PyPI).

The pip version (and so the file name) is read from the installed ansible-test itself, so
an ansible-core upgrade picks the right name without edits here. Run with the venv Python.
Writes nothing else user-wide.
"""
import os
import re
import sys

SHIM = '''"""Offline stand-in for get-pip.py used by ansible-test (ansible/ansible#77304).

Installed by railstack.platform's `make setup` (scripts/install_get_pip_shim.py).
ansible-test runs this as __main__ with pip-style args plus get-pip-only flags:
bootstrap pip from the stdlib ensurepip wheel, then hand the args to pip."""
import importlib
import runpy
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"],
                      stdout=subprocess.DEVNULL)
importlib.invalidate_caches()
sys.argv = [sys.argv[0], "install"] + [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
runpy.run_module("pip", run_name="__main__", alter_sys=True)
'''


def ansible_test_root():
    import ansible_test  # pylint: disable=import-outside-toplevel
    return os.path.dirname(os.path.abspath(ansible_test.__file__))


def pip_versions(root):
    """Every pip version ansible-test may bootstrap: the default and any per-Python override."""
    try:
        # ansible-test's own answer, for each Python it knows about.
        from ansible_test._internal.python_requirements import get_venv_packages  # pylint: disable=import-outside-toplevel
        from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS  # pylint: disable=import-outside-toplevel

        class _Py:  # the one attribute get_venv_packages reads
            def __init__(self, version):
                self.version = version

        found = {get_venv_packages(_Py(v))['pip'] for v in CONTROLLER_PYTHON_VERSIONS}
        if found:
            return sorted(found)
    except Exception as ex:  # pylint: disable=broad-except
        print("setup: could not ask ansible-test for its pip version (%s); reading its source" % ex)
    with open(os.path.join(root, '_internal', 'python_requirements.py'), encoding='utf-8') as f:
        source = f.read()
    found = sorted(set(re.findall(r"\bpip\s*=\s*'(\d+(?:\.\d+)*)'", source)))
    if not found:
        sys.exit("setup: cannot find ansible-test's pip bootstrap version in %s" % f.name)
    return found


def cache_path_pattern(root):
    """ansible-test's own cache path pattern, e.g. '~/.ansible/test/cache/get_pip_%s.py'."""
    path = os.path.join(root, '_util', 'target', 'setup', 'requirements.py')
    try:
        with open(path, encoding='utf-8') as f:
            match = re.search(r"'(~/[^']*get_pip_%s\.py)'", f.read())
        if match:
            return match.group(1)
    except OSError:
        pass
    return '~/.ansible/test/cache/get_pip_%s.py'


def main():
    root = ansible_test_root()
    pattern = cache_path_pattern(root)
    for version in pip_versions(root):
        target = os.path.expanduser(pattern % version.replace('.', '_'))
        try:
            with open(target, encoding='utf-8') as f:
                if f.read() == SHIM:
                    continue
        except OSError:
            pass
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target + '.tmp', 'w', encoding='utf-8') as f:
            f.write(SHIM)
        os.replace(target + '.tmp', target)
        print("setup: installed ansible-test offline get-pip shim %s" % target)


if __name__ == '__main__':
    main()
