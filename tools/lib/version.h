/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_VERSION_H
#define LF_VERSION_H

#define LF_TOOL_VERSION "0.1.0"

#endif
