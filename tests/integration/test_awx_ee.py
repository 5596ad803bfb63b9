# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Execution environment: examples/ee/execution-environment.yml and meta/execution-environment.yml.

No container engine here: `ansible-builder create` writes the build context (what `build` would
hand to podman or docker), and `ansible-builder introspect` on the collection installed from its
own tarball shows the Python packages the image build would add for it.
"""
from __future__ import annotations

import shutil
import subprocess
import tarfile

import pytest
import yaml

from .helpers.playbook import VENV_BIN, playbook_environment
from .helpers.sandbox import OUTPUT, REPO_ROOT

WORK = OUTPUT / "ee"
EE_FILE = REPO_ROOT / "examples" / "ee" / "execution-environment.yml"


def run(*cmd, cwd=REPO_ROOT):
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=playbook_environment(), capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, "%s\n%s\n%s" % (" ".join(map(str, cmd)), proc.stdout, proc.stderr)
    return proc.stdout


@pytest.fixture(scope="module")
def work():
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    return WORK


def test_ansible_builder_create_writes_the_build_context(work):
    context = work / "context"
    run(VENV_BIN / "ansible-builder", "create", "-f", EE_FILE, "-c", context)
    definition = yaml.safe_load(EE_FILE.read_text(encoding="utf-8"))
    containerfile = next(p for p in (context / "Containerfile", context / "Dockerfile") if p.exists()).read_text()
    assert 'ARG EE_BASE_IMAGE="%s"' % definition["images"]["base_image"]["name"] in containerfile
    assert "ansible-galaxy collection install" in containerfile
    assert "introspect.py introspect" in containerfile
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert [c["name"] for c in galaxy["collections"]] == ["railstack.platform"]
    assert "boto3" in (context / "_build" / "requirements.txt").read_text(encoding="utf-8")
    assert definition["version"] == 3
    assert "ca-certificates" in (context / "_build" / "bindep.txt").read_text(encoding="utf-8")
    assert "ansible-core>=2.19" in containerfile


def clean_checkout(dest):
    """The files git knows (tracked, or untracked and not ignored): a release build's input, without the
    caches a working tree collects (.pytest_cache and the like)."""
    listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO_ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def test_collection_tarball_declares_its_python_needs(work):
    checkout = clean_checkout(work / "checkout")
    run(VENV_BIN / "ansible-galaxy", "collection", "build", "--force", "--output-path", work, checkout, cwd=work)
    tarball = next(work.glob("railstack-platform-*.tar.gz"))
    with tarfile.open(tarball) as tar:
        names = set(tar.getnames())
    for shipped in ("meta/execution-environment.yml", "requirements.txt", "requirements-optional.txt", "bindep.txt",
                    "COPYING", "LICENSES/GPL-3.0-or-later.txt", "CHANGELOG.rst", ".ansible-lint",
                    "extensions/awx/credential_types.yml",
                    "extensions/awx/bootstrap.yml", "plugins/inventory/railway.py",
                    "sandbox/railstack_sandbox/__main__.py"):
        assert shipped in names, shipped
    # the embedded sandbox ships (its code); its tests and schema generators do not
    assert not any(n.startswith(("tests/unit", "tests/integration", "tests/sandbox", "sandbox/tools")) for n in names)

    collections = work / "collections"
    # outside the repository: its ansible.cfg would show the working tree as "already installed"
    run(VENV_BIN / "ansible-galaxy", "collection", "install", "--offline", "--force", "-p", collections, tarball, cwd=work)
    introspected = yaml.safe_load(run(VENV_BIN / "ansible-builder", "introspect", "--sanitize", collections))
    wanted = [line.split()[0] for line in (REPO_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    assert wanted, "requirements.txt lists nothing"
    found = [entry.split("#")[0].strip() for entry in introspected["python"] if "railstack.platform" in entry]
    assert sorted(found) == sorted(wanted)
    system = [entry for entry in introspected["system"] if "railstack.platform" in entry]
    assert system and all(entry.startswith("ca-certificates ") for entry in system), introspected["system"]
