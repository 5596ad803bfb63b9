# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

from .module_utils.railway_script import railway_script  # noqa: F401  pylint: disable=unused-import
