#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Refresh po/zh_CN.po from the sources (then translate what msgattrib --untranslated
# lists, and check with msgfmt -c). The keywords are every function that translates.
set -e
cd "$(dirname "$0")/.."
xgettext --from-code=UTF-8 --keyword=N_ --keyword=_ --keyword=sw_tr:2 --keyword=tui_tr:2 \
  --keyword=sw_an_tr:2 --keyword=NC_:1c,2 --keyword=sw_trc:2c,3 --keyword=tui_trc:2c,3 \
  --keyword=sw_trn:2,3 --keyword=tui_trn:2,3 --keyword=_n:1,2 \
  -o po/sipwatch.pot analyze/*.c cli/*.c tui/*.c view/*.c po/words.c
msgmerge -q --no-fuzzy-matching -o po/zh_CN.po po/zh_CN.po po/sipwatch.pot
msgattrib --no-obsolete -o po/zh_CN.po po/zh_CN.po
rm -f po/sipwatch.pot
msgfmt -c -o /dev/null po/zh_CN.po
echo "untranslated: $(msgattrib --untranslated po/zh_CN.po | grep -c '^msgid' || true) (the header counts 1)"
