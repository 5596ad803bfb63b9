# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sphinx settings of the site `make docs` builds (scripts/docs.sh).

Started from `antsibull-docs sphinx-init` (antsibull-docs 2.28.0), with two changes:
- intersphinx without the network: the build must work offline, so instead of fetching
  docs.ansible.com's inventory, this file writes one with the few ansible-core labels that
  antsibull-docs' pages refer to (ANSIBLE_CORE_LABELS) and links them to docs.ansible.com;
- myst_parser, so the Markdown guides in docs/ are pages of the site.
scripts/docs.sh fails the build on any Sphinx warning, so a new unresolved reference shows
at once: add its label to ANSIBLE_CORE_LABELS if it points into ansible-core's docs.
"""

import os
import zlib

ANSIBLE_CORE_DOCS = "https://docs.ansible.com/ansible/latest/"
# label -> (page under ANSIBLE_CORE_DOCS, title): ansible-core's labels antsibull-docs refers to
ANSIBLE_CORE_LABELS = {
    "action_plugins": ("plugins/action.html", "Action plugins"),
    "ansible_configuration_settings": ("reference_appendices/config.html", "Ansible Configuration Settings"),
    "common_return_values": ("reference_appendices/common_return_values.html", "Return Values"),
}


def write_inventory(path: str, labels: dict) -> str:
    """A Sphinx inventory (objects.inv, version 2) of `labels`, for intersphinx to read offline."""
    header = ("# Sphinx inventory version 2\n# Project: Ansible\n# Version: latest\n"
              "# The remainder of this file is compressed using zlib.\n")
    entries = "".join("%s std:label -1 %s %s\n" % (name, page, title) for name, (page, title) in sorted(labels.items()))
    with open(path, "wb") as inventory:
        inventory.write(header.encode("utf-8") + zlib.compress(entries.encode("utf-8")))
    return path


project = "railstack.platform"
copyright = "railstack.platform contributors"  # pylint: disable=redefined-builtin

title = "railstack.platform"
html_short_title = "railstack.platform"

extensions = ["sphinx.ext.autodoc", "sphinx.ext.intersphinx", "sphinx_antsibull_ext", "myst_parser"]
intersphinx_mapping = {
    "ansible_core": (ANSIBLE_CORE_DOCS, write_inventory(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                     "ansible-core-objects.inv"), ANSIBLE_CORE_LABELS)),
}
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_heading_anchors = 3

pygments_style = "ansible"
highlight_language = "YAML+Jinja"

html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

default_role = "any"
