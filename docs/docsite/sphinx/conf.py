# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sphinx settings of the site `make docs` builds (scripts/docs.sh).

Started from `antsibull-docs sphinx-init` (antsibull-docs 2.28.0), with two changes:
- no intersphinx: the build must work offline, and intersphinx fetches inventories from
  docs.python.org and docs.ansible.com (links to them stay plain links);
- myst_parser, so the Markdown guides in docs/ are pages of the site.
The build does not use -W: without intersphinx a few references antsibull-docs writes
(to ansible-core's own docs) cannot resolve, and Sphinx warns about them.
"""

project = "railstack.platform"
copyright = "railstack.platform contributors"  # pylint: disable=redefined-builtin

title = "railstack.platform"
html_short_title = "railstack.platform"

extensions = ["sphinx.ext.autodoc", "sphinx_antsibull_ext", "myst_parser"]
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
